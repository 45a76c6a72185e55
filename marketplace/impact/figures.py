"""Each figure is a query on the live data, never a stored counter that could drift.

A figure is a small table (columns and rows) that the page shows beside its chart and that
exports as CSV exactly as shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
from challenges.models import RESPONSE_STATUS_LABELS, Challenge, Response, Theme, challenge_themes
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.db import UK, uk_today
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
    """Every challenge sent for review, once under each of its themes (or under "No theme")."""
    statuses = ["submitted", "open", "closed", "archived"]
    status = Challenge.status.label("status")
    found = session.execute(
        sa.select(Theme.name, status, sa.func.count())
        .select_from(Challenge)
        .outerjoin(challenge_themes, challenge_themes.c.challenge_id == Challenge.id)
        .outerjoin(Theme, Theme.id == challenge_themes.c.theme_id)
        .where(Challenge.submitted_at.is_not(None))
        .group_by(Theme.name, status)
        .order_by(Theme.name.is_(None), Theme.name)
    )
    counts: dict[str, Counter] = {}
    for name, state, n in found:
        counts.setdefault(name or "No theme", Counter())[state] = n
    rows = [
        [name, sum(by_status.values()), *(by_status[s] for s in statuses)]
        for name, by_status in counts.items()
    ]
    return Figure(
        "challenges-by-theme",
        "Challenges by theme and status",
        ["Theme", "All", *(s.capitalize() for s in statuses)],
        rows,
        chart="bars",
    )


def responses_and_fits(session: Session) -> Figure:
    status = Response.status.label("status")
    responses = {
        RESPONSE_STATUS_LABELS[state]: n
        for state, n in session.execute(sa.select(status, sa.func.count()).group_by(status))
    }
    decisions = {
        state.label: n
        for state, n in session.execute(
            sa.select(MatchFeedback.status, sa.func.count())
            .where(MatchFeedback.side == FeedbackSide.SERVICE)
            .group_by(MatchFeedback.status)
        )
    }
    rows = [[f"Responses: {k.lower()}", v] for k, v in sorted(responses.items())]
    rows += [[f"Fits {k.lower()} by services", v] for k, v in sorted(decisions.items())]
    return Figure("responses-and-fits", "Responses and fits", ["Measure", "Count"], rows, "bars")


def testbeds(session: Session) -> Figure:
    found = session.execute(
        sa.select(Agreement.status, Agreement.outcome, sa.func.count()).group_by(
            Agreement.status, Agreement.outcome
        )
    )
    rows = sorted(
        [status.label, outcome.label if outcome else "", n] for status, outcome, n in found
    )
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
    found = session.execute(
        sa.select(Organisation.name, Adoption.stage, sa.func.count())
        .join(Organisation, Organisation.id == Adoption.organisation_id)
        .group_by(Organisation.name, Adoption.stage)
    )
    rows = sorted([org, stage.label, n] for org, stage, n in found)
    return Figure(
        "adoptions", "Adoptions across the partnership", ["Organisation", "Stage", "Sites"], rows
    )


def monthly(session: Session, today: date | None = None) -> Figure:
    """Published challenges and solutions, and test beds started, over the last 12 months.

    Months are UK calendar months, like every date the pages show: something published at
    00:30 on 1 June British Summer Time counts in June, although it is still May in UTC."""
    starts = _month_starts(today or uk_today())
    series = {
        "Challenges published": Challenge.published_at,
        "Solutions published": Solution.published_at,
        "Test beds started": Agreement.live_at,
    }
    counts = [_per_month(session, column, starts) for column in series.values()]
    rows = [
        [start.strftime("%b %Y"), *(per_month[i] for per_month in counts)]
        for i, start in enumerate(starts[:-1])
    ]
    return Figure("monthly", "The programme month by month", ["Month", *series], rows, "bars")


def _month_starts(today: date) -> list[datetime]:
    """The first moment, UK time, of each of the last 12 months up to ``today``'s, and of the
    month after: 13 boundaries around 12 months."""
    months = [(today.year, today.month - back) for back in range(MONTHS - 1, -2, -1)]
    return [
        datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UK)
        for year, month in months
    ]


def _per_month(session: Session, column, starts: list[datetime]) -> list[int]:
    """How many rows have ``column`` in each month between the boundaries: a range the
    column's index can serve, bucketed by comparisons that read the same on SQLite (which has
    no time zones) and PostgreSQL."""
    month = sa.case(*((column < end, i) for i, end in enumerate(starts[1:]))).label("month")
    found = dict(
        session.execute(
            sa.select(month, sa.func.count())
            .where(column >= starts[0], column < starts[-1])
            .group_by(month)
        ).all()
    )
    return [found.get(i, 0) for i in range(MONTHS)]


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
    reviews = (
        sa.select(
            Review.panel_id,
            sa.func.count(Review.id).label("assigned"),
            sa.func.count(Review.submitted_at).label("scored"),
            sa.func.count(Review.conflict).label("conflicts"),
        )
        .group_by(Review.panel_id)
        .subquery()
    )
    found = {
        cohort_id: (formed, with_patient, *(int(n) for n in totals))
        for cohort_id, formed, with_patient, *totals in session.execute(
            sa.select(
                Panel.cohort_id,
                sa.func.count(Panel.id),
                sa.func.count(sa.case((_has_patient_member(), Panel.id))),
                *(
                    sa.func.coalesce(sa.func.sum(column), 0)
                    for column in (reviews.c.assigned, reviews.c.scored, reviews.c.conflicts)
                ),
            )
            .outerjoin(reviews, reviews.c.panel_id == Panel.id)
            .group_by(Panel.cohort_id)
        )
    }
    groups = [(_cohort_label(c), c.id) for c in _cohorts(session)]
    groups.append(("Challenge response panels", None))  # a panel is a cohort's or a challenge's
    rows = []
    for label, cohort_id in groups:
        if cohort_id in found:
            formed, with_patient, *totals = found[cohort_id]
            rows.append([label, formed, round(100 * with_patient / formed), *totals])
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


def _has_patient_member() -> sa.Exists:
    """Whether the panel has a member who is an active user holding the patient or public role
    through an active membership, for the panel in the enclosing query."""
    return (
        sa.select(PanelMember.user_id)
        .join(User, User.id == PanelMember.user_id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            PanelMember.panel_id == Panel.id,
            User.disabled_at.is_(None),
            Membership.role == Role.PANEL_PATIENT,
            Membership.is_active,
        )
        .exists()
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
