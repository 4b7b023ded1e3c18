from rest_framework import serializers, viewsets

from .models import Tier


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["id", "name", "name_zh_hans", "rank", "min_orders", "min_spend",
                  "discount_percent", "perks", "perks_zh_hans", "priority_service",
                  "badge_colour"]


class TierViewSet(viewsets.ReadOnlyModelViewSet):
    """Loyalty tiers, lowest rank first."""

    queryset = Tier.objects.order_by("rank")
    serializer_class = TierSerializer
    pagination_class = None
