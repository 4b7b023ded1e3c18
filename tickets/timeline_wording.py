"""How a system event reads on the ticket timeline.

The ticket app words its own kinds of TicketEvent; an app that records another kind (SLA,
loyalty, notices) registers its wording here from its AppConfig.ready, so the timeline
never shows a raw dictionary.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import TicketEvent


def _secondary(event: TicketEvent) -> str:
    return "text-secondary"


@dataclass(frozen=True)
class Wording:
    text: Callable[[TicketEvent], str]
    css_class: Callable[[TicketEvent], str] = _secondary
    icon: str = "bi-dot"


_wordings: dict[str, Wording] = {}


def register(kind: str, *, text: Callable[[TicketEvent], str],
             css_class: Callable[[TicketEvent], str] = _secondary, icon: str = "bi-dot") -> None:
    _wordings[kind] = Wording(text=text, css_class=css_class, icon=icon)


def wording_for(kind: str) -> Wording | None:
    return _wordings.get(kind)
