from rest_framework.permissions import BasePermission

from .roles import Role, has_role


class IsStaffRole(BasePermission):
    """API access for agents, managers, admins and integration users (agent role)."""

    def has_permission(self, request, view):
        return has_role(request.user, Role.AGENT)


class IsManager(BasePermission):
    def has_permission(self, request, view):
        return has_role(request.user, Role.MANAGER)


class IsAdmin(BasePermission):
    def has_permission(self, request, view):
        return has_role(request.user, Role.ADMIN)
