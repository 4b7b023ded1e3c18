from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect

from .roles import Role, has_role


@login_required
def home(request):
    """Agents land in the inbox; managers without agent work too (for now the same place)."""
    if has_role(request.user, Role.AGENT):
        return redirect("tickets:inbox")
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
