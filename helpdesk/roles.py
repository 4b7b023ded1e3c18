"""The three staff roles, as auth groups, and the checks every view uses."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


# Each role includes the ones before it.
ROLE_ORDER = [Role.AGENT, Role.MANAGER, Role.ADMIN]


def roles_of(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_kefu_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & {r.value for r in Role}
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._kefu_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    """True if the user holds `role` or a higher one."""
    held = roles_of(user)
    rank = ROLE_ORDER.index(role)
    return any(r in held for r in ROLE_ORDER[rank:])


def require_role(user, role: str) -> None:
    if not has_role(user, role):
        raise PermissionDenied


class RoleRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; a logged-in user without the role gets 403."""

    required_role: str = Role.AGENT

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_role(request.user, self.required_role)
        return super().dispatch(request, *args, **kwargs)


def role_required(role: str):
    """Function-view decorator with the same rule as RoleRequiredMixin."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, role)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
