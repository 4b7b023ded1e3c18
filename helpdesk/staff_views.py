"""The admin console's "Roles and agents" page: roles and teams per user, one row at a time."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tickets.models import Team

from . import staff
from .roles import Role, role_required


class AccessForm(forms.Form):
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles"), choices=Role.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    teams = forms.ModelMultipleChoiceField(label=gettext_lazy("Teams"),
                                           queryset=Team.objects.order_by("name"),
                                           required=False, widget=forms.CheckboxSelectMultiple)


def _row(user, teams, *, saved=False, error=""):
    return {"member": user, "teams": teams, "saved": saved, "error": error,
            "member_roles": {g.name for g in user.groups.all()},
            "member_teams": {t.pk for t in user.kefu_teams.all()}}


@require_http_methods(["GET"])
@role_required(Role.ADMIN)
def roles_page(request):
    query = request.GET.get("q", "")[:100]
    page = Paginator(staff.staff_users(query=query), 50).get_page(request.GET.get("page"))
    teams = list(Team.objects.order_by("name"))
    return render(request, "helpdesk/roles.html", {
        "page": page, "query": query, "teams": teams, "roles": Role.choices,
        "rows": [_row(user, teams) for user in page.object_list],
    })


@require_http_methods(["POST"])
@role_required(Role.ADMIN)
def save_access(request, user_pk):
    user = get_object_or_404(staff.staff_users(), pk=user_pk)
    teams = list(Team.objects.order_by("name"))
    form = AccessForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            staff.set_access(user=user, roles=set(form.cleaned_data["roles"]),
                             teams=list(form.cleaned_data["teams"]), by=request.user)
        except staff.CannotChangeAccess as exc:
            error = str(exc)
    else:
        error = _("Choose roles and teams from the lists.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect("admin:kefu_roles")
    user = staff.staff_users().get(pk=user.pk)
    return render(request, "helpdesk/_role_row.html",
                  {"row": _row(user, teams, saved=not error, error=error),
                   "roles": Role.choices},
                  )
