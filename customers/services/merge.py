"""Merging two records of the same person into one."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from customers import events
from customers.models import Customer, Order, Shipment
from helpdesk import audit


class MergeError(ValueError):
    """The two records cannot be merged; the message says why."""


@dataclass
class MergeResult:
    target: Customer
    moved: dict[str, int] = field(default_factory=dict)
    left_on_source: dict[str, int] = field(default_factory=dict)


def relations_to_customer() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key name) that points at Customer, from any app: identities,
    orders, shipments, tickets, loyalty ledgers, notices, and rows added later. Rows of
    many-to-many relations are moved through their intermediate table."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in Customer._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.one_to_many or relation.one_to_one:
            if relation.related_model._meta.auto_created:
                continue  # an automatic many-to-many table: handled with its relation below
            found.append((relation.related_model, relation.field.name))
        elif relation.many_to_many:
            through = relation.through
            for fk in through._meta.fields:
                if fk.is_relation and fk.related_model is Customer:
                    found.append((through, fk.name))
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


def _label(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


def _move(model: type[models.Model], field_name: str, source: Customer,
          target: Customer) -> tuple[int, int]:
    """Point the rows at the target; a row a unique rule keeps from moving (e.g. a one-to-one
    row the target already has) stays on the source record, which is kept, so nothing is
    lost. Returns (moved, left)."""
    rows = model._base_manager.filter(**{field_name: source})
    try:
        with transaction.atomic():
            return rows.update(**{field_name: target}), 0
    except IntegrityError:
        pass
    moved = left = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                moved += model._base_manager.filter(pk=pk).update(**{field_name: target})
        except IntegrityError:
            left += 1
    return moved, left


def _still_on_source(left: dict[str, int], source: Customer) -> dict[str, int]:
    counts = {}
    for model, field_name in relations_to_customer():
        label = _label(model, field_name)
        if label in left:
            count = model._base_manager.filter(**{field_name: source}).count()
            if count:
                counts[label] = count
    return counts


def _snapshot(customer: Customer) -> dict:
    return {
        "id": customer.pk, "name": customer.name, "language": customer.language,
        "time_zone": customer.time_zone, "tier": customer.tier.name if customer.tier else None,
        "identities": [f"{i.kind}:{i.value}" for i in customer.identities.all()],
        "tags": sorted(customer.tags.names()), "notes": customer.notes,
    }


@transaction.atomic
def merge_customers(*, source: Customer, target: Customer, by) -> MergeResult:
    """Move everything of `source` (identities, orders, shipments, tickets, ledgers and any
    other row pointing at it, its tags and notes) to `target`. The source record stays as a
    tombstone that points at the target; the merge is audited."""
    if source.pk == target.pk:
        raise MergeError(_("A customer cannot be merged into itself."))
    locked = {c.pk: c for c in Customer.objects.select_for_update(of=("self",))
              .select_related("tier")
              .filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    if len(locked) != 2:
        raise MergeError(_("One of the two customers no longer exists."))
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise MergeError(_("One of the two customers has already been merged into another."))
    before = {"source": _snapshot(source), "target": _snapshot(target)}

    # The target keeps its primary email, phone, ...; the source's become secondary.
    target_primary = set(target.identities.filter(is_primary=True).values_list("kind", flat=True))
    source.identities.filter(kind__in=target_primary, is_primary=True).update(is_primary=False)
    order_ids = list(Order.objects.filter(customer=source).values_list("pk", flat=True))
    shipment_ids = list(Shipment.objects.filter(customer=source).values_list("pk", flat=True))

    result = MergeResult(target=target)
    for model, field_name in relations_to_customer():
        moved, left = _move(model, field_name, source, target)
        if moved:
            result.moved[_label(model, field_name)] = moved
        if left:
            result.left_on_source[_label(model, field_name)] = left

    source_tags = list(source.tags.names())
    if source_tags:
        target.tags.add(*source_tags)
    if source.notes.strip() and source.notes.strip() not in target.notes:
        target.notes = "\n\n".join(part for part in [target.notes.rstrip(), source.notes.strip()]
                                   if part)
        target.save(update_fields=["notes", "updated_at"])
    source.merged_into = target
    source.merged_at = timezone.now()
    source.save(update_fields=["merged_into", "merged_at", "updated_at"])

    # Other apps bring what they derive from the moved rows in line (loyalty: balances from
    # the ledgers, tiers from the orders); a row they clear from the source is no longer left.
    for hook in settings.KEFU_CUSTOMER_MERGE_HOOKS:
        import_string(hook)(source_id=source.pk, target_id=target.pk)
    result.left_on_source = _still_on_source(result.left_on_source, source)
    target.refresh_from_db(fields=["tier"])

    audit.record(actor=by, action="customer.merged", target=target, before=before,
                 after={"target": _snapshot(target), "merged_from": source.pk,
                        "moved": result.moved, "left_on_source": result.left_on_source})
    for pk in order_ids:
        events.publish(events.ORDER_CHANGED, pk)
    for pk in shipment_ids:
        events.publish(events.SHIPMENT_CHANGED, pk)
    return result
