"""What waits for a person now, by the roles they hold: the home page's lists.

Each line is one count made by the database (a statement per line, whatever the number of
rows), with the link where the work is done. Lines with nothing waiting are left out; a role
with nothing waiting says what to do next instead. This is the first part of the home page per
role: service leads, innovators and fellows, procurement officers, reviewers and panel members,
adopters, and the innovation team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.fellowship.models import Review
from challenges.models import Challenge, Response
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, Organisation, Role
from marketplace.db import uk_today, utcnow
from marketplace.solutions.models import Enquiry, Maturity, Solution
from procurement.dps.models import (
    Application,
    ApplicationStatus,
    Award,
    CallOff,
    Clarification,
    PurchasingSystem,
)
from procurement.testbeds.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    Signature,
)

RECENT = timedelta(days=30)  # how long a decided response or a new product stays news
DUE_SOON = timedelta(days=7)  # supplier applications to decide this week
PANEL_ROLES = (Role.PANEL_PATIENT, Role.PANEL_PROFESSIONAL)


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
    officer_for = _organisations(user, (Role.PROCUREMENT_OFFICER,))
    if officer_for:
        sections.append(_officer(session, officer_for))
    reviews = _reviews(session, user)
    if reviews.tasks or _organisations(user, PANEL_ROLES):
        sections.append(reviews)
    if _organisations(user, (Role.ADOPTER,)):
        sections.append(_adopter(session))
    if policy.is_innovation_team(user):
        sections.append(_team(session))
    return sections


def _organisations(user, roles) -> list[int]:
    return sorted({m.organisation_id for m in user.active_memberships if m.role in roles})


def _count(session: Session, statement) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0


def _kept(*tasks: Task) -> list[Task]:
    return [task for task in tasks if task.count]


def _to_sign(party) -> sa.Select:
    """Agreements sent for signature that this party (the host's or the innovator's
    organisation column) has not signed: signatures are on the version sent, the latest."""
    sent = (
        sa.select(AgreementVersion.id)
        .where(AgreementVersion.agreement_id == Agreement.id)
        .order_by(AgreementVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    signed = sa.exists().where(
        Signature.agreement_id == Agreement.id,
        Signature.organisation_id == party,
        Signature.version_id == sent,
    )
    return sa.select(Agreement.id).where(
        Agreement.status == AgreementStatus.AWAITING_SIGNATURE, ~signed
    )


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
                _count(
                    session,
                    _to_sign(Agreement.host_organisation_id).where(
                        Agreement.host_organisation_id.in_(organisations)
                    ),
                ),
                "1 test-bed agreement waiting for your service's signature",
                "{count} test-bed agreements waiting for your service's signature",
                "/testbeds/mine",
            ),
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
                _count(
                    session,
                    _to_sign(Agreement.innovator_organisation_id).where(
                        Agreement.innovator_organisation_id.in_(organisations)
                    ),
                ),
                "1 test-bed agreement waiting for your signature",
                "{count} test-bed agreements waiting for your signature",
                "/testbeds/mine",
            ),
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


def _officer(session: Session, organisations: list[int]) -> Section:
    waiting = (
        sa.select(Application.id)
        .join(PurchasingSystem, PurchasingSystem.id == Application.system_id)
        .where(
            PurchasingSystem.organisation_id.in_(organisations),
            Application.status == ApplicationStatus.SUBMITTED,
        )
    )
    due = sa.func.coalesce(Application.extended_to, Application.due_on)
    today = uk_today()
    theirs = sa.select(CallOff.id).where(CallOff.buyer_organisation_id.in_(organisations))
    return Section(
        "Purchasing",
        _kept(
            Task(
                _count(session, waiting.where(due < today)),
                "1 supplier application past its decision date",
                "{count} supplier applications past their decision date",
                "/dps",
            ),
            Task(
                _count(session, waiting.where(due >= today, due <= today + DUE_SOON)),
                "1 supplier application to decide within 7 days",
                "{count} supplier applications to decide within 7 days",
                "/dps",
            ),
            Task(
                _count(
                    session,
                    theirs.where(
                        CallOff.closes_at <= utcnow(),
                        ~sa.exists().where(Award.call_off_id == CallOff.id),
                    ),
                ),
                "1 closed call-off to score and award",
                "{count} closed call-offs to score and award",
                "/dps/call-offs",
            ),
            Task(
                _count(
                    session,
                    sa.select(Clarification.id)
                    .join(CallOff, CallOff.id == Clarification.call_off_id)
                    .where(
                        CallOff.buyer_organisation_id.in_(organisations),
                        Clarification.answered_at.is_(None),
                    ),
                ),
                "1 clarification question to answer",
                "{count} clarification questions to answer",
                "/dps/call-offs",
            ),
        ),
        "Nothing waits for you: no application to decide, call-off to award or question to answer.",
        [("Purchasing systems", "/dps"), ("Call-offs", "/dps/call-offs")],
    )


def _reviews(session: Session, user) -> Section:
    return Section(
        "Reviews",
        _kept(
            Task(
                _count(
                    session,
                    sa.select(Review.id).where(
                        Review.reviewer_id == user.id,
                        Review.submitted_at.is_(None),
                        Review.conflict.is_(None),
                    ),
                ),
                "1 review to score",
                "{count} reviews to score",
                "/fellowship/reviews",
            )
        ),
        "No review waits for you. The innovation team will ask when a panel needs you.",
    )


def _adopter(session: Session) -> Section:
    new = sa.select(Solution.id).where(
        Solution.maturity == Maturity.MARKET_READY,
        Solution.published_at >= utcnow() - RECENT,
        Solution.withdrawn_at.is_(None),
    )
    return Section(
        "Finding products",
        _kept(
            Task(
                _count(session, new),
                "1 market-ready product published in the last 30 days",
                "{count} market-ready products published in the last 30 days",
                "/catalogue",
            )
        ),
        "No new market-ready product in the last 30 days.",
        [("Search the catalogue", "/catalogue")],
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
