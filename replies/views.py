"""The composer widget's htmx endpoints (the widget sits in the ticket workspace's composer)
and the agent's own templates.

Thin: look the rows up through selectors, call one service, render a partial.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.roles import Role, role_required
from tickets.models import Status, Ticket

from . import selectors, services
from .forms import PersonalTemplateForm
from .models import Macro, ReplyTemplate
from .rendering import render as render_text
from .rendering import scan
from .validation import check_reply_ready

MAX_TEXT = 50000
SEND_STATUSES = [Status.PENDING, Status.SOLVED]


def _ticket(pk: int) -> Ticket:
    try:
        return selectors.ticket_for_replies(pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _template(request, pk: int) -> ReplyTemplate:
    try:
        return selectors.template_for(user=request.user, pk=pk)
    except ReplyTemplate.DoesNotExist as exc:
        raise Http404 from exc


def _macro(request, pk: int) -> Macro:
    try:
        return selectors.macro_for(user=request.user, pk=pk)
    except Macro.DoesNotExist as exc:
        raise Http404 from exc


def _coupon(request) -> str:
    return (request.POST.get("coupon_code") or request.GET.get("coupon_code") or "")[:64]


@require_GET
@role_required(Role.AGENT)
def search(request, pk):
    """Templates and macros matching the typed words, the most used first."""
    ticket = _ticket(pk)
    query = request.GET.get("q", "")[:200]
    return render(request, "replies/_search_results.html", {
        "ticket": ticket,
        "query": query,
        "templates": [(template, template.body_for(ticket.customer.language)[0])
                      for template in selectors.search_templates(user=request.user, query=query)],
        "macros": selectors.search_macros(user=request.user, query=query),
        "language": ticket.customer.language,
    })


@require_GET
@role_required(Role.AGENT)
def template_preview(request, pk, template_pk):
    ticket = _ticket(pk)
    preview = services.render_for_ticket(template=_template(request, template_pk), ticket=ticket,
                                         agent=request.user, coupon_code=_coupon(request))
    return render(request, "replies/_template_preview.html",
                  {"ticket": ticket, "preview": preview, "inserted": False})


@require_POST
@role_required(Role.AGENT)
def template_insert(request, pk, template_pk):
    ticket = _ticket(pk)
    preview = services.insert_template(template=_template(request, template_pk), ticket=ticket,
                                       agent=request.user, coupon_code=_coupon(request))
    return render(request, "replies/_template_preview.html",
                  {"ticket": ticket, "preview": preview, "inserted": True})


@require_GET
@role_required(Role.AGENT)
def macro_preview(request, pk, macro_pk):
    ticket = _ticket(pk)
    result = services.preview_macro(macro=_macro(request, macro_pk), ticket=ticket,
                                    agent=request.user, coupon_code=_coupon(request))
    return render(request, "replies/_macro_preview.html",
                  {"ticket": ticket, "result": result, "applied": False})


@require_POST
@role_required(Role.AGENT)
def macro_apply(request, pk, macro_pk):
    ticket = _ticket(pk)
    result = services.apply_macro(macro=_macro(request, macro_pk), ticket=ticket,
                                  agent=request.user, coupon_code=_coupon(request))
    response = render(request, "replies/_macro_preview.html",
                      {"ticket": ticket, "result": result, "applied": True})
    response["HX-Trigger"] = "kefu:ticket-changed"
    return response


@require_POST
@role_required(Role.AGENT)
def check(request, pk):
    """The composer's text as it stands, with what still needs the agent highlighted."""
    ticket = _ticket(pk)
    text = request.POST.get("body", "")[:MAX_TEXT]
    return render(request, "replies/_check.html", {
        "ticket": ticket, "scanned": scan(text), "problems": check_reply_ready(text),
        "empty": not text.strip(),
    })


@require_GET
@role_required(Role.AGENT)
def my_templates(request):
    return render(request, "replies/my_templates.html",
                  {"templates": selectors.personal_templates(user=request.user)})


def _own_template(request, pk) -> ReplyTemplate:
    try:
        return selectors.personal_templates(user=request.user).get(pk=pk)
    except ReplyTemplate.DoesNotExist as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
@role_required(Role.AGENT)
def edit_my_template(request, pk=None):
    template = _own_template(request, pk) if pk is not None else None
    form = PersonalTemplateForm(request.POST or None, instance=template, owner=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS}
        try:
            services.save_personal_template(owner=request.user, values=values,
                                            template=template)
        except services.InvalidTemplate as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Template saved."))
            return redirect("replies:my_templates")
    preview = None
    if template is not None:
        preview = render_text(template.body_en or template.body_zh_hans, {})
    return render(request, "replies/my_template_form.html",
                  {"form": form, "template": template, "preview": preview})


@require_POST
@role_required(Role.AGENT)
def delete_my_template(request, pk):
    services.delete_personal_template(owner=request.user, template=_own_template(request, pk))
    messages.success(request, _("Template deleted."))
    return redirect("replies:my_templates")
