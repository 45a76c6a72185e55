"""Scoring by a selection panel, the same for a cohort's applications and a challenge's
responses: who may sit on a panel, published criteria and their weights, scores on a 0-5 scale,
conflicts of interest that recuse, blindness until one's own scores are in, and when a result
counts as moderated."""

from __future__ import annotations

from sqlalchemy.orm import Session

from challenges.fellowship.models import Panel, Review
from marketplace.accounts import policy
from marketplace.accounts.models import Role, User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Forbidden, InvalidTransition
from marketplace.validation import FieldErrors, clean_line, clean_text

SCALE = range(0, 6)  # each criterion is scored 0 to 5
MIN_REVIEWERS = 2
MAX_CRITERIA = 10
CRITERION_NAME_LENGTH = 100
# Who may sit on a panel: patient and public members, professionals, and the team itself.
PANEL_ROLES = (Role.PANEL_PATIENT, Role.PANEL_PROFESSIONAL, Role.INNOVATION_TEAM)


def clean_criteria(errors: FieldErrors, raw) -> list[dict]:
    """[{"name", "weight"}]: one to ten named criteria, each with a whole-number weight from
    1 to 100, the weights adding up to 100."""
    found = FieldErrors()
    items = raw if isinstance(raw, list) else []
    if not items:
        found.add("criteria", "Give at least one criterion, with its weight")
    elif len(items) > MAX_CRITERIA:
        found.add("criteria", f"Use at most {MAX_CRITERIA} criteria")
    cleaned = []
    for item in items[:MAX_CRITERIA]:
        item = item if isinstance(item, dict) else {}
        name = item.get("name")
        name = clean_line(
            found,
            "criteria",
            name if isinstance(name, str) else None,
            label="the name of each criterion",
            max_length=CRITERION_NAME_LENGTH,
        )
        weight = item.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
            found.add("criteria", "Give each criterion a whole-number weight from 1 to 100")
            weight = None
        cleaned.append({"name": name, "weight": weight})
    names = [c["name"].casefold() for c in cleaned if c["name"]]
    if len(set(names)) != len(names):
        found.add("criteria", "Give each criterion a different name")
    weights = [c["weight"] for c in cleaned]
    if items and "criteria" not in found and sum(weights) != 100:
        found.add("criteria", f"The weights must add up to 100: they add up to {sum(weights)}")
    for message in dict.fromkeys(found.errors.get("criteria", [])):
        errors.add("criteria", message)
    return cleaned


def check_panel_members(session: Session, errors: FieldErrors, member_ids) -> list[User]:
    """The people chosen for a panel (a cohort's or a challenge's): at least two active
    holders of a panel role, at least one of them a patient or public member. Problems go into
    ``errors``."""
    ids = [i for i in member_ids or [] if isinstance(i, int)]
    people = [get_by_id(session, User, i) for i in dict.fromkeys(ids)]
    if len(people) != len(member_ids or []) or any(
        p is None or not p.is_active or not any(p.has_role(r) for r in PANEL_ROLES) for p in people
    ):
        errors.add("member_ids", "Choose panel members from the list")
    elif len(people) < MIN_REVIEWERS:
        errors.add("member_ids", "A panel needs at least two members")
    elif not any(p.has_role(Role.PANEL_PATIENT) for p in people):
        errors.add("member_ids", "Every panel includes at least one patient or public member")
    return people


def record_conflict(review: Review, reason, subject: str) -> None:
    """A conflict of interest recuses the reviewer; it can be declared only before scoring.
    Shared by applications and challenge responses."""
    if review.submitted_at is not None:
        raise InvalidTransition(f"You have already scored this {subject}")
    if review.recused:
        raise InvalidTransition("You have already declared a conflict of interest")
    errors = FieldErrors()
    reason = clean_text(
        errors, "reason", reason, label="the conflict", max_length=2000, required=True
    )
    errors.raise_if_any()
    review.conflict = reason


def check_may_score(actor: User, review: Review, subject: str) -> None:
    if not policy.may_score(actor, review):
        raise Forbidden(f"You declared a conflict of interest and are recused from this {subject}")
    if review.submitted_at is not None:
        raise InvalidTransition("Your scores are submitted and final")


def criteria_of(review: Review) -> list[dict]:
    """A cohort panel scores against the cohort's published criteria; a challenge panel
    against its own."""
    if review.panel.challenge_id is not None:
        return review.panel.criteria
    return review.application.cohort.criteria


def score_review(review: Review, scores, comment) -> None:
    """Scores on the 0-5 scale for every published criterion and no others; final once
    given. Shared by fellowship applications and challenge responses."""
    criteria = [c["name"] for c in criteria_of(review)]
    errors = FieldErrors()
    scores = scores if isinstance(scores, dict) else {}
    for name in criteria:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value not in SCALE:
            errors.add("scores", f"Score “{name}” from 0 to 5")
    if set(scores) - set(criteria):
        errors.add("scores", "Score only the published criteria")
    comment = clean_text(errors, "comment", comment, label="the comment", max_length=5000)
    errors.raise_if_any()
    review.scores = {name: scores[name] for name in criteria}
    review.comment, review.submitted_at = comment, utcnow()


def weighted_total(criteria: list[dict], reviews: list[Review]) -> float | None:
    """The mean of submitted, unrecused reviewers' weighted scores, out of 100."""
    done = [r for r in reviews if r.submitted_at is not None and not r.recused]
    if not done:
        return None
    weights = {c["name"]: c["weight"] for c in criteria}
    totals = [sum(weights[n] * s / 5 for n, s in r.scores.items()) for r in done]
    return round(sum(totals) / len(totals), 1)


def blind_to_others(actor: User, reviews: list[Review]) -> bool:
    """Whoever still owes a score, or is recused, sees no one else's scores."""
    return any(
        r.reviewer_id == getattr(actor, "id", None) and (r.submitted_at is None or r.recused)
        for r in reviews
    )


def patient_or_public_ids(panel: Panel) -> set[int]:
    """The panel's patient and public members: those appointed as such when the panel was
    formed (PanelMember.patient_or_public). The flag, rather than who holds the role today,
    decides moderation: it is the capacity in which the person was appointed and scored, and a
    result the service may already have acted on must not turn provisional again because a
    role was revoked later. Panels left without a current patient or public member are found
    by queries.panels_without_patient_member for the team to put right."""
    return {m.user_id for m in panel.members if m.patient_or_public}


def is_moderated(reviews: list[Review], patient_ids: set[int]) -> bool:
    """The one rule for a response's result: every reviewer not recused has scored, at least
    two have, and at least one of them is a patient or public member."""
    active = [r for r in reviews if not r.recused]
    done = [r for r in active if r.submitted_at is not None]
    return (
        len(done) == len(active)
        and len(done) >= MIN_REVIEWERS
        and any(r.reviewer_id in patient_ids for r in done)
    )
