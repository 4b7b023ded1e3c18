"""The last check before a reply leaves: nothing unfilled, no raw braces."""

from django.utils.translation import gettext

from .rendering import scan


class ReplyNotReady(Exception):
    """The reply still has a fill-in, an unfilled placeholder or raw braces."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def check_reply_ready(text: str) -> list[str]:
    """Why `text` cannot be sent as it is (empty when it can).

    Refused: a fill-in left as written (``[specific concern]``, ``{{answer_to_question}}``),
    a ``{{variable}}`` that was never filled (the ticket had no value for it), an unknown
    placeholder, a template tag or a stray brace. tickets.services.reply calls this (and
    raises ReplyNotReady with the problems).
    """
    rendered = scan(text)
    problems = []
    for name in rendered.fill_ins:
        problems.append(gettext("Complete the fill-in %(fill_in)s before sending.") % {
            "fill_in": name if name.startswith("[") else "{{" + name + "}}"})
    for name in rendered.missing:
        problems.append(gettext("{{%(name)s}} has no value for this ticket: type the value "
                                "in or remove it.") % {"name": name})
    for raw in rendered.unknown:
        problems.append(gettext("Remove %(text)s: it is not a placeholder Kefu can fill.") % {
            "text": raw})
    return problems
