"""Legal moves of feedback on a fit, per side.

The service: (none) → shortlisted / dismissed / accepted; shortlisted → dismissed / accepted;
dismissed → shortlisted (reconsidered). Accepted is final here: the test-bed agreement takes
it from there. The innovator keeps a list of their own: shortlisted ⇄ dismissed.
"""

from __future__ import annotations

from marketplace.errors import InvalidTransition
from marketplace.matches.models import FeedbackSide

NONE = "none"

TRANSITIONS = {
    FeedbackSide.SERVICE: {
        NONE: {"shortlisted", "dismissed", "accepted"},
        "shortlisted": {"dismissed", "accepted"},
        "dismissed": {"shortlisted"},
        "accepted": set(),
    },
    FeedbackSide.INNOVATOR: {
        NONE: {"shortlisted", "dismissed"},
        "shortlisted": {"dismissed"},
        "dismissed": {"shortlisted"},
    },
}


def guard(side: FeedbackSide, current: str | None, target: str) -> None:
    current = current or NONE
    if target in TRANSITIONS[side][current]:
        return
    if current == target:
        raise InvalidTransition(f"This fit is already {current}")
    if target == "accepted" and side == FeedbackSide.INNOVATOR:
        raise InvalidTransition("Only the service that posted the challenge can accept a fit")
    raise InvalidTransition(f"A fit that is {current} cannot be {target}")


def next_statuses(side: FeedbackSide, current: str | None) -> list[str]:
    """What a side may decide next, in the order the buttons show them."""
    allowed = TRANSITIONS[side][current or NONE]
    return [s for s in ("shortlisted", "accepted", "dismissed") if s in allowed]
