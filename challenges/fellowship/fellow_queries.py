"""The read side of fellows: one fellow's history across years, a cohort's fellows with their
progress, a mentor's mentees and a fellow's own places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, selectinload

from challenges.fellowship.fellows import chain_of, visible_fellow
from challenges.fellowship.models import (
    Attendance,
    Cohort,
    Fellow,
    LearningSession,
    Milestone,
    ProgressUpdate,
)
from marketplace.accounts import policy
from marketplace.accounts.models import User
from marketplace.db import get_by_id, uk_today
from marketplace.errors import Forbidden, NotFound


@dataclass
class Progress:
    """A fellow's place with the figures the team follows."""

    fellow: Fellow
    milestones_done: int = 0
    milestones_total: int = 0
    overdue: int = 0
    sessions_attended: int = 0
    sessions_recorded: int = 0

    @property
    def attendance_rate(self) -> int | None:
        """Per cent of the sessions recorded for this fellow that they attended."""
        if not self.sessions_recorded:
            return None
        return round(100 * self.sessions_attended / self.sessions_recorded)


@dataclass
class Year:
    """One year's place in a fellow's history, with what happened in it."""

    fellow: Fellow
    milestones: list[Milestone] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)
    attendance: list[tuple[LearningSession, Attendance | None]] = field(default_factory=list)


def progress_of(
    session: Session, fellows: list[Fellow], today: date | None = None
) -> list[Progress]:
    today = today or uk_today()
    ids = [f.id for f in fellows]
    rows = {f.id: Progress(f) for f in fellows}
    if not ids:
        return []
    for milestone in session.scalars(sa.select(Milestone).where(Milestone.fellow_id.in_(ids))):
        row = rows[milestone.fellow_id]
        row.milestones_total += 1
        row.milestones_done += milestone.completed_on is not None
        row.overdue += milestone.overdue(today)
    for record in session.scalars(sa.select(Attendance).where(Attendance.fellow_id.in_(ids))):
        row = rows[record.fellow_id]
        row.sessions_recorded += 1
        row.sessions_attended += record.attended
    return [rows[i] for i in ids]


def cohort_fellows(session: Session, actor: User, cohort_id) -> tuple[Cohort, list[Progress]]:
    """A cohort's fellows with milestones done of total, overdue milestones and attendance (the
    team)."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team follows a cohort's fellows")
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    fellows = list(
        session.scalars(
            sa.select(Fellow)
            .where(Fellow.cohort_id == cohort.id)
            .join(User, User.id == Fellow.user_id)
            .order_by(User.name, Fellow.id)
            .options(selectinload(Fellow.user), selectinload(Fellow.mentor))
        )
    )
    return cohort, progress_of(session, fellows)


def history(session: Session, actor: User, fellow_id) -> list[Year]:
    """Every year of this person's fellowship that leads to or from this place and that the
    actor may see, earliest first, each with its milestones, progress updates (newest first) and
    attendance. A mentor replaced in a later year sees only the years they mentored."""
    fellow = visible_fellow(session, actor, fellow_id)
    return [
        _year(session, place)
        for place in chain_of(session, fellow)
        if policy.may_view_fellow(actor, place)
    ]


def _year(session: Session, fellow: Fellow) -> Year:
    updates = session.scalars(
        sa.select(ProgressUpdate)
        .filter_by(fellow_id=fellow.id)
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    )
    sessions = session.scalars(
        sa.select(LearningSession)
        .filter_by(cohort_id=fellow.cohort_id)
        .order_by(LearningSession.held_on, LearningSession.id)
    ).all()
    records = {
        a.session_id: a
        for a in session.scalars(sa.select(Attendance).filter_by(fellow_id=fellow.id))
    }
    return Year(
        fellow=fellow,
        milestones=list(fellow.milestones),
        updates=list(updates),
        attendance=[(s, records.get(s.id)) for s in sessions],
    )


def mentees(session: Session, actor: User) -> list[Progress]:
    """The fellows this person mentors, current places first."""
    fellows = session.scalars(
        sa.select(Fellow)
        .where(Fellow.mentor_id == actor.id)
        .order_by(Fellow.status, Fellow.id.desc())
        .options(selectinload(Fellow.user), selectinload(Fellow.cohort))
    ).all()
    return progress_of(session, list(fellows))


def my_fellowship(session: Session, actor: User) -> list[Fellow]:
    """This person's own places, latest first."""
    return list(
        session.scalars(
            sa.select(Fellow)
            .where(Fellow.user_id == actor.id)
            .order_by(Fellow.year_of_fellowship.desc(), Fellow.id.desc())
            .options(selectinload(Fellow.cohort), selectinload(Fellow.mentor))
        )
    )


def learning_sessions(
    session: Session, actor: User, cohort_id
) -> tuple[Cohort, list[LearningSession], list[Fellow], dict]:
    """A cohort's learning sessions, its fellows and the register: {(session, fellow): attended}."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team keeps the attendance register")
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    sessions = session.scalars(
        sa.select(LearningSession)
        .filter_by(cohort_id=cohort.id)
        .order_by(LearningSession.held_on, LearningSession.id)
    ).all()
    fellows = session.scalars(
        sa.select(Fellow)
        .where(Fellow.cohort_id == cohort.id)
        .join(User, User.id == Fellow.user_id)
        .order_by(User.name, Fellow.id)
        .options(contains_eager(Fellow.user))
    ).all()
    register = {
        (a.session_id, a.fellow_id): a.attended
        for a in session.scalars(
            sa.select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions]))
        )
    }
    return cohort, list(sessions), list(fellows), register


def later_cohorts(session: Session, fellow: Fellow) -> list[Cohort]:
    """Cohorts a fellow could carry on into: later years, where they hold no place yet."""
    taken = sa.select(Fellow.cohort_id).where(Fellow.user_id == fellow.user_id)
    return list(
        session.scalars(
            sa.select(Cohort)
            .where(Cohort.year > fellow.cohort.year, Cohort.id.not_in(taken))
            .order_by(Cohort.year, Cohort.id)
        )
    )


def active_people(session: Session, exclude: int | None = None) -> list[User]:
    """People who could mentor: active users other than the fellow."""
    statement = sa.select(User).where(User.disabled_at.is_(None)).order_by(User.name, User.id)
    if exclude is not None:
        statement = statement.where(User.id != exclude)
    return list(session.scalars(statement.limit(500)))
