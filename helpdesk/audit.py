"""The audit trail: services call `record` on purpose, never a signal."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def record(*, actor, action: str, target: models.Model | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=before or {},
        after=after or {},
    )
