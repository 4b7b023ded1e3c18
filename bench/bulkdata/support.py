"""Rows for the helpdesk side: tickets, their messages, their history and tags.

Each ticket is lived through as the services would: the customer writes, an agent is
assigned and answers after a delay that depends on the channel and priority, the
conversation goes back and forth (with the odd internal note), and the ticket ends
solved and, four days later, closed. About 5% are still open: mostly recent tickets,
plus a thin backlog of old ones. Open tickets waiting on an agent carry an SLA deadline
(`sla_due_at`), some of them already past.
"""

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

from tickets.models import Message, Ticket, TicketEvent

from . import corpus
from .pgload import NULL, Batch, Target
from .plan import (
    CATEGORIES,
    DAY,
    HOUR,
    MINUTE,
    Plan,
    WeightedChoice,
    order_number,
    timestamp,
)
from .staff import Staff

BATCH = 2_000
OPEN_SHARE = 0.05
BACKLOG_SHARE = 0.002  # old tickets still open however long ago they came in
CLOSE_AFTER = 4 * DAY  # solved tickets close automatically after this
EMAILED_CHANNELS = {"email", "web", "api"}
LIVE_CHANNELS = {"chat", "phone", "in_store"}
# Priority weights (low, normal, high, urgent) by category.
PRIORITY_WEIGHTS = {
    "pre_sale": (45, 50, 5, 0), "feedback": (45, 50, 5, 0), "partnership": (45, 50, 5, 0),
    "shipping_problem": (3, 55, 35, 7), "damaged": (3, 55, 35, 7),
    "wrong_item": (3, 55, 35, 7), "complaint": (0, 40, 40, 20), "payment": (5, 55, 30, 10),
}
PRIORITIES = ("low", "normal", "high", "urgent")
# First-response targets, and the median first response the team actually manages.
RESPONSE_TARGET = {"low": 24 * HOUR, "normal": 8 * HOUR, "high": 4 * HOUR, "urgent": HOUR}
RESPONSE_MEDIAN = {"low": 8 * HOUR, "normal": 150 * MINUTE, "high": 50 * MINUTE,
                   "urgent": 20 * MINUTE}


@dataclass
class SupportTargets:
    tickets: Target
    messages: Target
    events: Target

    @classmethod
    def create(cls) -> "SupportTargets":
        return cls(
            tickets=Target(Ticket, (
                "id", "subject", "status", "priority", "category", "channel", "customer_id",
                "order_id", "team_id", "assignee_id", "created_at", "updated_at",
                "first_responded_at", "solved_at", "closed_at", "last_message_at",
                "last_customer_message_at", "sla_due_at", "sla_breached")),
            messages=Target(Message, (
                "id", "ticket_id", "direction", "author_id", "channel", "body_text",
                "body_html", "delivery_status", "delivery_attempts", "delivery_error",
                "delivery_claimed_at", "deliver_after", "external_message_id", "in_reply_to",
                "created_at", "sent_at")),
            events=Target(TicketEvent, ("id", "ticket_id", "kind", "actor_id", "data",
                                        "created_at")),
        )


def _texts(templates, with_order: bool) -> list[str]:
    """Templates usable for a ticket with (or without) an order to talk about."""
    usable = [t for t in templates if with_order or "{order}" not in t]
    return usable or [t.replace("#{order}", "").replace("{order}", "") for t in templates]


class Texts:
    """The message and subject templates, sorted by language and whether an order is known."""

    def __init__(self):
        self.subjects, self.details = {}, {}
        for language, index in (("en", 0), ("zh", 1)):
            for with_order in (True, False):
                key = (language, with_order)
                for category, pairs in corpus.CATEGORY_SUBJECTS.items():
                    self.subjects[category, *key] = _texts([pair[index] for pair in pairs],
                                                           with_order)
                for category, details in corpus.INBOUND_DETAILS.items():
                    self.details[category, *key] = _texts(details[index], with_order)
        self.follow_ups = {(lang, o): _texts(corpus.FOLLOW_UPS[lang], o)
                           for lang in ("en", "zh") for o in (True, False)}
        self.replies = {}
        for category, topic in corpus.REPLY_TOPIC.items():
            for language, index in (("en", 0), ("zh", 1)):
                for with_order in (True, False):
                    replies = [pair[index] for pair in corpus.REPLIES[topic]]
                    replies += [pair[index] for pair in corpus.REPLIES["general"]]
                    self.replies[category, language, with_order] = _texts(replies, with_order)
        self.notes = {o: _texts(corpus.NOTES, o) for o in (True, False)}
        self.products = {"en": [p[1] for p in corpus.PRODUCTS],
                         "zh": [p[2] for p in corpus.PRODUCTS]}


def _open_decay_days(plan: Plan, rng) -> float:
    """The time constant (days) of the chance that a ticket of a given age is still open,
    fitted so that about OPEN_SHARE of all tickets are open."""
    created, now = plan.tickets.created, plan.now
    if not created:
        return 1.0
    ages = [(now - created[rng.randint(0, len(created) - 1)]) / DAY for _ in range(20_000)]
    goal = OPEN_SHARE - BACKLOG_SHARE
    low, high = 0.01, 10_000.0
    for _ in range(60):
        middle = math.sqrt(low * high)
        share = sum(0.9 * math.exp(-age / middle) for age in ages) / len(ages)
        low, high = (middle, high) if share < goal else (low, middle)
    return math.sqrt(low * high)


class TicketRows:
    """Tickets in creation order, each with its messages, history and tags."""

    def __init__(self, plan: Plan, targets: SupportTargets, staff: Staff, *, messages: int,
                 tagged: Target, tags: dict[str, int], content_type_id: int, mail_domain: str,
                 vip_tiers: set[int]):
        self.plan, self.targets, self.staff = plan, targets, staff
        self.rng = rng = plan.rng("ticket-rows")
        self.tagged, self.tags, self.content_type_id = tagged, tags, content_type_id
        self.mail_domain = mail_domain
        self.vip_tiers = vip_tiers
        self.texts = Texts()
        self.decay_days = _open_decay_days(plan, rng)
        self.messages_left = messages
        self.message_id = self.event_id = 0
        self.channel = WeightedChoice(rng, {"email": 40, "web": 15, "chat": 20, "phone": 10,
                                            "social": 8, "in_store": 4, "api": 3})
        self.priority = {category: WeightedChoice(rng, zip(PRIORITIES, weights, strict=True))
                         for category, weights in PRIORITY_WEIGHTS.items()}
        self.default_priority = WeightedChoice(rng, zip(PRIORITIES, (10, 70, 17, 3),
                                                        strict=True))
        self.young_open = WeightedChoice(rng, {"new": 50, "open": 35, "pending": 15})
        self.old_open = WeightedChoice(rng, {"new": 5, "open": 50, "pending": 35, "on_hold": 10})
        self.assigned_json = {
            agent.id: json.dumps({"old": None, "new": agent.id, "new_name": agent.full_name})
            for agent in staff.agents}
        self.channel_json = {ch: f'{{"channel": "{ch}"}}' for ch in
                             ("email", "web", "chat", "phone", "social", "in_store", "api")}

    def batches(self) -> Iterator[Batch]:
        tickets = self.plan.tickets
        t = self.targets
        for start in range(0, len(tickets), BATCH):
            self.ticket_rows, self.message_rows = [], []
            self.event_rows, self.tag_rows = [], []
            for index in range(start, min(start + BATCH, len(tickets))):
                self._ticket(index)
            yield {t.tickets: self.ticket_rows, t.messages: self.message_rows,
                   t.events: self.event_rows, self.tagged: self.tag_rows}

    # --- one ticket ----------------------------------------------------------------------

    def _ticket(self, index: int) -> None:
        rng, plan, now = self.rng, self.plan, self.plan.now
        tickets, customers = plan.tickets, plan.customers
        ticket_id = index + 1
        created = tickets.created[index]
        customer = tickets.customer[index] - 1
        order_id = tickets.order[index]
        category = CATEGORIES[tickets.category[index]]
        language = "zh" if customers.chinese[customer] else "en"
        vip = customers.tier[customer] in self.vip_tiers
        channel = self.channel()
        priority = self.priority.get(category, self.default_priority)()
        if vip and priority in ("low", "normal") and rng.random() < 0.3:
            priority = PRIORITIES[PRIORITIES.index(priority) + 1]
        team = self._team(category, vip)
        status = self._open_status(now - created)
        assignee = self._assignee(team, status)

        fill = {"order": order_number(order_id) if order_id else "",
                "product": rng.choice(self.texts.products[language]),
                "name": customers.greeting[customer],
                "agent": assignee.first_name if assignee else ""}
        key = (language, bool(order_id))
        subject = rng.choice(self.texts.subjects[(category, *key)]).format(**fill)
        kinds = self._conversation(status, age=now - created, tickets_left=len(tickets) - index)
        times = self._times(kinds, created, status, priority, channel)
        if status == "done":
            solved = times[-1]
            status = "closed" if solved + CLOSE_AFTER <= now and rng.random() < 0.97 else "solved"

        replies = Replies()
        last_public = last_inbound = created
        for kind, at in zip(kinds, times, strict=True):
            if kind == "i":
                last_inbound = last_public = at
            elif kind == "o":
                last_public = at
                replies.add(at)
        first_reply = replies.first
        solved_at = times[-1] if status in ("solved", "closed") else None
        closed_at = solved_at + CLOSE_AFTER + rng.randint(0, HOUR) if status == "closed" else None
        due, breached = None, False
        if status in ("new", "open"):
            due = last_inbound + RESPONSE_TARGET[priority]
            breached = due < now
        elif first_reply is not None:
            breached = first_reply - created > RESPONSE_TARGET[priority]

        self._messages(ticket_id, kinds, times, channel, assignee, team, category, key, fill,
                       customer)
        updated = self._events(ticket_id, created, channel, status, assignee, team, replies,
                               times[-1], closed_at)
        self._tag(ticket_id, category)
        self.ticket_rows.append((
            ticket_id, subject[:255], status, priority, category, channel, customer + 1,
            order_id or NULL, team.id if team else NULL, assignee.id if assignee else NULL,
            timestamp(created), timestamp(max(updated, times[-1])),
            timestamp(first_reply) if first_reply else NULL,
            timestamp(solved_at) if solved_at else NULL,
            timestamp(closed_at) if closed_at else NULL,
            timestamp(last_public), timestamp(last_inbound),
            timestamp(due) if due else NULL, breached,
        ))

    def _team(self, category: str, vip: bool):
        rng, staff = self.rng, self.staff
        if rng.random() < 0.02:
            return None  # not triaged yet
        if vip and rng.random() < 0.4:
            return staff.vip_team
        return staff.team_for_category[category]

    def _open_status(self, age: int) -> str:
        """One of the open statuses, or "done" (solved or closed, decided by the timeline)."""
        chance = 0.9 * math.exp(-age / DAY / self.decay_days) + BACKLOG_SHARE
        if self.rng.random() >= chance:
            return "done"
        return self.young_open() if age < DAY else self.old_open()

    def _assignee(self, team, status: str):
        rng = self.rng
        chance = {"new": 0.2, "open": 0.92, "pending": 0.95, "on_hold": 0.95}.get(status, 0.98)
        if rng.random() >= chance:
            return None
        return rng.choice(team.members if team and team.members else self.staff.agents)

    def _conversation(self, status: str, *, age: int, tickets_left: int) -> list[str]:
        """The kinds of the ticket's messages in order: i(nbound), o(utbound), n(ote).

        New tickets have only the customer's words; open ones end with the customer
        waiting (after at least one exchange, unless the ticket is less than a day old);
        pending, on-hold and solved ones end with an agent's answer. The length follows
        the message budget so the total lands near the requested count.
        """
        rng = self.rng
        mean_extra = max(0.0, self.messages_left / max(tickets_left, 1) - 2.0)
        extra = 0
        if mean_extra > 0:
            extra = int(math.log(1.0 - rng.random()) / math.log(mean_extra / (1 + mean_extra)))
        if status == "new":
            kinds = ["i"] * (2 if rng.random() < 0.2 else 1)
        else:
            public = (1 if status == "open" and age < DAY else 2) + extra
            if (public % 2 == 1) != (status == "open"):
                public += 1  # open ends on the customer's turn, the others on the agent's
            kinds = ["i" if n % 2 == 0 else "o" for n in range(public)]
            roll = rng.random()
            notes = 2 if roll < 0.03 else 1 if roll < 0.15 else 0
            for _ in range(notes if len(kinds) > 1 else 0):
                kinds.insert(rng.randint(1, len(kinds) - 1), "n")
        self.messages_left -= len(kinds)
        return kinds

    def _times(self, kinds: list[str], created: int, status: str, priority: str,
               channel: str) -> list[int]:
        """When each message was written, ending before now."""
        rng, now = self.rng, self.plan.now
        times, at, replied = [created], created, False
        for kind in kinds[1:]:
            if kind == "o" and not replied:
                replied = True
                if channel in LIVE_CHANNELS:
                    gap = rng.randint(30, 15 * MINUTE)
                else:
                    gap = int(RESPONSE_MEDIAN[priority] * math.exp(rng.gauss(0, 1.0)))
            elif kind == "o":
                gap = int(2 * HOUR * math.exp(rng.gauss(0, 1.0)))
            elif kind == "i":
                gap = min(5 * DAY, int(5 * HOUR * math.exp(rng.gauss(0, 1.2))))
            else:
                gap = rng.randint(5 * MINUTE, HOUR)
            at += max(gap, 20)
            times.append(at)
        age = now - created
        if len(times) > 1 and status in ("open", "pending", "on_hold"):
            # Still going on: the last word was said a while ago, not at the start.
            mean_wait = {"open": 4 * HOUR, "pending": 2 * DAY, "on_hold": 3 * DAY}[status]
            end = now - min(int(rng.expovariate(1 / mean_wait)), int(age * 0.9))
        else:
            end = min(times[-1], now - rng.randint(MINUTE, 30 * MINUTE))
        if times[-1] != end and times[-1] > created:
            scale = max(end - created, 0) / (times[-1] - created)
            times = [created + int((at - created) * scale) for at in times]
        for n in range(1, len(times)):
            if times[n] <= times[n - 1]:
                times[n] = times[n - 1] + 1
        return times

    def _messages(self, ticket_id, kinds, times, channel, assignee, team, category, key, fill,
                  customer) -> None:
        rng, texts = self.rng, self.texts
        language, with_order = key
        emailed = channel in EMAILED_CHANNELS
        domain = self.plan.customers.email[customer].rpartition("@")[2]
        last_outbound_id = ""
        for n, (kind, at) in enumerate(zip(kinds, times, strict=True)):
            self.message_id += 1
            message_id = self.message_id
            created = timestamp(at)
            if kind == "i":
                if n == 0:
                    body = self._first_message(category, key, fill)
                else:
                    body = rng.choice(texts.follow_ups[key]).format(**fill)
                external = (f"<{message_id * 0x9E3779B97F4A7C15 % 2**64:016x}@{domain}>"
                            if channel == "email" else "")
                self.message_rows.append((
                    message_id, ticket_id, "inbound", NULL, channel, body, "", "", 0, "",
                    NULL, NULL, external, last_outbound_id if external else "", created, NULL))
                continue
            author = assignee or rng.choice(team.members if team and team.members
                                            else self.staff.agents)
            if kind == "n":
                body = rng.choice(texts.notes[with_order]).format(**fill)
                self.message_rows.append((
                    message_id, ticket_id, "note", author.id, channel, body, "", "", 0, "",
                    NULL, NULL, "", "", created, NULL))
                continue
            body = (rng.choice(texts.replies[(category, *key)]).format(**fill)
                    + corpus.SIGNATURES[language].format(agent=author.first_name))
            # Like outbound.new_message_id(), but a bijection of the id, so unique.
            token = (message_id * 0x9E3779B97F4A7C15 + 0x5BD1E995) % 2**96
            last_outbound_id = f"<kefu.{token:024x}@{self.mail_domain}>"
            status, attempts, error, sent = "sent", 0, "", created
            if emailed:
                attempts, sent = 1, timestamp(at + rng.randint(2, 40))
                if rng.random() < 0.003:
                    status, attempts, sent = "failed", 5, NULL
                    error = rng.choice(corpus.DELIVERY_ERRORS)
            self.message_rows.append((
                message_id, ticket_id, "outbound", author.id, channel, body, "", status,
                attempts, error, NULL, NULL, last_outbound_id, "", created, sent))

    def _first_message(self, category: str, key, fill) -> str:
        rng, texts = self.rng, self.texts
        language = key[0]
        opening = rng.choice(corpus.INBOUND_OPENINGS[language])
        detail = rng.choice(texts.details[(category, *key)]).format(**fill)
        closing = rng.choice(corpus.INBOUND_CLOSINGS[language]).format(**fill)
        gap = " " if language == "en" else ""
        return f"{opening}{gap}{detail}\n\n{closing}"

    def _events(self, ticket_id, created, channel, status, assignee, team, replies: "Replies",
                last_message: int, closed_at) -> int:
        """The ticket's history; returns the time of its last entry."""
        rng = self.rng
        rows = self.event_rows
        opened_by = assignee.id if assignee and channel in ("phone", "in_store") else NULL

        def event(kind: str, actor, data: str, at: int) -> None:
            self.event_id += 1
            rows.append((self.event_id, ticket_id, kind, actor, data, timestamp(at)))

        event("created", opened_by, self.channel_json[channel], created)
        last = created
        if assignee:
            limit = (replies.first or last_message + HOUR) - created
            at = created + max(1, min(rng.randint(MINUTE, 30 * MINUTE), limit - 1))
            by = team.manager_id if team and rng.random() < 0.4 else assignee.id
            event("assigned", by, self.assigned_json[assignee.id], at)
            last = at
        actor = assignee.id if assignee else NULL
        final = "solved" if status == "closed" else status
        if replies.first:
            if replies.count == 1 and final in ("pending", "on_hold", "solved"):
                event("status", actor, _status_json("new", final), replies.first)
            else:
                event("status", actor, _status_json("new", "open"), replies.first)
                if final in ("pending", "on_hold", "solved"):
                    event("status", actor, _status_json("open", final), replies.last)
            last = max(last, replies.last)
        elif status == "open":
            at = min(created + rng.randint(MINUTE, HOUR), self.plan.now - 1)
            event("status", actor, _status_json("new", "open"), at)
            last = max(last, at)
        if closed_at:
            event("status", NULL, _status_json("solved", "closed"), closed_at)
            last = closed_at
        return last

    def _tag(self, ticket_id: int, category: str) -> None:
        rng = self.rng
        if rng.random() >= 0.12:
            return
        names = corpus.TICKET_TAGS.get(category, ["follow-up"])
        chosen = {rng.choice(names)}
        if rng.random() < 0.25:
            chosen.add(rng.choice(names))
        for name in sorted(chosen):
            self.tag_rows.append((self.tags[name], self.content_type_id, ticket_id))


class Replies:
    """When the agents answered: the first and last time, and how often."""

    __slots__ = ("first", "last", "count")

    def __init__(self):
        self.first = self.last = None
        self.count = 0

    def add(self, at: int) -> None:
        if self.first is None:
            self.first = at
        self.last = at
        self.count += 1


def _status_json(old: str, new: str) -> str:
    return f'{{"old": "{old}", "new": "{new}"}}'
