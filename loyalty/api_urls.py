from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("tiers", api.TierViewSet, basename="tier")
router.register("coupons", api.CouponViewSet, basename="coupon")
router.register("store-credit-grants", api.StoreCreditGrantViewSet,
                basename="store-credit-grant")
router.register("points-entries", api.PointsEntryViewSet, basename="points-entry")
router.register("store-credit-entries", api.StoreCreditEntryViewSet,
                basename="store-credit-entry")

urlpatterns = [
    path("customers/<int:customer_id>/loyalty/", api.CustomerLoyaltyView.as_view(),
         name="api-customer-loyalty"),
    *router.urls,
]
