"""The Celery app. Every periodic task is declared here, in one list."""

import os
from zoneinfo import ZoneInfo

from celery import Celery
from celery.schedules import crontab
from django.conf import settings
from django_celery_beat.tzcrontab import TzAwareCrontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.task_routes = {
    "sla.*": {"queue": "sla"},
    "notices.*": {"queue": "notices"},
    "customers.tasks.ingest_*": {"queue": "ingest"},
}

# Sweeps that finish what a lost task left undone (the embedded broker never
# redelivers), plus the periodic work itself.
app.conf.beat_schedule = {
    "deliver-queued-messages": {
        "task": "tickets.tasks.deliver_queued_messages",
        "schedule": crontab(minute="*"),
    },
    "fetch-inbound-email": {
        "task": "tickets.tasks.fetch_inbound_email",
        "schedule": crontab(minute="*"),
    },
    "ingest-sweep-webhook-deliveries": {
        "task": "customers.tasks.ingest_sweep_webhook_deliveries",
        "schedule": crontab(minute="*"),
    },
    "sla-sweep": {
        "task": "sla.tasks.sweep",
        "schedule": crontab(minute="*"),
    },
    "loyalty-sweep-stale-tiers": {
        "task": "loyalty.tasks.sweep_stale_tiers",
        "schedule": crontab(minute="*/10"),
    },
    "loyalty-expire-points": {
        "task": "loyalty.tasks.expire_points",
        "schedule": crontab(hour="3", minute="15"),
    },
    "loyalty-date-milestones": {
        "task": "loyalty.tasks.send_date_milestones",
        "schedule": crontab(hour="1,2", minute="30"),
    },
    "scan-shipping-delays": {
        "task": "notices.tasks.scan_shipping_delays",
        "schedule": crontab(minute="*/5"),
    },
    "reports-refresh": {
        "task": "reports.tasks.refresh",
        "schedule": crontab(minute="*/2"),
    },
    "reports-weekly-review": {
        "task": "reports.tasks.build_weekly_review",
        "schedule": TzAwareCrontab(minute=0, hour=8, day_of_week="mon",
                                   tz=ZoneInfo(settings.TIME_ZONE)),
    },
    "reports-review-sweep": {
        "task": "reports.tasks.sweep_reviews",
        "schedule": crontab(minute=17),
    },
}
