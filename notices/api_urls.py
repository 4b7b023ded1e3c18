from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("delay-notices", api.DelayNoticeViewSet, basename="api-delay-notice")

urlpatterns = [
    path("shipments/<int:pk>/notices/", api.ShipmentNoticesView.as_view(),
         name="api-shipment-notices"),
    *router.urls,
]
