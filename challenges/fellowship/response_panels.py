"""Selection panels that score the responses to a challenge, when its service asks for one.

The same mechanism as the fellowship's panels: at least one patient or public member, blind
independent scores on a 0-5 scale per criterion, declared conflicts that recuse. A challenge's
panel has criteria of its own (whole-number weights adding up to 100). Nobody scores the
responses to a challenge that an organisation they act for has responded to (their own and
their competitors'). Policy check → state guard → change → audit; they flush, never commit.

Blindness: whoever holds a review on the panel that is neither scored nor recused sees no one
else's scores (results, means or reviews), whatever else they are (the team, the challenge's
service lead), until they have scored. A reviewer who has scored a response sees the other
reviews of that response, as on a cohort's panel.

Moderation, one rule everywhere (`is_moderated`): a response's result is moderated when every
reviewer not recused has scored, at least two have, and at least one of those is a patient or
public member. Before that it is provisional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from challenges.fellowship.models import Panel, PanelMember, Review
from challenges.fellowship.scoring import (
    MIN_REVIEWERS,
    PANEL_ROLES,
    check_may_score,
    check_panel_members,
    clean_criteria,
    is_moderated,
    patient_or_public_ids,
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
from marketplace.solutions.models import Solution
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
    member who acts for any organisation that has responded to this challenge (or who sent a
    response): they would be judging their own organisation or its competitors, so they are
    given none of the challenge's responses. Responses already assigned keep their reviewers;
    new responses get theirs."""
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
    members = _members(session, panel.id)
    responses = _responses(session, challenge.id)
    conflicted = {m.user_id for m in conflicted_members(members, responses)}
    reviews = []
    for response in responses:
        if response.status not in UNDER_CONSIDERATION:
            continue
        for member in members:
            if member.user_id in conflicted or (response.id, member.user_id) in assigned:
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
        {
            "challenge": challenge.id,
            "reviews": len(reviews),
            "skipped_for_a_responding_organisation": sorted(conflicted),
        },
    )
    per_reviewer: dict[int, int] = {}
    for review in reviews:
        per_reviewer[review.reviewer_id] = per_reviewer.get(review.reviewer_id, 0) + 1
    for member in members:
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


def conflicted_members(members: list[PanelMember], responses: list[Response]) -> list[PanelMember]:
    """The members who act for an organisation with a response to the challenge (whatever
    that response's state), or who sent one: they score none of the challenge's responses."""
    responders = {r.solution.organisation_id for r in responses}
    senders = {r.submitted_by_id for r in responses}
    return [
        m
        for m in members
        if m.user_id in senders
        or any(ms.organisation_id in responders for ms in m.user.active_memberships)
    ]


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
    flush_or_conflict(session, "review")
    audit.record(session, actor, "challenge.panel_conflict_declared", review.response)
    _tell_service_if_all_scored(session, review)
    return review


def score_response(session: Session, actor: User, review_id, scores, comment=None) -> Review:
    """0-5 on each of the panel's criteria, with an optional comment; final once given."""
    review = review_for_reviewer(session, actor, review_id)
    check_may_score(actor, review, "response")
    if review.response.status not in UNDER_CONSIDERATION:
        raise InvalidTransition(
            "This response is no longer under consideration "
            f"({review.response.status_label.lower()}): it is not scored"
        )
    score_review(review, scores, comment)
    flush_or_conflict(session, "review")
    audit.record(session, actor, "challenge.panel_scored", review.response)
    _tell_service_if_all_scored(session, review)
    return review


def _tell_service_if_all_scored(session: Session, review: Review) -> None:
    """Once every reviewer not recused has scored every response still under consideration,
    the challenge's service leads hear so (told once: by the review that completed the set):
    that the results are ready when every one of those responses is moderated, or how many
    stay provisional otherwise."""
    if review.response.status not in UNDER_CONSIDERATION:
        return
    panel = review.panel
    by_response: dict[int, list[Review]] = {}
    for r in _panel_reviews(session, panel.id):
        if r.response.status in UNDER_CONSIDERATION:
            by_response.setdefault(r.response_id, []).append(r)
    live = [r for reviews in by_response.values() for r in reviews if not r.recused]
    if not live or any(r.submitted_at is None for r in live):
        return
    patients = patient_or_public_ids(panel)
    provisional = sum(not is_moderated(reviews, patients) for reviews in by_response.values())
    challenge = session.get(Challenge, panel.challenge_id)
    if provisional:
        message = (
            f"The panel has finished scoring the responses to “{challenge.title}”, but "
            f"{provisional} result{'s stay' if provisional > 1 else ' stays'} provisional: "
            "fewer than two reviewers scored, or no patient or public member did."
        )
    else:
        message = (
            f"The panel has scored every response to “{challenge.title}”: the results are ready."
        )
    notify(
        session,
        members_with_roles(session, challenge.organisation_id, [Role.SERVICE_LEAD]),
        message,
        panel_link(challenge.id),
    )


# --- moderation and blindness -----------------------------------------------------------------


def still_to_score(session: Session, actor: User, panel_id: int) -> bool:
    """Whether the actor holds a review of a response on this panel that is neither scored nor
    recused: if so they see nobody else's scores (the panel scores blind)."""
    return (
        session.scalar(
            sa.select(Review.id)
            .where(
                Review.panel_id == panel_id,
                Review.reviewer_id == getattr(actor, "id", None),
                Review.response_id.is_not(None),
                Review.submitted_at.is_(None),
                Review.conflict.is_(None),
            )
            .limit(1)
        )
        is not None
    )


# --- what people see --------------------------------------------------------------------------


def visible_response_reviews(session: Session, actor: User, response_id) -> list[Review]:
    """The reviews of one response, as this person may see them.

    A reviewer of the response sees only their own review until they have scored it, then
    every review of it. The team and the challenge's service lead see each reviewer's scores and
    comments only once the response's result is moderated (`is_moderated`); before that they
    see none here, and `panel_results` gives them the provisional aggregate, marked as such.
    Anyone (team or lead included) who still has a review on the panel to score sees no
    reviews but their own."""
    response = get_by_id(session, Response, response_id)
    if response is None:
        raise NotFound("There is no such response")
    reviews = list(
        session.scalars(
            sa.select(Review)
            .options(selectinload(Review.reviewer))
            .where(Review.response_id == response.id)
            .order_by(Review.id)
        )
    )
    own = next((r for r in reviews if r.reviewer_id == getattr(actor, "id", None)), None)
    if own is not None:
        return reviews if own.submitted_at is not None else [own]
    if policy.may_see_panel_scores(actor, response.challenge):
        panel = panel_of(session, response.challenge_id)
        if panel is None or still_to_score(session, actor, panel.id):
            return []
        return reviews if is_moderated(reviews, patient_or_public_ids(panel)) else []
    raise Forbidden("The reviews are for the panel, the challenge's service and the team")


def panel_of(session: Session, challenge_id) -> Panel | None:
    if not isinstance(challenge_id, int) or not 1 <= challenge_id <= MAX_ID:
        return None
    return session.scalar(sa.select(Panel).where(Panel.challenge_id == challenge_id))


def my_response_reviews(session: Session, actor: User, challenge_id=None) -> list[Review]:
    """The actor's own assignments to responses, optionally for one challenge."""
    statement = (
        sa.select(Review)
        .options(selectinload(Review.response).selectinload(Response.solution))
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
    patient_scored: bool = False  # a patient or public member is among those who scored
    rank: int | None = None

    @property
    def assigned(self) -> bool:
        return self.scored + self.waiting + self.recused > 0

    @property
    def moderated(self) -> bool:
        """`is_moderated`: every reviewer not recused has scored, at least two have, and one
        of them is a patient or public member."""
        return self.waiting == 0 and self.scored >= MIN_REVIEWERS and self.patient_scored


@dataclass
class PanelResults:
    challenge: Challenge
    panel: Panel | None
    criteria: list[dict] = field(default_factory=list)
    rows: list[ResponseResult] = field(default_factory=list)
    # The viewer still has responses of their own to score: nobody else's scores are shown.
    withheld: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(r.moderated for r in self.rows)


def panel_results(session: Session, actor: User, challenge_id) -> PanelResults:
    """Each response with its weighted score out of 100, the mean per criterion and how many
    reviewers scored, are still to score and are recused; moderated results (`is_moderated`)
    first, ranked by score (equal scores share a rank). Provisional scores follow, marked as
    such. A viewer who still has a response of their own to score on the panel is shown no
    rows at all (``withheld``) until they have scored."""
    challenge = _visible_challenge(session, actor, challenge_id)
    if not policy.may_see_panel_scores(actor, challenge):
        raise Forbidden("The panel's results are for the challenge's service and the team")
    panel = panel_of(session, challenge.id)
    if panel is None:
        return PanelResults(challenge, None)
    if still_to_score(session, actor, panel.id):
        return PanelResults(challenge, panel, panel.criteria, withheld=True)
    patients = patient_or_public_ids(panel)
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
                patient_scored=any(r.reviewer_id in patients for r in done),
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
    # For the team: members given none of the responses, as they act for a responder.
    conflicted: list[PanelMember] = field(default_factory=list)


def panel_overview(session: Session, actor: User, challenge_id) -> PanelOverview:
    """The panel page of a challenge: for its service lead and the team (with the results, as
    `panel_results` shows them to this person), and for the panel's members (with their own
    assignments only)."""
    challenge = _visible_challenge(session, actor, challenge_id)
    panel = panel_of(session, challenge.id)
    members = _members(session, panel.id) if panel else []
    sees_results = policy.may_see_panel_scores(actor, challenge)
    if not sees_results and actor.id not in {m.user_id for m in members}:
        raise Forbidden("The panel page is for the challenge's service, the team and the panel")
    conflicted = []
    if panel and policy.may_run_fellowship(actor):
        conflicted = conflicted_members(members, _responses(session, challenge.id))
    return PanelOverview(
        challenge=challenge,
        panel=panel,
        my_reviews=my_response_reviews(session, actor, challenge.id),
        results=panel_results(session, actor, challenge.id) if sees_results and panel else None,
        conflicted=conflicted,
    )


# --- helpers ---------------------------------------------------------------------------------


def _visible_challenge(session: Session, actor: User, challenge_id) -> Challenge:
    challenge = get_by_id(session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("There is no such challenge")
    return challenge


def _responses(session: Session, challenge_id: int) -> list[Response]:
    """The challenge's responses with their solutions and organisations (the pages, the
    results and the conflict check read both for each)."""
    return list(
        session.scalars(
            sa.select(Response)
            .options(selectinload(Response.solution).selectinload(Solution.organisation))
            .where(Response.challenge_id == challenge_id)
            .order_by(Response.submitted_at, Response.id)
        )
    )


def _members(session: Session, panel_id: int) -> list[PanelMember]:
    """A panel's members with their people and those people's memberships (and their
    organisations), loaded at once: the conflict check reads each one's memberships."""
    return list(
        session.scalars(
            sa.select(PanelMember)
            .options(
                selectinload(PanelMember.user)
                .selectinload(User.memberships)
                .selectinload(Membership.organisation)
            )
            .where(PanelMember.panel_id == panel_id)
            .order_by(PanelMember.user_id)
        )
    )


def panel_candidates(session: Session) -> list[User]:
    """Active people holding a panel role or the innovation team role now (as
    queries.panel_candidates), with their memberships' organisations loaded at once: the
    panel form names each person's organisations."""
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
        .options(selectinload(User.memberships).selectinload(Membership.organisation))
        .distinct()
        .order_by(User.name, User.id)
    )
    return [p for p in people if any(p.has_role(r) for r in PANEL_ROLES)]


def _panel_reviews(session: Session, panel_id: int) -> list[Review]:
    return list(
        session.scalars(
            sa.select(Review)
            .options(selectinload(Review.response))
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
