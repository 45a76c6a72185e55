"""Challenge services: policy check, lifecycle guard, change, audit. They flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges import lifecycle
from challenges.models import (
    AssuranceWanted,
    BudgetRange,
    Challenge,
    EvidenceTierWanted,
    SolutionStageWanted,
    Theme,
)
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, User
from marketplace.db import flush_or_conflict, get_by_id, uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.matches import indexing
from marketplace.validation import FieldErrors, clean_choice, clean_line, clean_text

LONG_TEXT = 5000

# What a challenge needs before it can go to review, in the order the form asks for them.
REQUIRED_TO_SUBMIT = {
    "need": "Describe the need in your service's words",
    "evidence": "Give the evidence of the need, such as figures and where they come from",
    "affected": "Say who is affected",
    "outcomes": "Describe the outcomes you want, and how you will measure them",
    "theme_ids": "Choose at least one theme",
    "closing_date": "Enter a closing date",
    "stage_wanted": "Choose the kind of solution you want",
}


@dataclass
class ChallengeInput:
    """What a service lead typed. Everything is optional for a draft except the title."""

    title: str | None = None
    need: str | None = None
    evidence: str | None = None
    evidence_source: str | None = None
    affected: str | None = None
    outcomes: str | None = None
    setting: str | None = None
    integration: str | None = None
    information_governance: str | None = None
    budget_range: str | None = None
    priority: str | None = None
    sites: str | None = None
    closing_date: date | None = None
    stage_wanted: str | None = None
    evidence_tier_wanted: str | None = None
    assurance_wanted: list[str] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)


def create_challenge(
    session: Session, actor: User, organisation_id: int | None, data: ChallengeInput
) -> Challenge:
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None or not policy.may_create_challenge(actor, organisation):
        raise Invalid({"organisation_id": "Choose an organisation you are a service lead for"})
    values, themes = _clean(session, data)
    challenge = Challenge(organisation=organisation, created_by=actor, themes=themes, **values)
    session.add(challenge)
    audit.record(session, actor, "challenge.created", challenge, {"title": challenge.title})
    return challenge


def update_challenge(
    session: Session,
    actor: User,
    challenge_id: int,
    data: ChallengeInput,
    expected_version: int | None = None,
) -> Challenge:
    """Save a draft. ``expected_version`` is the version the editor started from: if someone
    saved in between, the second save is refused rather than silently overwriting the first."""
    challenge = _visible(session, actor, challenge_id)
    if not policy.may_edit_challenge(actor, challenge):
        raise Forbidden("Only a draft can be changed, by a service lead of its organisation")
    if expected_version is not None and expected_version != challenge.version:
        raise Conflict("Someone else saved this challenge while you were editing. Reload it.")
    values, themes = _clean(session, data)
    for name, value in values.items():
        setattr(challenge, name, value)
    challenge.themes = themes
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.updated", challenge)
    return challenge


def submit_challenge(session: Session, actor: User, challenge_id: int) -> Challenge:
    """Send a draft for review. Every missing part is named at once."""
    challenge = _visible(session, actor, challenge_id)
    if not policy.may_submit_challenge(actor, challenge):
        raise Forbidden("Only a service lead of this organisation can submit its draft")
    lifecycle.guard(challenge.status, "submitted")
    missing = missing_parts(challenge)
    if missing:
        raise Invalid(missing, "This challenge is not ready to submit")
    challenge.submitted_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.submitted", challenge)
    indexing.content_changed(session, challenge)
    return challenge


def missing_parts(challenge: Challenge) -> dict[str, list[str]]:
    """What still stops this challenge going to review, field by field (empty when ready)."""
    errors = FieldErrors()
    for name, message in REQUIRED_TO_SUBMIT.items():
        value = challenge.themes if name == "theme_ids" else getattr(challenge, name)
        if not value:
            errors.add(name, message)
    if challenge.closing_date and challenge.closing_date <= uk_today():
        errors.add("closing_date", "The closing date must be in the future")
    return errors.errors


def publish_challenge(session: Session, actor: User, challenge_id: int) -> Challenge:
    challenge = _for_review(session, actor, challenge_id)
    lifecycle.guard(challenge.status, "open")
    if challenge.closing_date and challenge.closing_date <= uk_today():
        raise Conflict("The closing date has passed: return it so the service can set a new one")
    challenge.published_at = utcnow()
    challenge.published_by_id = actor.id
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.published", challenge)
    indexing.challenge_published(session, challenge)
    return challenge


def return_challenge(
    session: Session, actor: User, challenge_id: int, comments: str | None
) -> Challenge:
    """Send a submitted challenge back to its service with comments on what to improve."""
    challenge = _for_review(session, actor, challenge_id)
    errors = FieldErrors()
    comments = clean_text(
        errors, "comments", comments, label="your comments", max_length=LONG_TEXT, required=True
    )
    errors.raise_if_any()
    lifecycle.guard(challenge.status, "draft")
    challenge.submitted_at = None
    challenge.returned_at = utcnow()
    challenge.review_comments = comments
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.returned", challenge, {"comments": comments})
    return challenge


def withdraw_challenge(
    session: Session, actor: User, challenge_id: int, reason: str | None
) -> Challenge:
    challenge = _visible(session, actor, challenge_id)
    if not policy.may_withdraw_challenge(actor, challenge):
        raise Forbidden("Only a service lead of this organisation can withdraw its challenge")
    errors = FieldErrors()
    reason = clean_text(
        errors, "reason", reason, label="a reason", max_length=LONG_TEXT, required=True
    )
    errors.raise_if_any()
    lifecycle.guard(challenge.status, "withdrawn")
    challenge.withdrawn_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.withdrawn", challenge, {"reason": reason})
    return challenge


def close_challenge(session: Session, actor: User, challenge_id: int) -> Challenge:
    challenge = _visible(session, actor, challenge_id)
    if not policy.may_close_challenge(actor, challenge):
        raise Forbidden("Only its service or the innovation team can close a challenge")
    if challenge.status == "closed" and challenge.closed_at is None:
        challenge.closed_at = utcnow()  # past its closing date: record when it was closed
    else:
        lifecycle.guard(challenge.status, "closed")
        challenge.closed_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.closed", challenge)
    return challenge


def archive_challenge(session: Session, actor: User, challenge_id: int) -> Challenge:
    challenge = _visible(session, actor, challenge_id)
    if not policy.may_close_challenge(actor, challenge):
        raise Forbidden("Only its service or the innovation team can archive a challenge")
    lifecycle.guard(challenge.status, "archived")
    challenge.archived_at = utcnow()
    flush_or_conflict(session, "challenge")
    audit.record(session, actor, "challenge.archived", challenge)
    return challenge


# --- themes ---------------------------------------------------------------------------------


def add_theme(session: Session, actor: User | None, name: str | None) -> Theme:
    if actor is not None and not policy.may_manage_themes(actor):
        raise Forbidden("Only the innovation team can manage themes")
    errors = FieldErrors()
    name = clean_line(errors, "name", name, label="the theme's name", max_length=80)
    if name and "name" not in errors and _theme_named(session, name) is not None:
        errors.add("name", "There is already a theme with this name")
    errors.raise_if_any()
    theme = Theme(name=name)
    session.add(theme)
    audit.record(session, actor, "theme.added", theme, {"name": name})
    return theme


def rename_theme(session: Session, actor: User, theme_id: int, name: str | None) -> Theme:
    theme = _theme_to_manage(session, actor, theme_id)
    errors = FieldErrors()
    name = clean_line(errors, "name", name, label="the theme's name", max_length=80)
    existing = _theme_named(session, name) if name and "name" not in errors else None
    if existing is not None and existing.id != theme.id:
        errors.add("name", "There is already a theme with this name")
    errors.raise_if_any()
    old, theme.name = theme.name, name
    audit.record(session, actor, "theme.renamed", theme, {"from": old, "to": name})
    return theme


def set_theme_retired(session: Session, actor: User, theme_id: int, retired: bool) -> Theme:
    """Retired themes stay on the challenges that have them but cannot be chosen again."""
    theme = _theme_to_manage(session, actor, theme_id)
    theme.retired_at = utcnow() if retired else None
    audit.record(session, actor, "theme.retired" if retired else "theme.restored", theme)
    return theme


# --- helpers --------------------------------------------------------------------------------


def _clean(session: Session, data: ChallengeInput) -> tuple[dict, list[Theme]]:
    errors = FieldErrors()
    values = {
        "title": clean_line(errors, "title", data.title, label="a title", max_length=150),
        "evidence_source": clean_line(
            errors,
            "evidence_source",
            data.evidence_source,
            label="the source of the evidence",
            max_length=300,
            required=False,
        ),
        "priority": clean_line(
            errors,
            "priority",
            data.priority,
            label="the priority",
            max_length=200,
            required=False,
        ),
        "sites": clean_line(
            errors, "sites", data.sites, label="the sites", max_length=500, required=False
        ),
    }
    for name, label in (
        ("need", "the need"),
        ("evidence", "the evidence"),
        ("affected", "who is affected"),
        ("outcomes", "the outcomes"),
        ("setting", "the setting"),
        ("integration", "the integration needs"),
        ("information_governance", "the information governance needs"),
    ):
        values[name] = clean_text(
            errors, name, getattr(data, name), label=label, max_length=LONG_TEXT
        )
    values["budget_range"] = clean_choice(
        errors,
        "budget_range",
        data.budget_range,
        BudgetRange,
        "Choose a budget range from the list",
    )
    values["stage_wanted"] = clean_choice(
        errors,
        "stage_wanted",
        data.stage_wanted,
        SolutionStageWanted,
        "Choose a kind of solution from the list",
    )
    values["evidence_tier_wanted"] = clean_choice(
        errors,
        "evidence_tier_wanted",
        data.evidence_tier_wanted,
        EvidenceTierWanted,
        "Choose a NICE evidence tier from the list",
    )
    values.update(_clean_assurance(errors, data.assurance_wanted))
    if data.closing_date is not None and data.closing_date <= uk_today():
        errors.add("closing_date", "The closing date must be in the future")
    values["closing_date"] = data.closing_date
    themes = clean_theme_ids(session, errors, data.theme_ids)
    errors.raise_if_any()
    return values, themes


def _clean_assurance(errors: FieldErrors, wanted) -> dict[str, bool]:
    """The ``wants_…`` flags for the assurance chosen; anything else is a field error."""
    chosen = set()
    for value in wanted or []:
        try:
            chosen.add(AssuranceWanted(value))
        except (ValueError, TypeError):
            errors.add("assurance_wanted", "Choose assurance from the list")
            return {}
    return {f"wants_{a.value}": a in chosen for a in AssuranceWanted}


def clean_theme_ids(session: Session, errors: FieldErrors, theme_ids) -> list[Theme]:
    """The themes these ids name; anything unknown, retired or not an id is a field error."""
    ids = {i for i in theme_ids or [] if isinstance(i, int)}
    if len(ids) != len(set(theme_ids or [])):
        errors.add("theme_ids", "Choose themes from the list")
        return []
    themes = list(session.scalars(sa.select(Theme).where(Theme.id.in_(ids)))) if ids else []
    if len(themes) != len(ids) or any(t.retired_at for t in themes):
        errors.add("theme_ids", "Choose themes from the list")
    return themes


def _visible(session: Session, actor: User, challenge_id: int) -> Challenge:
    challenge = get_by_id(session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("No such challenge")
    return challenge


def _for_review(session: Session, actor: User, challenge_id: int) -> Challenge:
    if not policy.may_review_challenge(actor):
        raise Forbidden("Only the innovation team reviews challenges")
    return _visible(session, actor, challenge_id)


def _theme_named(session: Session, name: str) -> Theme | None:
    return session.scalar(sa.select(Theme).where(sa.func.lower(Theme.name) == name.lower()))


def _theme_to_manage(session: Session, actor: User, theme_id: int) -> Theme:
    if not policy.may_manage_themes(actor):
        raise Forbidden("Only the innovation team can manage themes")
    theme = get_by_id(session, Theme, theme_id)
    if theme is None:
        raise NotFound("No such theme")
    return theme
