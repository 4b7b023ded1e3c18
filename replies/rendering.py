"""Sandboxed placeholder rendering for reply templates.

A template is plain text with two kinds of holes and nothing else:

* ``{{ name }}``: a documented variable filled from the ticket (:data:`VARIABLES`), or a
  documented fill-in the agent writes (:data:`FILL_INS`);
* ``[some words]``: a fill-in the agent replaces before sending, as in the seeds'
  ``[specific concern]``.

There is no template engine behind this: one regular-expression pass substitutes
whitelisted names with plain strings. No attribute or item access (``{{ customer.name }}``
is just an unknown name), no filters, no tags (``{% load %}`` is reported, never run),
and values are not scanned again, so a customer called ``{{shop_name}}`` stays exactly
that. A variable without a value stays in the text as ``{{name}}`` and is reported as
missing, so the agent sees it in the preview and sending refuses it: a reply never goes
out with a blank or with raw braces.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The variables an admin may use, filled by replies.context.ticket_context.
VARIABLES: dict[str, str] = {
    "customer_name": _("the customer's name"),
    "order_number": _("the ticket's order number"),
    "order_items": _("the items of the ticket's order"),
    "tracking_number": _("the parcel's tracking number"),
    "tracking_link": _("the link to track the parcel"),
    "carrier": _("the carrier delivering the parcel"),
    "estimated_delivery": _("the estimated delivery date"),
    "tier_name": _("the customer's loyalty tier"),
    "tier_perks": _("the perks of the customer's tier"),
    "agent_name": _("your name"),
    "shop_name": _("the shop's name"),
    "coupon_code": _("the apology coupon code"),
}

# Placeholders the agent always writes by hand: they are never filled automatically.
FILL_INS: dict[str, str] = {
    "answer_to_question": _("your answer to the customer's question"),
    "product_name": _("the product the customer asked about"),
}

_TOKEN = re.compile(
    r"(?P<tag>\{%.{0,200}?%\}|\{#.{0,200}?#\})"
    r"|\{\{(?P<inner>[^{}\n]{0,100})\}\}"
    r"|\[(?P<fill>[^\[\]\n]{1,80})\]"
    r"|(?P<stray>\{\{|\}\}|\{%|%\}|\{#|#\})",
    re.DOTALL,
)
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


@dataclass(frozen=True)
class Segment:
    """A piece of rendered text. ``kind`` is text, value (filled from the ticket),
    missing (a variable without a value), fill_in (the agent must write it) or
    unknown (not a placeholder Kefu knows: an unknown name, a tag, a stray brace)."""

    kind: str
    text: str
    name: str = ""


@dataclass
class Rendered:
    text: str
    segments: list[Segment] = field(default_factory=list)

    def _names(self, kind: str) -> list[str]:
        return list(dict.fromkeys(s.name for s in self.segments if s.kind == kind))

    @property
    def missing(self) -> list[str]:
        """Variables this ticket has no value for, in order of appearance."""
        return self._names("missing")

    @property
    def fill_ins(self) -> list[str]:
        return self._names("fill_in")

    @property
    def unknown(self) -> list[str]:
        return self._names("unknown")

    @property
    def to_complete(self) -> list[str]:
        """What the agent must still write or remove, as it appears in the text."""
        return list(dict.fromkeys(s.text for s in self.segments
                                  if s.kind in ("missing", "fill_in", "unknown")))

    @property
    def ready(self) -> bool:
        return not (self.missing or self.fill_ins or self.unknown)


def _segments(text: str, context: Mapping[str, object] | None) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            segments.append(Segment("text", text[position:match.start()]))
        position = match.end()
        raw = match.group(0)
        if match.group("tag") is not None or match.group("stray") is not None:
            segments.append(Segment("unknown", raw, raw))
        elif match.group("fill") is not None:
            segments.append(Segment("fill_in", raw, raw))
        else:
            name = match.group("inner").strip()
            if _NAME.match(name) and name in VARIABLES:
                value = "" if context is None else str(context.get(name) or "").strip()
                if context is not None and value:
                    segments.append(Segment("value", value, name))
                else:
                    segments.append(Segment("missing", "{{" + name + "}}", name))
            elif _NAME.match(name) and name in FILL_INS:
                segments.append(Segment("fill_in", "{{" + name + "}}", name))
            else:
                segments.append(Segment("unknown", raw, raw))
    if position < len(text):
        segments.append(Segment("text", text[position:]))
    return segments


def render(text: str, context: Mapping[str, object]) -> Rendered:
    """Fill the documented variables of `text` from `context` (one pass, plain strings)."""
    segments = _segments(text, context)
    return Rendered(text="".join(s.text for s in segments), segments=segments)


def scan(text: str) -> Rendered:
    """The holes left in `text`, filling none: every {{variable}} counts as missing."""
    return Rendered(text=text, segments=_segments(text, None))


def _suggestion(raw: str) -> str:
    inner = raw.strip("{} ").split(".")[0].split("|")[0].strip()
    close = difflib.get_close_matches(inner, [*VARIABLES, *FILL_INS], n=1, cutoff=0.6)
    return gettext(" Did you mean {{%(name)s}}?") % {"name": close[0]} if close else ""


def template_problems(text: str) -> list[str]:
    """What is wrong with a template's text, for the admin at save time: unknown
    placeholders, template tags and stray braces. Documented variables and fill-ins are fine."""
    problems = []
    for segment in _segments(text, None):
        if segment.kind != "unknown":
            continue
        raw = segment.text
        if raw.startswith(("{%", "{#")):
            message = gettext("%(tag)s is not allowed: templates only support {{ placeholders }} "
                              "and [fill-ins].") % {"tag": raw}
        elif raw in {"{{", "}}", "{%", "%}", "{#", "#}"}:
            message = gettext("A stray %(brace)s: placeholders are written {{name}}.") % {
                "brace": raw}
        else:
            message = gettext("Unknown placeholder %(placeholder)s.") % {"placeholder": raw}
            message += _suggestion(raw)
        if message not in problems:
            problems.append(message)
    if problems:
        problems.append(gettext("Available placeholders: %(names)s.") % {
            "names": ", ".join("{{" + name + "}}" for name in [*VARIABLES, *FILL_INS])})
    return problems
