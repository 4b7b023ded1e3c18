from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("customers", api.CustomerViewSet, basename="api-customer")
router.register("orders", api.OrderViewSet, basename="api-order")
router.register("shipments", api.ShipmentViewSet, basename="api-shipment")
router.register("tracking-events", api.TrackingEventViewSet, basename="api-tracking-event")

urlpatterns = router.urls
