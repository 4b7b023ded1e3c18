"""What agents may change on a customer: notes and tags. Identities and orders come from
integrations and admins (customers.services.commerce)."""

from django.db import transaction

from customers.models import Customer
from helpdesk import audit


@transaction.atomic
def update_notes_and_tags(*, customer: Customer, notes: str, tags: list[str], by) -> Customer:
    before = {"notes": customer.notes, "tags": sorted(customer.tags.names(), key=str.casefold)}
    clean_tags = sorted({tag.strip()[:100] for tag in tags if tag.strip()}, key=str.casefold)
    after = {"notes": notes.strip(), "tags": clean_tags}
    if before == after:
        return customer
    if customer.notes != after["notes"]:
        customer.notes = after["notes"]
        customer.save(update_fields=["notes", "updated_at"])
    customer.tags.set(clean_tags)
    audit.record(actor=by, action="customer.profile_edited", target=customer, before=before,
                 after=after)
    return customer
