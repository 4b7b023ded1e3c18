"""Read paths for the composer widget, with a query count independent of the data size."""

from django.db.models import Case, IntegerField, Q, QuerySet, When

from tickets.models import Ticket

from .models import Macro, ReplyTemplate

SEARCH_LIMIT = 10
MAX_SEARCH_WORDS = 5


def ticket_for_replies(pk: int) -> Ticket:
    """A ticket with everything replies.context.ticket_context reads, in three queries."""
    return (
        Ticket.objects.select_related("customer__tier", "order", "team", "assignee")
        .prefetch_related("order__lines", "order__shipments")
        .get(pk=pk)
    )


def _matching(queryset: QuerySet, query: str, fields: list[str]) -> QuerySet:
    for word in query.split()[:MAX_SEARCH_WORDS]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _name_match(query: str) -> Case:
    """2 when the name starts with the query, 1 when it contains it: among equally used
    templates, those whose name the agent is typing come before those that only mention
    the words."""
    query = query.strip()
    return Case(
        When(Q(name__istartswith=query) | Q(name_zh_hans__istartswith=query), then=2),
        When(Q(name__icontains=query) | Q(name_zh_hans__icontains=query), then=1),
        default=0, output_field=IntegerField())


def search_templates(*, user, query: str = "", limit: int = SEARCH_LIMIT) -> list[ReplyTemplate]:
    """Active templates the user may use whose name, tags or text contain every word of
    `query`; the most used first."""
    queryset = ReplyTemplate.objects.active().visible_to(user)
    queryset = _matching(queryset, query, ["name", "name_zh_hans", "tags", "body_en",
                                           "body_zh_hans"])
    if not query.strip():
        return list(queryset.order_by("-usage_count", "name", "id")[:limit])
    return list(queryset.annotate(name_match=_name_match(query))
                .order_by("-usage_count", "-name_match", "name", "id")[:limit])


def search_macros(*, user, query: str = "", limit: int = SEARCH_LIMIT) -> list[Macro]:
    queryset = Macro.objects.active().visible_to(user)
    queryset = _matching(queryset, query, ["name", "name_zh_hans", "add_tags"])
    return list(queryset.select_related("template", "set_team")
                .order_by("-usage_count", "name", "id")[:limit])


def template_for(*, user, pk: int) -> ReplyTemplate:
    """A template the user may use (raises ReplyTemplate.DoesNotExist otherwise)."""
    return ReplyTemplate.objects.active().visible_to(user).get(pk=pk)


def macro_for(*, user, pk: int) -> Macro:
    return (Macro.objects.active().visible_to(user)
            .select_related("template", "set_team").get(pk=pk))


def personal_templates(*, user) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(owner=user).order_by("name", "id")
