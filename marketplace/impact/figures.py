"""Each figure is a query on the live data, never a stored counter that could drift.

A figure is a small table (columns and rows) that the page shows beside its chart and that
exports as CSV exactly as shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.fellowship.models import (
    ApplicationOutcome,
    Attendance,
    Cohort,
    Fellow,
    FellowshipApplication,
    FellowStatus,
    LearningSession,
    Milestone,
    Panel,
    PanelMember,
    ProgressUpdate,
    Review,
)
from challenges.models import Challenge, Response, Theme
from marketplace.accounts.models import Membership, Role, User
from marketplace.db import uk_today
from marketplace.impact.funding import solution_title
from marketplace.impact.models import FundingKind, FundingRecord
from marketplace.matches.models import FeedbackSide, MatchFeedback
from marketplace.solutions.models import Adoption, Solution
from procurement.dps.models import Admission, Award, CallOff, Category
from procurement.testbeds.models import Agreement

MONTHS = 12
TOP_SOLUTIONS = 10
NOT_RECORDED = "None recorded"


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
    today = today or uk_today()
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


# --- the fellowship ----------------------------------------------------------------------------


def _cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(sa.select(Cohort).order_by(Cohort.year, Cohort.id)))


def _cohort_label(cohort: Cohort) -> str:
    return cohort.title if str(cohort.year) in cohort.title else f"{cohort.title} ({cohort.year})"


def _counts(session: Session, statement) -> Counter:
    """A Counter keyed by the statement's leading columns, of its last column."""
    return Counter({tuple(row[:-1]): row[-1] for row in session.execute(statement)})


def fellowship_cohorts(session: Session) -> Figure:
    """Applications and fellows per cohort, oldest cohort first: the applications column is the
    trend from one cohort year to the next."""
    applications = _counts(
        session,
        sa.select(
            FellowshipApplication.cohort_id,
            FellowshipApplication.outcome,
            sa.func.count(FellowshipApplication.id),
        ).group_by(FellowshipApplication.cohort_id, FellowshipApplication.outcome),
    )
    fellows = _counts(
        session,
        sa.select(Fellow.cohort_id, Fellow.status, sa.func.count(Fellow.id)).group_by(
            Fellow.cohort_id, Fellow.status
        ),
    )
    second_year = _counts(
        session,
        sa.select(Fellow.cohort_id, sa.func.count(Fellow.id))
        .where(Fellow.year_of_fellowship >= 2)
        .group_by(Fellow.cohort_id),
    )
    rows = []
    for cohort in _cohorts(session):
        outcomes = {o: applications[(cohort.id, o)] for o in (*ApplicationOutcome, None)}
        rows.append(
            [
                _cohort_label(cohort),
                sum(outcomes.values()),
                outcomes[ApplicationOutcome.ACCEPTED],
                outcomes[ApplicationOutcome.DECLINED],
                outcomes[None],
                *(fellows[(cohort.id, status)] for status in FellowStatus),
                second_year[(cohort.id,)],
            ]
        )
    return Figure(
        "fellowship-cohorts",
        "Fellowship: applications and fellows per cohort",
        [
            "Cohort",
            "Applications received",
            "Accepted",
            "Not accepted",
            "Awaiting a decision",
            "Fellows active",
            "Fellows completed",
            "Fellows withdrawn",
            "Second-year fellows",
        ],
        rows,
        "bars",
    )


def fellowship_progress(session: Session, today: date | None = None) -> Figure:
    """Milestones (overdue counts only active fellows' unfinished ones past their date),
    progress updates and learning-session attendance, per cohort."""
    today = today or uk_today()
    milestones = _counts(
        session,
        sa.select(
            Fellow.cohort_id,
            Milestone.completed_on.is_not(None),
            sa.func.count(Milestone.id),
        )
        .join(Fellow, Fellow.id == Milestone.fellow_id)
        .group_by(Fellow.cohort_id, Milestone.completed_on.is_not(None)),
    )
    overdue = _counts(
        session,
        sa.select(Fellow.cohort_id, sa.func.count(Milestone.id))
        .join(Fellow, Fellow.id == Milestone.fellow_id)
        .where(
            Milestone.completed_on.is_(None),
            Milestone.due_on < today,
            Fellow.status == FellowStatus.ACTIVE,
        )
        .group_by(Fellow.cohort_id),
    )
    updates = _counts(
        session,
        sa.select(Fellow.cohort_id, sa.func.count(ProgressUpdate.id))
        .join(Fellow, Fellow.id == ProgressUpdate.fellow_id)
        .group_by(Fellow.cohort_id),
    )
    sessions = _counts(
        session,
        sa.select(LearningSession.cohort_id, sa.func.count(LearningSession.id)).group_by(
            LearningSession.cohort_id
        ),
    )
    attendance = _counts(
        session,
        sa.select(LearningSession.cohort_id, Attendance.attended, sa.func.count())
        .join(LearningSession, LearningSession.id == Attendance.session_id)
        .group_by(LearningSession.cohort_id, Attendance.attended),
    )
    rows = []
    for cohort in _cohorts(session):
        done, open_ = milestones[(cohort.id, True)], milestones[(cohort.id, False)]
        present, absent = attendance[(cohort.id, True)], attendance[(cohort.id, False)]
        rows.append(
            [
                _cohort_label(cohort),
                done,
                done + open_,
                overdue[(cohort.id,)],
                updates[(cohort.id,)],
                sessions[(cohort.id,)],
                round(100 * present / (present + absent)) if present + absent else NOT_RECORDED,
            ]
        )
    return Figure(
        "fellowship-progress",
        "Fellowship: fellows' progress per cohort",
        [
            "Cohort",
            "Milestones completed",
            "Milestones set",
            "Milestones overdue",
            "Progress updates",
            "Learning sessions",
            "Attendance (%)",
        ],
        rows,
    )


def selection_panels(session: Session) -> Figure:
    """Panels formed for each cohort, and for challenges' responses, with their reviews.

    "With a patient or public member" counts the panels on which someone holds the patient or
    public role today and is an active user (as queries.panels_without_patient_member does),
    not the flag stored when the panel was formed: every panel had one then, by rule, so the
    flag would always read 100%."""
    panels = list(session.scalars(sa.select(Panel).order_by(Panel.id)))
    members = session.scalars(
        sa.select(PanelMember).options(
            selectinload(PanelMember.user)
            .selectinload(User.memberships)
            .selectinload(Membership.organisation)
        )
    )
    with_patient = {
        m.panel_id for m in members if m.user.is_active and m.user.has_role(Role.PANEL_PATIENT)
    }
    reviews = session.execute(
        sa.select(
            Review.panel_id,
            sa.func.count(Review.id),
            sa.func.count(Review.submitted_at),
            sa.func.count(Review.conflict),
        ).group_by(Review.panel_id)
    ).all()
    by_panel = {panel_id: (n, scored, conflicts) for panel_id, n, scored, conflicts in reviews}
    groups: dict[str, list[Panel]] = {
        _cohort_label(c): [p for p in panels if p.cohort_id == c.id] for c in _cohorts(session)
    }
    groups["Challenge response panels"] = [p for p in panels if p.challenge_id is not None]
    rows = []
    for label, members in groups.items():
        if not members:
            continue
        totals = [sum(by_panel.get(p.id, (0, 0, 0))[i] for p in members) for i in range(3)]
        share = round(100 * sum(p.id in with_patient for p in members) / len(members))
        rows.append([label, len(members), share, *totals])
    return Figure(
        "selection-panels",
        "Selection panels and their reviews",
        [
            "Panels for",
            "Panels formed",
            "With a patient or public member (%)",
            "Reviews assigned",
            "Reviews scored",
            "Conflicts declared",
        ],
        rows,
    )


# --- inward investment and funding -------------------------------------------------------------

POUNDS = "Total (£)"


def funding_by_kind(session: Session) -> Figure:
    found = {
        kind: (int(total), n)
        for kind, total, n in session.execute(
            sa.select(
                FundingRecord.kind, sa.func.sum(FundingRecord.amount), sa.func.count()
            ).group_by(FundingRecord.kind)
        )
    }
    rows = [[kind.label, *found[kind]] for kind in FundingKind if kind in found]
    return Figure(
        "funding-by-kind",
        "Inward investment and funding by kind",
        ["Kind", POUNDS, "Records"],
        rows,
        "bars",
    )


def funding_by_year(session: Session) -> Figure:
    """Funding by the year it was received, every year from the first to the last recorded."""
    year = sa.extract("year", FundingRecord.received_on)
    found = {
        (int(y), kind): int(total)
        for y, kind, total in session.execute(
            sa.select(year, FundingRecord.kind, sa.func.sum(FundingRecord.amount)).group_by(
                year, FundingRecord.kind
            )
        )
    }
    years = sorted({y for y, _ in found})
    rows = []
    for y in range(years[0], years[-1] + 1) if years else []:
        by_kind = [found.get((y, kind), 0) for kind in FundingKind]
        rows.append([str(y), sum(by_kind), *by_kind])
    return Figure(
        "funding-by-year",
        "Inward investment and funding by year received",
        ["Year", POUNDS, *(f"{kind.label} (£)" for kind in FundingKind)],
        rows,
        "bars",
    )


def funding_by_recipient(session: Session) -> Figure:
    recipient = sa.case(
        (
            sa.and_(FundingRecord.solution_id.is_not(None), FundingRecord.fellow_id.is_not(None)),
            "both",
        ),
        (FundingRecord.solution_id.is_not(None), "solution"),
        else_="fellow",
    )
    found = {
        who: (int(total), n)
        for who, total, n in session.execute(
            sa.select(recipient, sa.func.sum(FundingRecord.amount), sa.func.count()).group_by(
                recipient
            )
        )
    }
    labels = {
        "solution": "Solutions",
        "fellow": "Fellows",
        "both": "Fellows' own solutions (both)",
    }
    rows = [[label, *found[who]] for who, label in labels.items() if who in found]
    return Figure(
        "funding-by-recipient",
        "Funding received by solutions and by fellows",
        ["Received by", POUNDS, "Records"],
        rows,
        "bars",
    )


def funding_top_solutions(session: Session, viewer: User | None = None) -> Figure:
    """The most-funded solutions. A solution is named only to a viewer who may view it
    (`funding.solution_title`); with no viewer, only published solutions are named, since
    the figure goes to partner organisations, who do not see drafts."""
    total = sa.func.sum(FundingRecord.amount)
    top = (
        sa.select(
            FundingRecord.solution_id,
            total.label("total"),
            sa.func.count(FundingRecord.id).label("records"),
        )
        .where(FundingRecord.solution_id.is_not(None))
        .group_by(FundingRecord.solution_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(Solution, top.c.total, top.c.records)
        .join(top, top.c.solution_id == Solution.id)
        .order_by(top.c.total.desc(), Solution.title, Solution.id)
        .limit(TOP_SOLUTIONS)
    ).all()
    return Figure(
        "funding-top-solutions",
        f"The {TOP_SOLUTIONS} solutions that have received the most funding",
        ["Solution", POUNDS, "Records"],
        [[solution_title(solution, viewer), int(amount), n] for solution, amount, n in rows],
        "bars",
    )


FIGURES = {
    "challenges-by-theme": challenges_by_theme,
    "responses-and-fits": responses_and_fits,
    "testbeds": testbeds,
    "purchasing": purchasing,
    "adoptions": adoptions,
    "monthly": monthly,
    "fellowship-cohorts": fellowship_cohorts,
    "fellowship-progress": fellowship_progress,
    "selection-panels": selection_panels,
    "funding-by-kind": funding_by_kind,
    "funding-by-year": funding_by_year,
    "funding-by-recipient": funding_by_recipient,
    "funding-top-solutions": funding_top_solutions,
}


def all_figures(session: Session) -> list[Figure]:
    return [make(session) for make in FIGURES.values()]
