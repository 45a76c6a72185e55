"""Legal moves of a test-bed agreement.

draft (the host prepares it) → negotiation (both parties edit; every change is a version)
→ awaiting signature (terms frozen for signing; either party can reopen them, which voids
signatures on that version) → signed (both parties signed the same version) → live → evaluation
→ completed (with an outcome). Signed and live agreements can be amended, which opens a new
version in negotiation, or terminated early with a reason.
"""

from __future__ import annotations

from marketplace.errors import InvalidTransition

TRANSITIONS = {
    "draft": {"negotiation"},
    "negotiation": {"awaiting_signature"},
    "awaiting_signature": {"negotiation", "signed"},
    "signed": {"live", "negotiation", "terminated"},
    "live": {"evaluation", "negotiation", "terminated"},
    "evaluation": {"completed", "terminated"},
    "completed": set(),
    "terminated": set(),
}

EDITABLE = {"draft", "negotiation"}

VERBS = {
    "negotiation": "opened for negotiation",
    "awaiting_signature": "sent for signature",
    "signed": "signed",
    "live": "started",
    "evaluation": "moved to evaluation",
    "completed": "completed",
    "terminated": "terminated",
}

LABELS = {
    "draft": "draft",
    "negotiation": "in negotiation",
    "awaiting_signature": "awaiting signature",
    "signed": "signed",
    "live": "live",
    "evaluation": "being evaluated",
    "completed": "completed",
    "terminated": "terminated",
}


def guard(current: str, target: str) -> None:
    if target in TRANSITIONS[current]:
        return
    if current == target:
        raise InvalidTransition(f"This agreement is already {LABELS[current]}")
    raise InvalidTransition(
        f"An agreement that is {LABELS[current]} cannot be {VERBS.get(target, target)}"
    )


def guard_editable(current: str) -> None:
    if current not in EDITABLE:
        raise InvalidTransition(
            f"An agreement that is {LABELS[current]} cannot be edited: "
            + (
                "amend it to open a new version"
                if current in {"signed", "live"}
                else "reopen it for changes first"
                if current == "awaiting_signature"
                else "it is closed"
            )
        )
