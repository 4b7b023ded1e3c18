"""What happens after a breach the sweep recorded, as the breached clock's policy says: the
ticket is flagged ``sla_breached``, its priority goes up one step, the ticket's team
manager is notified in the app and by email, and the ticket may be reassigned. Each
breach is escalated once (claimed with a conditional UPDATE); each notification is
emailed once (claimed the same way), with retries.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.roles import Role
from tickets import services as ticket_services
from tickets.models import OPEN_STATUSES, PRIORITY_RANK, Priority, Ticket, TicketEvent

from . import services, timeline
from .models import EmailStatus, Notification, SLAEvent, SLAEventKind, SLATimer, TimerState

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
EMAIL_STUCK_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
EMAIL_RETRY_AFTER = timedelta(minutes=1)


class TransientEmailError(Exception):
    """The notification email could not be sent now; the task retries."""


def raised_priority(priority: str) -> str | None:
    """One step up (low -> normal -> high -> urgent); None at the top."""
    ranked = sorted(PRIORITY_RANK, key=PRIORITY_RANK.get)
    position = ranked.index(Priority(priority))
    return ranked[position + 1] if position + 1 < len(ranked) else None


def managers_for(ticket: Ticket) -> list:
    """The ticket team's manager; without one, every active manager."""
    if ticket.team is not None and ticket.team.manager is not None \
            and ticket.team.manager.is_active:
        return [ticket.team.manager]
    User = get_user_model()
    return list(User.objects.filter(is_active=True, groups__name=Role.MANAGER)
                .distinct().order_by("pk"))


def escalate(*, timer_id: int, now: datetime | None = None) -> bool:
    """Escalate one recorded breach. Returns False if it was escalated already."""
    now = now or timezone.now()
    notifications: list[Notification] = []
    with transaction.atomic():
        ticket_id = SLATimer.objects.filter(pk=timer_id).values_list("ticket_id", flat=True).first()
        if ticket_id is None:
            return False
        ticket = (Ticket.objects.select_for_update(of=("self",))
                  .select_related("team__manager").get(pk=ticket_id))
        claimed = SLATimer.objects.filter(
            pk=timer_id, state=TimerState.BREACHED, escalated_at__isnull=True,
        ).update(escalated_at=now, check_at=None)
        if not claimed:
            return False
        timer = SLATimer.objects.select_related("policy__reassign_on_breach_to").get(pk=timer_id)
        policy = timer.policy
        done: dict = {}
        fields = []
        if not ticket.sla_breached:
            ticket.sla_breached = True
            fields.append("sla_breached")
        is_open = ticket.status in OPEN_STATUSES
        new = raised_priority(ticket.priority) \
            if is_open and policy.raise_priority_on_breach else None
        if new is not None:
            done["old_priority"], done["priority"] = ticket.priority, str(new)
            ticket.priority = new
            fields += ["priority", "updated_at"]
        if fields:
            ticket.save(update_fields=fields)
        if new is not None:
            services.reapply_policy(ticket, at=now)  # the new priority may match another
        if is_open:
            agent = policy.reassign_on_breach_to
            if agent is not None and agent.is_active and ticket.assignee_id != agent.pk:
                ticket = ticket_services.assign(ticket=ticket, agent=agent, by=None, at=now)
                done["reassigned_to"] = agent.get_full_name() or agent.get_username()
        if policy.notify_manager_on_breach:
            for manager in managers_for(ticket):
                notifications.append(Notification.objects.create(
                    recipient=manager, ticket=ticket, timer=timer,
                    kind=Notification.Kind.BREACHED, created_at=now,
                    email_status=EmailStatus.QUEUED if manager.email else EmailStatus.NONE,
                ))
            done["notified"] = [n.recipient.get_full_name() or n.recipient.get_username()
                                for n in notifications]
        SLAEvent.objects.bulk_create([SLAEvent(
            ticket_id=ticket.pk, timer=timer, policy=policy, kind=SLAEventKind.ESCALATED,
            at=now, data={"metric": timer.metric, "cycle": timer.cycle, **done})],
            ignore_conflicts=True)
        TicketEvent.objects.bulk_create([
            timeline.timer_event(timer, timeline.ESCALATED, at=now, **done)])
        emailed = [n.pk for n in notifications if n.email_status == EmailStatus.QUEUED]
        if emailed:
            transaction.on_commit(lambda: _enqueue_emails(emailed), robust=True)
    return True


def _enqueue_emails(notification_ids: list[int]) -> None:
    from .tasks import send_notification_email

    for notification_id in notification_ids:
        send_notification_email.delay(notification_id)


def ticket_url(ticket_id: int) -> str:
    """The ticket page's absolute address, for emails."""
    return settings.KEFU_BASE_URL.rstrip("/") + reverse("tickets:detail", args=[ticket_id])


def send_email(*, notification_id: int, now: datetime | None = None) -> bool:
    """Email one queued notification to its recipient. True if this call sent it."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=EmailStatus.QUEUED,
    ).update(email_status=EmailStatus.SENDING, email_attempts=F("email_attempts") + 1,
             email_claimed_at=now)
    if not claimed:
        return False
    notification = (Notification.objects
                    .select_related("recipient", "ticket", "timer__policy").get(pk=notification_id))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "ticket": notification.ticket,
            "timer": notification.timer,
            "metric": timeline.metric_label(notification.timer.metric)
            if notification.timer else "",
            "url": ticket_url(notification.ticket_id),
        }
        subject = render_to_string("sla/email/breach_subject.txt", context).strip()
        body = render_to_string("sla/email/breach_body.txt", context)
    email = EmailMessage(subject=" ".join(subject.split()), body=body,
                         from_email=settings.DEFAULT_FROM_EMAIL,
                         to=[notification.recipient.email])
    try:
        get_connection().send_messages([email])
    except Exception as exc:  # SMTP and socket errors alike
        logger.warning("SLA notification %s email failed: %s", notification_id, exc)
        final = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.FAILED if final else EmailStatus.QUEUED,
            email_error=str(exc))
        if not final:
            raise TransientEmailError(str(exc)) from exc
        return False
    Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.SENT,
                                                           email_error="")
    return True


def emails_to_retry(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queued emails whose task was lost, and `sending` ones whose worker died."""
    now = now or timezone.now()
    Notification.objects.filter(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=now - EMAIL_STUCK_AFTER,
    ).update(email_status=EmailStatus.QUEUED)
    return list(Notification.objects.filter(
        email_status=EmailStatus.QUEUED, created_at__lt=now - EMAIL_RETRY_AFTER,
    ).order_by("created_at").values_list("pk", flat=True)[:limit])
