"""Each figure is a query on the live data, never a stored counter that could drift.

A figure is a small table (columns and rows) that the page shows beside its chart and that
exports as CSV exactly as shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge, Response, Theme
from marketplace.matches.models import FeedbackSide, MatchFeedback
from marketplace.solutions.models import Adoption, Solution
from procurement.dps.models import Admission, Award, CallOff, Category
from procurement.testbeds.models import Agreement

MONTHS = 12


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: str | None = None  # "bars": first column labels, second column values

    @property
    def values(self) -> list[tuple[str, int]]:
        return [(str(r[0]), int(r[1] or 0)) for r in self.rows]


def challenges_by_theme(session: Session) -> Figure:
    statuses = ["submitted", "open", "closed", "archived"]
    counts: dict[str, Counter] = {}
    for challenge in session.scalars(
        sa.select(Challenge).where(Challenge.submitted_at.is_not(None))
    ):
        for theme in challenge.themes or [None]:
            name = theme.name if theme else "No theme"
            counts.setdefault(name, Counter())[challenge.status] += 1
    names = [t.name for t in session.scalars(sa.select(Theme).order_by(Theme.name))]
    rows = [
        [name, sum(counts[name].values()), *(counts[name][s] for s in statuses)]
        for name in [*names, "No theme"]
        if name in counts
    ]
    return Figure(
        "challenges-by-theme",
        "Challenges by theme and status",
        ["Theme", "All", *(s.capitalize() for s in statuses)],
        rows,
        chart="bars",
    )


def responses_and_fits(session: Session) -> Figure:
    responses = Counter(r.status_label for r in session.scalars(sa.select(Response)))
    decisions = Counter(
        f.status.label
        for f in session.scalars(sa.select(MatchFeedback).filter_by(side=FeedbackSide.SERVICE))
    )
    rows = [[f"Responses: {k.lower()}", v] for k, v in sorted(responses.items())]
    rows += [[f"Fits {k.lower()} by services", v] for k, v in sorted(decisions.items())]
    return Figure("responses-and-fits", "Responses and fits", ["Measure", "Count"], rows, "bars")


def testbeds(session: Session) -> Figure:
    counts = Counter(
        (a.status.label, a.outcome.label if a.outcome else "")
        for a in session.scalars(sa.select(Agreement))
    )
    rows = [[status, outcome, n] for (status, outcome), n in sorted(counts.items())]
    return Figure(
        "testbeds", "Test beds by status and outcome", ["Status", "Outcome", "Count"], rows
    )


def purchasing(session: Session) -> Figure:
    admitted = session.execute(
        sa.select(Category.name, sa.func.count(Admission.id))
        .join(Admission, Admission.category_id == Category.id)
        .where(Admission.removed_at.is_(None))
        .group_by(Category.id, Category.name)
        .order_by(Category.name, Category.id)
    ).all()
    rows = [[f"Admitted: {name}", n] for name, n in admitted]
    awards = session.execute(
        sa.select(sa.func.count(Award.id), sa.func.coalesce(sa.func.sum(Award.contract_value), 0))
    ).one()
    calls = session.scalar(sa.select(sa.func.count()).select_from(CallOff))
    rows += [
        ["Call-offs run", calls],
        ["Call-offs awarded", awards[0]],
        ["Value awarded (£)", awards[1]],
    ]
    return Figure(
        "purchasing", "Dynamic purchasing: admissions and awards", ["Measure", "Value"], rows
    )


def adoptions(session: Session) -> Figure:
    counts = Counter(
        (a.organisation.name, a.stage.label) for a in session.scalars(sa.select(Adoption))
    )
    rows = [[org, stage, n] for (org, stage), n in sorted(counts.items())]
    return Figure(
        "adoptions", "Adoptions across the partnership", ["Organisation", "Stage", "Sites"], rows
    )


def monthly(session: Session, today: date | None = None) -> Figure:
    """Published challenges and solutions, and test beds started, over the last 12 months."""
    today = today or date.today()
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    series = {
        "Challenges published": [c.published_at for c in session.scalars(sa.select(Challenge))],
        "Solutions published": [s.published_at for s in session.scalars(sa.select(Solution))],
        "Test beds started": [a.live_at for a in session.scalars(sa.select(Agreement))],
    }
    rows = []
    for y, m in months:
        label = date(y, m, 1).strftime("%b %Y")
        rows.append(
            [label]
            + [
                sum(1 for t in times if t and (t.year, t.month) == (y, m))
                for times in series.values()
            ]
        )
    return Figure("monthly", "The programme month by month", ["Month", *series], rows, "bars")


FIGURES = {
    "challenges-by-theme": challenges_by_theme,
    "responses-and-fits": responses_and_fits,
    "testbeds": testbeds,
    "purchasing": purchasing,
    "adoptions": adoptions,
    "monthly": monthly,
}


def all_figures(session: Session) -> list[Figure]:
    return [make(session) for make in FIGURES.values()]
