"""Legal moves of a challenge.

draft → submitted → open (published) → closed → archived; the innovation team may return a
submitted challenge to draft with comments; the service may withdraw it at any point before it
is archived. ``closed`` also follows from the closing date passing (see Challenge.status).
"""

from __future__ import annotations

from marketplace.errors import InvalidTransition

TRANSITIONS = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"open", "draft", "withdrawn"},
    "open": {"closed", "withdrawn"},
    "closed": {"archived", "withdrawn"},
    "archived": set(),
    "withdrawn": set(),
}

VERBS = {
    "submitted": "submitted for review",
    "open": "published",
    "draft": "returned for changes",
    "closed": "closed",
    "archived": "archived",
    "withdrawn": "withdrawn",
}


def guard(current: str, target: str) -> None:
    if target in TRANSITIONS[current]:
        return
    if current == target:
        raise InvalidTransition(f"This challenge is already {current}")
    raise InvalidTransition(f"A challenge that is {current} cannot be {VERBS[target]}")
