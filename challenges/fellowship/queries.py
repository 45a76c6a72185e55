"""The read side of fellowship selection: cohorts and where they stand, applications with their
reviews and weighted scores, a reviewer's queue and the innovation team's queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.fellowship.models import (
    ApplicationOutcome,
    Cohort,
    Fellow,
    FellowshipApplication,
    FellowStatus,
    Milestone,
    Panel,
    PanelMember,
    Review,
)
from challenges.fellowship.scoring import MIN_REVIEWERS, PANEL_ROLES, blind_to_others
from challenges.fellowship.services import weighted_score
from challenges.models import Challenge, Response
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, Role, User
from marketplace.db import uk_today
from marketplace.solutions.models import Solution

# --- cohorts -----------------------------------------------------------------------------------


def status_of(cohort: Cohort, today: date | None = None) -> str:
    return cohort.status(today or uk_today())


def stages_of(cohort: Cohort) -> list[dict]:
    return cohort.stage_list()


def cohorts(session: Session) -> list[Cohort]:
    return list(
        session.scalars(sa.select(Cohort).order_by(Cohort.opens_on.desc(), Cohort.id.desc()))
    )


# --- applications ------------------------------------------------------------------------------


def mine(session: Session, user) -> list[FellowshipApplication]:
    return list(
        session.scalars(
            sa.select(FellowshipApplication)
            .where(FellowshipApplication.applicant_id == user.id)
            .options(selectinload(FellowshipApplication.cohort))
            .order_by(FellowshipApplication.submitted_at.desc(), FellowshipApplication.id.desc())
        )
    )


def reviews_of(session: Session, application_id: int) -> list[Review]:
    return list(
        session.scalars(
            sa.select(Review)
            .where(Review.application_id == application_id)
            .options(selectinload(Review.reviewer), selectinload(Review.panel))
            .order_by(Review.id)
        )
    )


@dataclass
class Scored:
    """An application with its reviews and weighted score (None until someone has scored)."""

    application: FellowshipApplication
    reviews: list[Review]
    score: float | None

    @property
    def scored(self) -> int:
        return sum(1 for r in self.reviews if r.submitted_at is not None and not r.recused)

    @property
    def reviewing(self) -> int:
        return sum(1 for r in self.reviews if not r.recused)


def of_cohort(session: Session, viewer, cohort_id: int) -> list[Scored]:
    """A cohort's applications with their scores, except where the viewer still owes a score
    of their own (or is recused, or is the applicant): there the score stays hidden."""
    applications = list(
        session.scalars(
            sa.select(FellowshipApplication)
            .where(FellowshipApplication.cohort_id == cohort_id)
            .options(selectinload(FellowshipApplication.applicant))
            .order_by(FellowshipApplication.submitted_at, FellowshipApplication.id)
        )
    )
    by_application: dict[int, list[Review]] = {a.id: [] for a in applications}
    if applications:
        for review in session.scalars(
            sa.select(Review)
            .where(Review.application_id.in_(list(by_application)))
            .order_by(Review.id)
        ):
            by_application[review.application_id].append(review)
    return [
        Scored(a, by_application[a.id], _score_for(viewer, a, by_application[a.id]))
        for a in applications
    ]


def _score_for(viewer, application, reviews) -> float | None:
    if application.applicant_id == viewer.id or blind_to_others(viewer, reviews):
        return None
    return weighted_score(application, reviews)


def challenge_choices(session: Session, user) -> list[Challenge]:
    """Published challenges the applicant may read, for linking an idea to one."""
    found = session.scalars(
        sa.select(Challenge).where(Challenge.published_at.is_not(None)).order_by(Challenge.title)
    )
    return [c for c in found if policy.may_view_challenge(user, c)]


def solution_choices(session: Session, user) -> list[Solution]:
    """Solutions of the applicant's own organisations that they may keep up to date."""
    organisation_ids = {m.organisation_id for m in user.active_memberships}
    if not organisation_ids:
        return []
    found = session.scalars(
        sa.select(Solution)
        .where(Solution.organisation_id.in_(organisation_ids))
        .order_by(Solution.title)
    )
    return [s for s in found if policy.may_edit_solution(user, s)]


# --- panels and reviewers ----------------------------------------------------------------------


def application_of(session: Session, user: User, cohort_id: int) -> FellowshipApplication | None:
    return session.scalar(
        sa.select(FellowshipApplication).filter_by(cohort_id=cohort_id, applicant_id=user.id)
    )


def panel_candidates(session: Session) -> list[User]:
    """Active people holding a panel role or the innovation team role now."""
    people = session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.disabled_at.is_(None),
            Membership.role.in_(list(PANEL_ROLES)),
            Membership.granted_at.is_not(None),
            Membership.declined_at.is_(None),
            Membership.revoked_at.is_(None),
        )
        .options(selectinload(User.memberships))
        .distinct()
        .order_by(User.name, User.id)
    )
    return [p for p in people if any(p.has_role(r) for r in PANEL_ROLES)]


def panels_of(session: Session, cohort_id: int) -> list[Panel]:
    return list(
        session.scalars(
            sa.select(Panel)
            .where(Panel.cohort_id == cohort_id)
            .options(selectinload(Panel.members).selectinload(PanelMember.user))
            .order_by(Panel.formed_at, Panel.id)
        )
    )


@dataclass
class ReviewQueue:
    to_score: list[Review] = field(default_factory=list)
    scored: list[Review] = field(default_factory=list)
    recused: list[Review] = field(default_factory=list)


def review_queue(session: Session, user) -> ReviewQueue:
    """A reviewer's assignments, of fellowship applications and of challenge responses."""
    queue = ReviewQueue()
    for review in session.scalars(
        sa.select(Review)
        .where(Review.reviewer_id == user.id)
        .options(
            selectinload(Review.application).selectinload(FellowshipApplication.cohort),
            selectinload(Review.application).selectinload(FellowshipApplication.applicant),
            selectinload(Review.response).selectinload(Response.solution),
            selectinload(Review.response).selectinload(Response.challenge),
            selectinload(Review.panel),
        )
        .order_by(Review.submitted_at.desc().nulls_last(), Review.id)
    ):
        if review.recused:
            queue.recused.append(review)
        elif review.submitted_at is None:
            queue.to_score.append(review)
        else:
            queue.scored.append(review)
    return queue


# --- the innovation team's queue -----------------------------------------------------------------


@dataclass
class CohortProgress:
    cohort: Cohort
    at_stage: list[tuple[str, int]]  # undecided applications at each stage
    accepted: int
    declined: int


def stage_progress(session: Session) -> list[CohortProgress]:
    rows = session.execute(
        sa.select(
            FellowshipApplication.cohort_id,
            FellowshipApplication.stage_index,
            FellowshipApplication.outcome,
            sa.func.count(),
        ).group_by(
            FellowshipApplication.cohort_id,
            FellowshipApplication.stage_index,
            FellowshipApplication.outcome,
        )
    ).all()
    progress = []
    for cohort in cohorts(session):
        stages = stages_of(cohort)
        counts = [0] * len(stages)
        accepted = declined = 0
        for cohort_id, index, outcome, number in rows:
            if cohort_id != cohort.id:
                continue
            if outcome == ApplicationOutcome.ACCEPTED:
                accepted += number
            elif outcome == ApplicationOutcome.DECLINED:
                declined += number
            elif counts:
                counts[min(index, len(counts) - 1)] += number
        progress.append(
            CohortProgress(
                cohort,
                [(s["name"], n) for s, n in zip(stages, counts, strict=True)],
                accepted,
                declined,
            )
        )
    return progress


def panels_without_patient_member(session: Session) -> list[Panel]:
    """Every panel, of a cohort or a challenge, on which nobody holds the patient or public
    role today (a role may have been revoked or a person disabled since it was formed)."""
    panels = session.scalars(
        sa.select(Panel)
        .options(
            selectinload(Panel.members)
            .selectinload(PanelMember.user)
            .selectinload(User.memberships)
        )
        .order_by(Panel.formed_at, Panel.id)
    )
    return [
        p
        for p in panels
        if not any(m.user.is_active and m.user.has_role(Role.PANEL_PATIENT) for m in p.members)
    ]


def challenges_awaiting_panel(session: Session) -> list[Challenge]:
    has_panel = sa.select(Panel.id).where(Panel.challenge_id == Challenge.id).exists()
    return list(
        session.scalars(
            sa.select(Challenge)
            .where(Challenge.panel_requested_at.is_not(None), ~has_panel)
            .order_by(Challenge.panel_requested_at)
        )
    )


def ready_to_decide(session: Session) -> list[FellowshipApplication]:
    """Undecided applications that every reviewer not recused has scored, at least two of
    them: the ones `decide` would accept now."""
    scored = (
        sa.select(Review.application_id)
        .where(Review.application_id.is_not(None), Review.conflict.is_(None))
        .group_by(Review.application_id)
        .having(
            sa.func.count() >= MIN_REVIEWERS,
            sa.func.count(Review.submitted_at) == sa.func.count(),
        )
    )
    return list(
        session.scalars(
            sa.select(FellowshipApplication)
            .where(FellowshipApplication.outcome.is_(None), FellowshipApplication.id.in_(scored))
            .options(
                selectinload(FellowshipApplication.applicant),
                selectinload(FellowshipApplication.cohort),
            )
            .order_by(FellowshipApplication.submitted_at, FellowshipApplication.id)
        )
    )


def overdue_milestones(session: Session, today: date | None = None) -> list[Milestone]:
    """Past-due milestones of fellows still active (a completed or withdrawn place's open
    milestones are history, not work)."""
    today = today or uk_today()
    return list(
        session.scalars(
            sa.select(Milestone)
            .join(Fellow, Fellow.id == Milestone.fellow_id)
            .where(
                Milestone.completed_on.is_(None),
                Milestone.due_on < today,
                Fellow.status == FellowStatus.ACTIVE,
            )
            .options(
                selectinload(Milestone.fellow).selectinload(Fellow.user),
                selectinload(Milestone.fellow).selectinload(Fellow.cohort),
            )
            .order_by(Milestone.due_on, Milestone.id)
        )
    )
