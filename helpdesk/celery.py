"""The Celery app. Every periodic task is declared here, in one list."""

import os

from celery import Celery
from celery.schedules import crontab

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
    "scan-shipping-delays": {
        "task": "notices.tasks.scan_shipping_delays",
        "schedule": crontab(minute="*/5"),
    },
}
