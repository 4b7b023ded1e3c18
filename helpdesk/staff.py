"""Staff access: who holds which role (agent, manager, admin) and which teams they are in.

The admin console's "Roles and agents" page calls these; every change is audited.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tickets.models import Team

from . import audit
from .roles import Role


class CannotChangeAccess(Exception):
    pass


def staff_users(*, query: str = "") -> QuerySet:
    """Active users with their role groups and teams prefetched (a fixed number of queries)."""
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    for word in query.split()[:3]:
        users = users.filter(Q(username__icontains=word) | Q(first_name__icontains=word)
                             | Q(last_name__icontains=word) | Q(email__icontains=word))
    return users.order_by("username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=[r.value for r in Role])),
        Prefetch("kefu_teams", queryset=Team.objects.order_by("name")),
    )


def _access(user) -> dict:
    return {
        "roles": sorted(user.groups.filter(name__in=[r.value for r in Role])
                        .values_list("name", flat=True)),
        "teams": sorted(user.kefu_teams.values_list("name", flat=True)),
        "is_staff": user.is_staff,
    }


@transaction.atomic
def set_access(*, user, roles: set[str], teams: list[Team], by) -> None:
    """Give `user` exactly these roles and teams. The admin role also opens the admin site
    (is_staff); nobody can take the admin role away from themselves."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise CannotChangeAccess(_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    if user.pk == by.pk and Role.ADMIN not in roles and not user.is_superuser:
        raise CannotChangeAccess(_("You cannot take the admin role away from yourself."))
    before = _access(user)
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*[g for g in role_groups if g.name not in roles])
    user.groups.add(*[g for g in role_groups if g.name in roles])
    user.kefu_teams.set(teams)
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_kefu_roles", None)
    after = _access(user)
    if before != after:
        changed = [k for k in after if before[k] != after[k]]
        audit.record(actor=by, action="staff.access_changed", target=user,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
