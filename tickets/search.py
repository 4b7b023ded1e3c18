"""Ticket search: full-text on PostgreSQL, LIKE on SQLite, exact lookups on both.

PostgreSQL keeps a `search_vector` per ticket (subject, customer name, message text) behind a
GIN index. Chinese has no spaces, so every run of Han characters is indexed as overlapping
bigrams (plus its last character); a query is tokenised the same way and every token matches
as a prefix. The services call `index_ticket` / `index_text` in their own transaction;
`reindex_tickets` backfills rows written in bulk (the `reindex_ticket_search` command).
"""

import re
from collections.abc import Callable

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import BigIntegerField, Exists, OuterRef, Q, Value

from customers.models import CustomerIdentity, IdentityKind, Order, normalize_identity

from .models import Message, Ticket

HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Han characters, or a word of other letters and digits.
PIECE = re.compile(f"([{HAN_CHARS}]+)|[^\\W_{HAN_CHARS}]+")
HAN = re.compile(f"[{HAN_CHARS}]")
MAX_INDEXED_CHARS = 20_000
MAX_QUERY_TOKENS = 12
# An address with a domain that has a dot and a top-level name of two letters or more.
COMPLETE_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^\W\d_]{2,}")


def tokens(text: str, *, query: bool = False) -> list[str]:
    """Words in lower case, with each run of Han characters split into bigrams.

    A document also gets each run's last character, so that every character starts some
    token and a one-character query (a prefix) finds it; a query needs only the bigrams.
    """
    result: list[str] = []
    for match in PIECE.finditer(text.lower()):
        run = match.group(1)
        if run is None:
            result.append(match.group(0))
            continue
        result.extend(run[i:i + 2] for i in range(len(run) - 1))
        if len(run) == 1 or not query:
            result.append(run[-1])
    return result


def document(*parts: str) -> str:
    return " ".join(tokens(" ".join(p[:MAX_INDEXED_CHARS] for p in parts if p)))


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def index_ticket(ticket_id: int) -> None:
    """Rebuild one ticket's document from its subject, customer name and messages."""
    if uses_full_text():
        _write_documents([ticket_id])


def index_text(ticket_id: int, text: str) -> None:
    """Add a new message's text to the ticket's document."""
    if uses_full_text() and text.strip():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tickets_ticket SET search_vector = "
                "coalesce(search_vector, ''::tsvector) || to_tsvector('simple'::regconfig, %s) "
                "WHERE id = %s", [document(text), ticket_id])


def reindex_tickets(*, missing_only: bool = True, batch_size: int = 2000,
                    progress: Callable[[int], None] | None = None) -> int:
    """Write the documents of every ticket (or only those without one), in batches of one
    transaction each (autocommit), so a long backfill can be stopped and resumed."""
    if not uses_full_text():
        return 0
    done = 0
    last_id = 0
    while True:
        rows = Ticket.objects.filter(pk__gt=last_id).order_by("pk")
        if missing_only:
            rows = rows.filter(search_vector__isnull=True)
        ids = list(rows.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        _write_documents(ids)
        done += len(ids)
        last_id = ids[-1]
        if progress is not None and done % (batch_size * 50) == 0:
            progress(done)


def _write_documents(ids: list[int]) -> None:
    texts: dict[int, list[str]] = {pk: [] for pk in ids}
    for ticket_id, body in (Message.objects.filter(ticket_id__in=ids)
                            .order_by("ticket_id", "id").values_list("ticket_id", "body_text")):
        texts[ticket_id].append(body)
    rows = Ticket.objects.filter(pk__in=ids).values_list("pk", "subject", "customer__name")
    values = [(pk, document(subject, name or "", *texts[pk])) for pk, subject, name in rows]
    if not values:
        return
    placeholders = ", ".join(["(%s, %s)"] * len(values))
    params = [item for row in values for item in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket AS t "
            "SET search_vector = to_tsvector('simple'::regconfig, v.doc) "
            f"FROM (VALUES {placeholders}) AS v(id, doc) WHERE t.id = v.id::bigint", params)


def ts_query(term: str) -> str:
    """A raw tsquery: every token of the term as a prefix, all required ('' if none).

    A single Latin letter or digit beside other words ("1" in matteo.baker.1@outlook.com)
    must match whole: as a prefix it would read every lexeme starting with it. So does every
    word of a complete email address: its words are whole words wherever it is quoted, and
    prefixes of common ones ("com", "outlook") would read a large part of the index.
    """
    words = list(dict.fromkeys(tokens(term, query=True)[:MAX_QUERY_TOKENS]))
    whole_words = COMPLETE_EMAIL.fullmatch(term.strip()) is not None
    # Tokens hold letters and digits only, so quoting them is safe.
    return " & ".join(
        f"'{word}'" if whole_words or (len(word) == 1 and len(words) > 1
                                       and not HAN.match(word))
        else f"'{word}':*" for word in words)


def exact_matches(term: str) -> tuple[list[int], list[int]]:
    """Customers with an identity (email, phone, shop id, handle) equal to the term, and the
    orders with that number: (customer ids, order ids), in one query."""
    term = term.strip()
    if not term:
        return [], []
    values = {term, term.lstrip("@").lower()}
    if "@" in term:
        values.add(normalize_identity(IdentityKind.EMAIL, term))
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 6 and re.fullmatch(r"[+\d\s().-]+", term):
        values |= {digits, f"+{digits}", f"+86{digits}"}
    no_order = Value(None, output_field=BigIntegerField())
    identities = (CustomerIdentity.objects.filter(value__in=sorted(values)).order_by()
                  .annotate(order_pk=no_order).values_list("customer_id", "order_pk"))
    orders = (Order.objects.filter(number=term.lstrip("#")).order_by()
              .values_list("customer_id", "id"))
    customer_ids: set[int] = set()
    order_ids: set[int] = set()
    for customer_id, order_id in identities.union(orders, all=True):
        if order_id is None:
            customer_ids.add(customer_id)
        else:
            order_ids.add(order_id)
    return sorted(customer_ids), sorted(order_ids)


def matching(queryset, term: str):
    """Tickets matching the term: by text, by the customer's identities, by order number, or by
    ticket number."""
    term = term.strip()
    if not term:
        return queryset
    customer_ids, order_ids = exact_matches(term)
    condition = Q(customer_id__in=customer_ids) | Q(order_id__in=order_ids)
    number = term.lstrip("#")
    if number.isdigit() and len(number) < 12:
        condition |= Q(pk=int(number))
    if uses_full_text():
        raw = ts_query(term)
        if raw:
            condition |= Q(search_vector=SearchQuery(raw, search_type="raw", config="simple"))
    else:
        in_messages = Message.objects.filter(ticket_id=OuterRef("pk"), body_text__icontains=term)
        condition |= (Q(subject__icontains=term) | Q(customer__name__icontains=term)
                      | Q(Exists(in_messages)))
    return queryset.filter(condition)
