"""What waits for a person now, by the roles they hold: the home page's lists.

Each line is one count made by the database (a statement per line, whatever the number of
rows), with the link where the work is done. Lines with nothing waiting are left out; a role
with nothing waiting says what to do next instead. This is the first part of the home page per
role: service leads, innovators and fellows, and the innovation team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge, Response
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, Organisation, Role
from marketplace.db import utcnow
from marketplace.solutions.models import Enquiry, Solution

RECENT = timedelta(days=30)  # how long a decided response stays news


@dataclass(frozen=True)
class Task:
    count: int
    one: str  # the line when there is one
    many: str  # the line for more, with {count}
    href: str

    @property
    def text(self) -> str:
        return self.one if self.count == 1 else self.many.format(count=self.count)


@dataclass(frozen=True)
class Section:
    heading: str
    tasks: list[Task]
    empty: str  # said when nothing waits
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, href)


def waiting_for(session: Session, user) -> list[Section]:
    sections = []
    lead_of = _organisations(user, (Role.SERVICE_LEAD,))
    if lead_of:
        sections.append(_service_lead(session, lead_of))
    innovator_for = _organisations(user, policy.SOLUTION_ROLES)
    if innovator_for:
        sections.append(_innovator(session, innovator_for))
    if policy.is_innovation_team(user):
        sections.append(_team(session))
    return sections


def _organisations(user, roles) -> list[int]:
    return sorted({m.organisation_id for m in user.active_memberships if m.role in roles})


def _count(session: Session, statement) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0


def _kept(*tasks: Task) -> list[Task]:
    return [task for task in tasks if task.count]


def _service_lead(session: Session, organisations: list[int]) -> Section:
    theirs = sa.select(Challenge.id).where(Challenge.organisation_id.in_(organisations))
    drafts = theirs.where(Challenge.status == "draft")
    responses = (
        sa.select(Response.id)
        .join(Challenge, Challenge.id == Response.challenge_id)
        .where(Challenge.organisation_id.in_(organisations), Response.status == "submitted")
    )
    return Section(
        "Your challenges",
        _kept(
            Task(
                _count(session, drafts.where(Challenge.returned_at.is_not(None))),
                "1 challenge returned with the team's comments",
                "{count} challenges returned with the team's comments",
                "/challenges/mine",
            ),
            Task(
                _count(session, drafts.where(Challenge.returned_at.is_(None))),
                "1 draft to finish and submit",
                "{count} drafts to finish and submit",
                "/challenges/mine",
            ),
            Task(
                _count(session, responses),
                "1 response from an innovator to decide on",
                "{count} responses from innovators to decide on",
                "/challenges/mine",
            ),
            Task(
                _count(session, theirs.where(Challenge.status == "open")),
                "1 open challenge: see the solutions that fit it",
                "{count} open challenges: see the solutions that fit them",
                "/challenges/mine",
            ),
        ),
        "Nothing waits for you. Post a challenge to describe a need your service has.",
        [("Post a challenge", "/challenges/new")],
    )


def _innovator(session: Session, organisations: list[int]) -> Section:
    solutions = sa.select(Solution.id).where(Solution.organisation_id.in_(organisations))
    published = solutions.where(Solution.published_at.is_not(None), Solution.withdrawn_at.is_(None))
    enquiries = (
        sa.select(Enquiry.id)
        .join(Solution, Solution.id == Enquiry.solution_id)
        .where(Solution.organisation_id.in_(organisations), Enquiry.answered_at.is_(None))
    )
    decided = (
        sa.select(Response.id)
        .join(Solution, Solution.id == Response.solution_id)
        .where(Solution.organisation_id.in_(organisations))
    )
    since = utcnow() - RECENT
    return Section(
        "Your solutions",
        _kept(
            Task(
                _count(session, enquiries),
                "1 enquiry from a buyer to answer",
                "{count} enquiries from buyers to answer",
                "/enquiries",
            ),
            Task(
                _count(session, decided.where(Response.shortlisted_at >= since)),
                "1 response shortlisted in the last 30 days",
                "{count} responses shortlisted in the last 30 days",
                "/challenges/responses/mine",
            ),
            Task(
                _count(session, decided.where(Response.declined_at >= since)),
                "1 response not taken forward in the last 30 days, with the reason",
                "{count} responses not taken forward in the last 30 days, with the reasons",
                "/challenges/responses/mine",
            ),
            Task(
                _count(session, solutions.where(Solution.published_at.is_(None))),
                "1 solution not yet published",
                "{count} solutions not yet published",
                "/solutions/mine",
            ),
            Task(
                _count(session, published),
                "1 published solution: see the challenges that fit it",
                "{count} published solutions: see the challenges that fit them",
                "/matches",
            ),
        ),
        "Nothing waits for you. Describe a solution so services with a need for it can find it.",
        [("Record a solution", "/solutions/new")],
    )


def _team(session: Session) -> Section:
    return Section(
        "Innovation team",
        _kept(
            Task(
                _count(session, sa.select(Challenge.id).where(Challenge.status == "submitted")),
                "1 challenge to review",
                "{count} challenges to review",
                "/challenges/review",
            ),
            Task(
                _count(
                    session,
                    sa.select(Organisation.id).where(
                        Organisation.approved_at.is_(None), Organisation.rejected_at.is_(None)
                    ),
                ),
                "1 organisation waiting for approval",
                "{count} organisations waiting for approval",
                "/admin/organisations?status=pending",
            ),
            Task(
                _count(
                    session,
                    sa.select(Membership.id).where(
                        Membership.granted_at.is_(None),
                        Membership.declined_at.is_(None),
                        Membership.revoked_at.is_(None),
                    ),
                ),
                "1 role request to decide",
                "{count} role requests to decide",
                "/admin/memberships?status=requested",
            ),
        ),
        "Nothing waits for the team: no challenge to review, organisation or role request.",
        [
            ("Audit log", "/admin/audit"),
            ("Fellowship selection queue", "/fellowship/queue"),
            ("How fits are ranked", "/matching/weights"),
        ],
    )
