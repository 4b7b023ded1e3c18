from django.conf import settings

from .roles import Role, has_role


def kefu(request):
    user = getattr(request, "user", None)
    return {
        "shop_name": settings.SHOP_NAME,
        "is_agent": bool(user) and has_role(user, Role.AGENT),
        "is_manager": bool(user) and has_role(user, Role.MANAGER),
        "is_admin": bool(user) and has_role(user, Role.ADMIN),
    }
