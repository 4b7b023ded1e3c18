from django.utils.functional import SimpleLazyObject

from helpdesk.roles import Role, has_role

from .selectors import unread_count


def notifications(request):
    """The unread SLA notification count for the manager's nav badge, counted only if shown."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not has_role(user, Role.MANAGER):
        return {}
    return {"sla_unread_count": SimpleLazyObject(lambda: unread_count(user))}
