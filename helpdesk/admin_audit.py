"""Audit for the Django admin: every add, change and delete made on an admin page, inline
rows and list-editable rows included, is written to the audit trail with who made it and
the values before and after (helpdesk.audit.record), in the admin's own transaction.

Use ``AuditedModelAdmin`` (or ``AuditMixin`` with another ModelAdmin base, e.g.
``class KefuUserAdmin(AuditMixin, UserAdmin)``) instead of ``admin.ModelAdmin``; its plain
inlines are recorded with the parent row. Secrets are never written: fields named like a
password, secret, token or key, and any in ``audit_redacted_fields``, are recorded as
changed without their value.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse

from . import audit

REDACTED = "[redacted]"
SENSITIVE_WORDS = ("password", "secret", "token", "api_key", "private_key")


def jsonable(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The row's field values (foreign keys as ids, many-to-many as sorted names)."""
    data: dict[str, Any] = {}
    opts = obj._meta
    for field in opts.concrete_fields:
        if field.name in exclude or field.primary_key:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal):
            value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        data[field.name] = jsonable(value)
    if obj.pk is not None:
        for field in opts.many_to_many:
            if field.name in exclude:
                continue
            related = field.value_from_object(obj)
            data[field.name] = sorted(str(item) for item in related)
    return data


def _is_sensitive(name: str, redacted: tuple[str, ...]) -> bool:
    lowered = name.lower()
    return name in redacted or any(word in lowered for word in SENSITIVE_WORDS)


def _readable_foreign_keys(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Foreign-key ids in a diff become 'name (#id)'."""
    readable = dict(values)
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a key that is not a field, e.g. "inlines"
            continue
        if field.many_to_one and value is not None:
            related = field.related_model._base_manager.filter(pk=value).first()
            readable[name] = f"{related} (#{value})" if related is not None else f"#{value}"
    return readable


def diff(model: type[models.Model], before: dict[str, Any], after: dict[str, Any],
         redacted: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed fields only, before and after, with foreign keys readable and secrets
    replaced by a marker."""
    changed = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    old = {k: before.get(k) for k in changed if k in before}
    new = {k: after.get(k) for k in changed if k in after}
    old, new = _readable_foreign_keys(model, old), _readable_foreign_keys(model, new)
    for values in (old, new):
        for key in values:
            if _is_sensitive(key, redacted) and values[key] not in ("", None):
                values[key] = REDACTED
    return old, new


def _row_label(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} #{obj.pk}: {obj}"[:200]


class AuditMixin:
    """Records admin adds, changes (with inline rows) and deletes in the audit trail."""

    audit_exclude: tuple[str, ...] = ("updated_at", "last_login")
    audit_redacted_fields: tuple[str, ...] = ()
    change_form_template = "admin/kefu_audited_change_form.html"

    def _snapshot(self, obj):
        return snapshot(obj, exclude=tuple(self.audit_exclude))

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            form._kefu_audit_before = self._snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        stored = {pk: self._snapshot(row)
                  for pk, row in model._base_manager.in_bulk(pks).items()} if pks else {}
        deleting = {f.instance.pk: _row_label(f.instance) for f in formset.deleted_forms
                    if f.instance.pk is not None}
        super().save_formset(request, form, formset, change)
        before = getattr(form, "_kefu_audit_inline_before", {})
        after = getattr(form, "_kefu_audit_inline_after", {})
        redacted = tuple(self.audit_redacted_fields)
        for obj in getattr(formset, "new_objects", []):
            after[_row_label(obj)] = diff(model, {}, self._snapshot(obj), redacted)[1]
        for obj, _fields in getattr(formset, "changed_objects", []):
            old, new = diff(model, stored.get(obj.pk, {}), self._snapshot(obj), redacted)
            if old or new:
                before[_row_label(obj)], after[_row_label(obj)] = old, new
        for pk, label in deleting.items():
            before[label] = diff(model, stored.get(pk, {}), {}, redacted)[0]
        form._kefu_audit_inline_before, form._kefu_audit_inline_after = before, after

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before_row = getattr(form, "_kefu_audit_before", {}) if change else {}
        old, new = diff(type(obj), before_row, self._snapshot(obj), self.audit_redacted_fields)
        inline_before = getattr(form, "_kefu_audit_inline_before", {})
        inline_after = getattr(form, "_kefu_audit_inline_after", {})
        if inline_before:
            old["inlines"] = inline_before
        if inline_after:
            new["inlines"] = inline_after
        if change and not (old or new):
            return
        audit.record(actor=request.user, action="admin.change" if change else "admin.add",
                     target=obj, before=old, after=new)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj):
        old, _new = diff(type(obj), self._snapshot(obj), {}, self.audit_redacted_fields)
        audit.record(actor=request.user, action="admin.delete", target=obj, before=old)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}),
                         "audit_trail_url": audit_trail_url(self.model, object_id)}
        return super().change_view(request, object_id, form_url, extra_context)


def audit_trail_url(model: type[models.Model], object_id) -> str:
    """The audit-trail page filtered to one row."""
    try:
        base = reverse("admin:helpdesk_auditentry_changelist")
    except NoReverseMatch:
        return ""
    content_type = ContentType.objects.get_for_model(model)
    return f"{base}?target_type__id__exact={content_type.pk}&target_id={object_id}"


class AuditedModelAdmin(AuditMixin, admin.ModelAdmin):
    pass
