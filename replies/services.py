"""Replies: render a template for a ticket, record its use, apply a macro, send a reply.

Every write is one transaction; ticket fields change only through tickets.services.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from helpdesk import audit
from tickets import events
from tickets import services as ticket_services
from tickets.models import Message, Priority, Status, Ticket, TicketEvent

from .context import agent_display_name, ticket_context
from .models import Macro, ReplyTemplate, split_tags
from .rendering import Rendered, render, template_problems


@dataclass
class TemplatePreview:
    """A template rendered for one ticket, in the customer's language."""

    template: ReplyTemplate
    rendered: Rendered
    language: str
    customer_language: str

    @property
    def fell_back(self) -> bool:
        """The template has no body in the customer's language: another one is shown."""
        return self.language != self.customer_language


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class MacroPreview:
    macro: Macro
    changes: list[FieldChange] = field(default_factory=list)
    reply: TemplatePreview | None = None


class InvalidTemplate(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def render_for_ticket(*, template: ReplyTemplate, ticket: Ticket, agent,
                      coupon_code: str | None = None) -> TemplatePreview:
    """The template filled from `ticket` in the customer's language (no writes)."""
    customer_language = ticket.customer.language
    body, language = template.body_for(customer_language)
    rendered = render(body, ticket_context(ticket, agent, coupon_code=coupon_code))
    return TemplatePreview(template=template, rendered=rendered, language=language,
                           customer_language=customer_language)


def record_usage(*, template: ReplyTemplate, at: datetime | None = None) -> None:
    ReplyTemplate.objects.filter(pk=template.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=at or timezone.now())


@transaction.atomic
def insert_template(*, template: ReplyTemplate, ticket: Ticket, agent,
                    coupon_code: str | None = None, at: datetime | None = None) -> TemplatePreview:
    """The agent puts a template into the composer: the filled text, counted as one use."""
    preview = render_for_ticket(template=template, ticket=ticket, agent=agent,
                                coupon_code=coupon_code)
    record_usage(template=template, at=at)
    return preview


def _team_name(team) -> str:
    return team.name if team is not None else "—"


def macro_changes(*, macro: Macro, ticket: Ticket, agent) -> list[FieldChange]:
    """What applying `macro` would change on `ticket`, as labelled old → new values."""
    changes = []
    if macro.set_status and macro.set_status != ticket.status:
        changes.append(FieldChange(gettext("Status"), ticket.get_status_display(),
                                   str(Status(macro.set_status).label)))
    if macro.set_priority and macro.set_priority != ticket.priority:
        changes.append(FieldChange(gettext("Priority"), ticket.get_priority_display(),
                                   str(Priority(macro.set_priority).label)))
    if macro.set_team_id and macro.set_team_id != ticket.team_id:
        changes.append(FieldChange(gettext("Team"), _team_name(ticket.team),
                                   _team_name(macro.set_team)))
    current_tags = {tag.name.lower() for tag in ticket.tags.all()}
    new_tags = [tag for tag in macro.tag_list if tag not in current_tags]
    if new_tags:
        changes.append(FieldChange(gettext("Tags"), ", ".join(sorted(current_tags)) or "—",
                                   ", ".join(sorted(current_tags | set(new_tags)))))
    if macro.assign_to_me and ticket.assignee_id != agent.pk:
        changes.append(FieldChange(gettext("Assignee"),
                                   agent_display_name(ticket.assignee) or "—",
                                   agent_display_name(agent)))
    return changes


def preview_macro(*, macro: Macro, ticket: Ticket, agent,
                  coupon_code: str | None = None) -> MacroPreview:
    reply = None
    if macro.template is not None:
        reply = render_for_ticket(template=macro.template, ticket=ticket, agent=agent,
                                  coupon_code=coupon_code)
    return MacroPreview(macro=macro, changes=macro_changes(macro=macro, ticket=ticket, agent=agent),
                        reply=reply)


@transaction.atomic
def apply_macro(*, macro: Macro, ticket: Ticket, agent, coupon_code: str | None = None,
                at: datetime | None = None) -> MacroPreview:
    """Apply the macro's field changes to the ticket now, and return its reply text for the
    composer (inserted for editing, never sent unseen)."""
    at = at or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    result = preview_macro(macro=macro, ticket=ticket, agent=agent, coupon_code=coupon_code)
    if macro.set_status and macro.set_status != ticket.status:
        ticket_services.change_status(ticket=ticket, status=macro.set_status, by=agent, at=at)
    if macro.set_priority:
        ticket_services.set_priority(ticket=ticket, priority=macro.set_priority, by=agent, at=at)
    if macro.set_team_id:
        ticket_services.assign_team(ticket=ticket, team=macro.set_team, by=agent, at=at)
    current_tags = {tag.lower() for tag in ticket.tags.names()}
    new_tags = [tag for tag in macro.tag_list if tag not in current_tags]
    if new_tags:
        ticket_services.add_tags(ticket=ticket, tags=new_tags, by=agent, at=at)
    if macro.assign_to_me:
        current = Ticket.objects.only("assignee_id").get(pk=ticket.pk)
        if current.assignee_id != agent.pk:
            ticket_services.assign(ticket=ticket, agent=agent, by=agent, at=at)
    events.record(ticket, TicketEvent.Kind.FIELDS, actor=agent, at=at, macro=macro.name,
                  macro_id=macro.pk, changed=[change.label for change in result.changes])
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)
    if macro.template is not None:
        record_usage(template=macro.template, at=at)
    return result


def fill_for_ticket(*, text: str, ticket: Ticket, agent) -> Rendered:
    """The composer's text with the placeholders the agent typed filled from `ticket`."""
    return render(text, ticket_context(ticket, agent))


def send_reply(*, ticket: Ticket, author, body_text: str, set_status: str | None = None,
               at: datetime | None = None, seen_message_id: int | None = None) -> Message:
    """Send the agent's reply with its placeholders filled from the ticket.

    What is still unfinished (a fill-in, a placeholder the ticket has no value for, raw
    braces) raises ReplyNotReady from tickets.services.reply, and nothing is sent.
    """
    body = fill_for_ticket(text=body_text, ticket=ticket, agent=author).text
    return ticket_services.reply(ticket=ticket, author=author, body_text=body,
                                 set_status=set_status, at=at, seen_message_id=seen_message_id)


TEMPLATE_FIELDS = ["category", "name", "name_zh_hans", "body_en", "body_zh_hans", "tags"]


def _template_values(template: ReplyTemplate) -> dict[str, str]:
    return {name: getattr(template, name) for name in TEMPLATE_FIELDS}


def _check_template(values: dict[str, str]) -> None:
    problems = []
    for name in ("body_en", "body_zh_hans"):
        problems += [p for p in template_problems(values.get(name, "")) if p not in problems]
    if not (values.get("body_en", "").strip() or values.get("body_zh_hans", "").strip()):
        problems.insert(0, gettext("Write the body in at least one language."))
    if problems:
        raise InvalidTemplate(problems)


@transaction.atomic
def save_personal_template(*, owner, values: dict[str, str],
                           template: ReplyTemplate | None = None) -> ReplyTemplate:
    """An agent creates or edits one of their own templates (audited)."""
    values = {**values, "tags": ", ".join(split_tags(values.get("tags", "")))}
    _check_template(values)
    before = _template_values(template) if template is not None else {}
    if template is None:
        template = ReplyTemplate(owner=owner)
    elif template.owner_id != owner.pk:
        raise PermissionError("not your template")
    for name in TEMPLATE_FIELDS:
        setattr(template, name, values.get(name, getattr(template, name)))
    template.save()
    after = _template_values(template)
    changed = {k for k in after if before.get(k) != after[k]}
    audit.record(actor=owner, action="replies.template.saved" if before else
                 "replies.template.created", target=template,
                 before={k: before[k] for k in changed if k in before},
                 after={k: after[k] for k in changed})
    return template


@transaction.atomic
def delete_personal_template(*, owner, template: ReplyTemplate) -> None:
    if template.owner_id != owner.pk:
        raise PermissionError("not your template")
    audit.record(actor=owner, action="replies.template.deleted", target=template,
                 before=_template_values(template))
    if template.macros.exists():
        template.is_active = False
        template.save(update_fields=["is_active", "updated_at"])
    else:
        template.delete()

