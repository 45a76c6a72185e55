"""Legal moves for organisations and memberships.

Status is derived from timestamps on the models; these tables say which status may follow which,
and ``guard`` refuses any other move with ``InvalidTransition``.
"""

from __future__ import annotations

from marketplace.errors import InvalidTransition

ORGANISATION_TRANSITIONS = {
    "pending": {"approved", "rejected"},
    "rejected": {"approved"},  # a rejection can be reconsidered
    "approved": set(),
}

MEMBERSHIP_TRANSITIONS = {
    "requested": {"granted", "declined"},
    "granted": {"revoked"},
    "declined": set(),
    "revoked": set(),
}

_NOUNS = {"organisation": ORGANISATION_TRANSITIONS, "membership": MEMBERSHIP_TRANSITIONS}


def guard(noun: str, current: str, target: str) -> None:
    if target in _NOUNS[noun].get(current, set()):
        return
    if current == target:
        raise InvalidTransition(f"This {noun} is already {current}")
    raise InvalidTransition(f"This {noun} is {current}, so it cannot be {target}")
