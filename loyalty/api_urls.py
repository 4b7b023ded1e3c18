from rest_framework.routers import SimpleRouter

from .api import TierViewSet

router = SimpleRouter()
router.register("tiers", TierViewSet, basename="tier")

urlpatterns = router.urls
