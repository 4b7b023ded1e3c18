from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .roles import roles_of


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """The authenticated user and their roles."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(MeSerializer({
            "id": user.pk, "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "roles": sorted(roles_of(user)),
        }).data)
