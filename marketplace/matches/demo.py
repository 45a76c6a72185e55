"""Demo decisions on fits, so the fit pages show each state and accepted fits exist for
test-bed agreements to start from."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge
from marketplace.matches import services
from marketplace.matches.models import FeedbackSide
from marketplace.solutions.models import Solution

SEPSIS = "Earlier warning of sepsis on general wards"
DECISIONS = [
    (SEPSIS, "Early warning score capture", "accepted", None),
    (SEPSIS, "Sepsis screening prompt", "shortlisted", None),
    (SEPSIS, "Safe staffing dashboard", "dismissed", "About staffing levels, not deterioration"),
    (
        "Support for women with gestational diabetes between clinics",
        "Gestational diabetes glucose diary",
        "accepted",
        None,
    ),
    (
        "Fewer missed first outpatient appointments for young adults",
        "Young adult appointment texting",
        "shortlisted",
        None,
    ),
    (
        "Reliable handover between night and day shifts",
        "Shift swap app",
        "dismissed",
        "It swaps shifts; it does not help the handover itself",
    ),
]


def steps(session: Session) -> Iterator[str]:
    for challenge_title, solution_title, status, reason in DECISIONS:
        challenge = session.scalar(sa.select(Challenge).filter_by(title=challenge_title))
        solution = session.scalar(sa.select(Solution).filter_by(title=solution_title))
        services.decide_fit(
            session,
            challenge.created_by,
            challenge.id,
            solution.id,
            FeedbackSide.SERVICE,
            status,
            reason,
        )
        yield f"fit {solution_title} {status}"
