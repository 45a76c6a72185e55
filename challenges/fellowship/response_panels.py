"""Selection panels that score the responses to a challenge, when its service asks for one.

The same mechanism as the fellowship's panels: at least one patient or public member, blind
independent scores on a 0-5 scale per criterion, declared conflicts that recuse. A challenge's
panel has criteria of its own (whole-number weights adding up to 100). Nobody scores a response
from an organisation they act for. Policy check → state guard → change → audit; they flush,
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from challenges.fellowship.models import Panel, PanelMember, Review
from challenges.fellowship.services import (
    MIN_REVIEWERS,
    check_may_score,
    check_panel_members,
    clean_criteria,
    record_conflict,
    score_review,
    weighted_total,
)
from challenges.models import Challenge, Response
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, Role, User
from marketplace.db import MAX_ID, flush_or_conflict, get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, InvalidTransition, NotFound
from marketplace.notifications.services import members_with_roles, notify
from marketplace.validation import FieldErrors, clean_line

# A challenge that takes, or has taken, responses; drafts and withdrawn ones have none to score.
PANEL_STATUSES = {"open", "closed"}
UNDER_CONSIDERATION = {"submitted", "shortlisted"}


def panel_link(challenge_id: int) -> str:
    return f"/challenges/{challenge_id}/panel"


def review_link(review_id: int) -> str:
    return f"/challenges/panel-reviews/{review_id}"


# --- asking for a panel and forming it -------------------------------------------------------


def request_panel(session: Session, actor: User, challenge_id) -> Challenge:
    """The challenge's service lead asks the innovation team for a panel, once."""
    challenge = _visible_challenge(session, actor, challenge_id)
    if not policy.may_request_panel(actor, challenge):
        raise Forbidden("Only the challenge's service lead asks for a panel")
    if challenge.panel_requested_at is not None:
        raise InvalidTransition("A panel has already been asked for")
    if challenge.status not in PANEL_STATUSES:
        raise InvalidTransition(
            f"This challenge is {challenge.status}: only a published or closed challenge "
            "has responses for a panel to score"
        )
    challenge.panel_requested_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.panel_requested", challenge)
    notify(
        session,
        _innovation_team(session),
        f"{challenge.organisation.name} asks for a panel to score the responses to "
        f"“{challenge.title}”.",
        panel_link(challenge.id),
    )
    return challenge


def form_challenge_panel(
    session: Session, actor: User, challenge_id, name, member_ids, criteria
) -> Panel:
    """The team forms the panel a service asked for: its criteria and its members (the same
    member rules as a cohort's panel)."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team forms panels")
    challenge = _visible_challenge(session, actor, challenge_id)
    if challenge.panel_requested_at is None:
        raise InvalidTransition("The challenge's service has not asked for a panel")
    if challenge.status not in PANEL_STATUSES:
        raise InvalidTransition(f"This challenge is {challenge.status}: it needs no panel")
    if panel_of(session, challenge.id) is not None:
        raise Conflict("This challenge already has a panel")
    errors = FieldErrors()
    name = clean_line(errors, "name", name, label="the panel's name", max_length=150)
    cleaned = clean_criteria(errors, criteria)
    people = check_panel_members(session, errors, member_ids)
    errors.raise_if_any()
    panel = Panel(challenge_id=challenge.id, name=name, criteria=cleaned)
    session.add(panel)
    for person in people:
        session.add(
            PanelMember(
                panel=panel,
                user_id=person.id,
                patient_or_public=person.has_role(Role.PANEL_PATIENT),
            )
        )
    # Of two people forming a panel at once, the second gets a Conflict rather than a second
    # panel: the challenge's version moves, and the database holds one panel per challenge.
    challenge.updated_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(
        session,
        actor,
        "challenge.panel_formed",
        panel,
        {"challenge": challenge.id, "members": len(people), "criteria": cleaned},
    )
    return panel


# --- assigning responses -----------------------------------------------------------------


def assign_responses(session: Session, actor: User, panel_id) -> list[Review]:
    """Every member of the panel reviews every response still under consideration, except a
    response from an organisation they act for. Responses already assigned keep their
    reviewers; new responses get theirs."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team assigns responses to a panel")
    panel = get_by_id(session, Panel, panel_id)
    if panel is None or panel.challenge_id is None:
        raise NotFound("There is no such challenge panel")
    challenge = session.get(Challenge, panel.challenge_id)
    if challenge.status not in PANEL_STATUSES:
        raise InvalidTransition(f"This challenge is {challenge.status}: nothing is to be scored")
    assigned = {
        (response_id, reviewer_id)
        for response_id, reviewer_id in session.execute(
            sa.select(Review.response_id, Review.reviewer_id).where(Review.panel_id == panel.id)
        )
    }
    reviews = []
    for response in _responses(session, challenge.id):
        if response.status not in UNDER_CONSIDERATION:
            continue
        for member in panel.members:
            if (response.id, member.user_id) in assigned or _acts_for_responder(
                member.user, response
            ):
                continue
            reviews.append(
                Review(response_id=response.id, panel_id=panel.id, reviewer_id=member.user_id)
            )
    try:
        with session.begin_nested():  # two people assigning at once: the second loses cleanly
            session.add_all(reviews)
            session.flush()
    except IntegrityError:
        raise Conflict("These responses were assigned at the same time. Reload the page.") from None
    audit.record(
        session,
        actor,
        "challenge.panel_assigned",
        panel,
        {"challenge": challenge.id, "reviews": len(reviews)},
    )
    per_reviewer: dict[int, int] = {}
    for review in reviews:
        per_reviewer[review.reviewer_id] = per_reviewer.get(review.reviewer_id, 0) + 1
    for member in panel.members:
        count = per_reviewer.get(member.user_id)
        if count:
            notify(
                session,
                [member.user],
                f"You have {count} response{'s' if count > 1 else ''} to “{challenge.title}” "
                "to score on the panel.",
                panel_link(challenge.id),
            )
    return reviews


def _acts_for_responder(user: User, response: Response) -> bool:
    """Someone who acts for the responding organisation, or who sent the response, cannot
    judge it."""
    return user.id == response.submitted_by_id or any(
        m.organisation_id == response.solution.organisation_id for m in user.active_memberships
    )


# --- reviewers: conflicts and scores ----------------------------------------------------------


def review_for_reviewer(session: Session, actor: User, review_id) -> Review:
    """A reviewer's own assignment to a response; anyone else's is as good as missing."""
    review = get_by_id(session, Review, review_id)
    if (
        review is None
        or review.response_id is None
        or review.reviewer_id != getattr(actor, "id", None)
    ):
        raise NotFound("You are not reviewing this response")
    return review


def declare_response_conflict(session: Session, actor: User, review_id, reason) -> Review:
    review = review_for_reviewer(session, actor, review_id)
    record_conflict(review, reason, "response")
    session.flush()
    audit.record(session, actor, "challenge.panel_conflict_declared", review.response)
    _tell_service_if_all_scored(session, review)
    return review


def score_response(session: Session, actor: User, review_id, scores, comment=None) -> Review:
    """0-5 on each of the panel's criteria, with an optional comment; final once given."""
    review = review_for_reviewer(session, actor, review_id)
    check_may_score(actor, review, "response")
    score_review(review, scores, comment)
    session.flush()
    audit.record(session, actor, "challenge.panel_scored", review.response)
    _tell_service_if_all_scored(session, review)
    return review


def _tell_service_if_all_scored(session: Session, review: Review) -> None:
    """Once every reviewer not recused has scored every response still under consideration,
    the challenge's service leads hear that the results are ready (told once: by the review
    that completed the set)."""
    if review.response.status not in UNDER_CONSIDERATION:
        return
    panel = review.panel
    reviews = [r for r in _panel_reviews(session, panel.id) if not r.recused]
    live = [r for r in reviews if r.response.status in UNDER_CONSIDERATION]
    if not live or any(r.submitted_at is None for r in live):
        return
    challenge = session.get(Challenge, panel.challenge_id)
    notify(
        session,
        members_with_roles(session, challenge.organisation_id, [Role.SERVICE_LEAD]),
        f"The panel has scored every response to “{challenge.title}”: the results are ready.",
        panel_link(challenge.id),
    )


# --- what people see --------------------------------------------------------------------------


def visible_response_reviews(session: Session, actor: User, response_id) -> list[Review]:
    """A reviewer sees only their own review until they have submitted it, then everyone's;
    the team and the challenge's service lead see them all once every reviewer not recused
    has scored (nothing before, so that nobody is swayed by early scores)."""
    response = get_by_id(session, Response, response_id)
    if response is None:
        raise NotFound("There is no such response")
    reviews = list(
        session.scalars(
            sa.select(Review).where(Review.response_id == response.id).order_by(Review.id)
        )
    )
    own = next((r for r in reviews if r.reviewer_id == getattr(actor, "id", None)), None)
    if own is not None:
        return reviews if own.submitted_at is not None else [own]
    if policy.may_see_panel_scores(actor, response.challenge):
        complete = any(not r.recused for r in reviews) and all(
            r.submitted_at is not None for r in reviews if not r.recused
        )
        return reviews if complete else []
    raise Forbidden("The reviews are for the panel, the challenge's service and the team")


def panel_of(session: Session, challenge_id) -> Panel | None:
    if not isinstance(challenge_id, int) or not 1 <= challenge_id <= MAX_ID:
        return None
    return session.scalar(sa.select(Panel).where(Panel.challenge_id == challenge_id))


def my_response_reviews(session: Session, actor: User, challenge_id=None) -> list[Review]:
    """The actor's own assignments to responses, optionally for one challenge."""
    statement = (
        sa.select(Review)
        .join(Panel, Panel.id == Review.panel_id)
        .where(Review.reviewer_id == actor.id, Review.response_id.is_not(None))
        .order_by(Review.id)
    )
    if challenge_id is not None:
        statement = statement.where(Panel.challenge_id == challenge_id)
    return list(session.scalars(statement))


@dataclass
class ResponseResult:
    response: Response
    score: float | None  # weighted, out of 100
    means: dict[str, float | None]
    scored: int
    waiting: int
    recused: int
    rank: int | None = None

    @property
    def assigned(self) -> bool:
        return self.scored + self.waiting + self.recused > 0

    @property
    def moderated(self) -> bool:
        """Every reviewer not recused has scored, and at least two have."""
        return self.waiting == 0 and self.scored >= MIN_REVIEWERS


@dataclass
class PanelResults:
    challenge: Challenge
    panel: Panel | None
    criteria: list[dict] = field(default_factory=list)
    rows: list[ResponseResult] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(r.moderated for r in self.rows)


def panel_results(session: Session, actor: User, challenge_id) -> PanelResults:
    """Each response with its weighted score out of 100, the mean per criterion and how many
    reviewers scored, are still to score and are recused; moderated results first, ranked by
    score (equal scores share a rank). Provisional scores follow, marked as such."""
    challenge = _visible_challenge(session, actor, challenge_id)
    if not policy.may_see_panel_scores(actor, challenge):
        raise Forbidden("The panel's results are for the challenge's service and the team")
    panel = panel_of(session, challenge.id)
    if panel is None:
        return PanelResults(challenge, None)
    by_response: dict[int, list[Review]] = {}
    for review in _panel_reviews(session, panel.id):
        by_response.setdefault(review.response_id, []).append(review)
    rows = []
    for response in _responses(session, challenge.id):
        reviews = by_response.get(response.id, [])
        if not reviews and response.status not in UNDER_CONSIDERATION:
            continue
        done = [r for r in reviews if r.submitted_at is not None and not r.recused]
        rows.append(
            ResponseResult(
                response=response,
                score=weighted_total(panel.criteria, reviews),
                means={
                    c["name"]: round(sum(r.scores[c["name"]] for r in done) / len(done), 1)
                    if done
                    else None
                    for c in panel.criteria
                },
                scored=len(done),
                waiting=sum(1 for r in reviews if r.submitted_at is None and not r.recused),
                recused=sum(1 for r in reviews if r.recused),
            )
        )
    rows.sort(
        key=lambda r: (
            not r.moderated,
            r.score is None,
            -(r.score or 0),
            r.response.submitted_at,
            r.response.id,
        )
    )
    previous = None
    for position, row in enumerate((r for r in rows if r.moderated), start=1):
        row.rank = previous.rank if previous and previous.score == row.score else position
        previous = row
    return PanelResults(challenge, panel, panel.criteria, rows)


@dataclass
class PanelOverview:
    """What the challenge's panel page shows to one person."""

    challenge: Challenge
    panel: Panel | None
    my_reviews: list[Review]
    results: PanelResults | None


def panel_overview(session: Session, actor: User, challenge_id) -> PanelOverview:
    """The panel page of a challenge: for its service lead and the team (with the results), and
    for the panel's members (with their own assignments only)."""
    challenge = _visible_challenge(session, actor, challenge_id)
    panel = panel_of(session, challenge.id)
    members = {m.user_id for m in panel.members} if panel else set()
    sees_results = policy.may_see_panel_scores(actor, challenge)
    if not sees_results and actor.id not in members:
        raise Forbidden("The panel page is for the challenge's service, the team and the panel")
    return PanelOverview(
        challenge=challenge,
        panel=panel,
        my_reviews=my_response_reviews(session, actor, challenge.id),
        results=panel_results(session, actor, challenge.id) if sees_results and panel else None,
    )


# --- helpers ---------------------------------------------------------------------------------


def _visible_challenge(session: Session, actor: User, challenge_id) -> Challenge:
    challenge = get_by_id(session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("There is no such challenge")
    return challenge


def _responses(session: Session, challenge_id: int) -> list[Response]:
    return list(
        session.scalars(
            sa.select(Response)
            .where(Response.challenge_id == challenge_id)
            .order_by(Response.submitted_at, Response.id)
        )
    )


def _panel_reviews(session: Session, panel_id: int) -> list[Review]:
    return list(
        session.scalars(
            sa.select(Review)
            .where(Review.panel_id == panel_id, Review.response_id.is_not(None))
            .order_by(Review.id)
        )
    )


def _innovation_team(session: Session) -> list[User]:
    people = session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.INNOVATION_TEAM)
        .distinct()
    )
    return [p for p in people if p.has_role(Role.INNOVATION_TEAM)]
