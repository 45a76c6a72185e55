"""Account and organisation services: policy check, lifecycle guard, change, audit. Never commit."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from marketplace import audit
from marketplace.accounts import lifecycle, passwords, policy
from marketplace.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.validation import FieldErrors, clean_email, clean_line, has_control_characters

# Set once by create_app from PASSWORD_HASH_PROFILE.
settings = {"password_profile": "production"}

ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
COMPANIES_HOUSE_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")
TOKEN_PREFIX = "mkt_"  # noqa: S105 - a public marker that makes leaked tokens findable
MAX_TOKEN_DAYS = 366
# A token's use is recorded at most once per this interval, not on every API call (each record
# is a write and a commit), so "last used" is true to within it.
TOKEN_USE_INTERVAL = timedelta(minutes=5)
SELF_SERVICE_ROLES = tuple(role for role in Role if role is not Role.INNOVATION_TEAM)


@dataclass(frozen=True)
class NewOrganisation:
    name: str | None
    kind: str | None
    ods_code: str | None = None
    companies_house_number: str | None = None


# --- registration and sign-in -------------------------------------------------------------


def register(
    session: Session,
    *,
    email: str | None,
    name: str | None,
    password: str | None,
    role: str | None,
    organisation_id: int | None = None,
    new_organisation: NewOrganisation | None = None,
) -> User | None:
    """Create an account with a role request, or return None if the email is already registered.

    Returning None (rather than raising) lets callers answer exactly as they would for a new
    account, so the response never reveals who has an account.
    """
    errors = FieldErrors()
    email = clean_email(errors, "email", email)
    name = clean_line(errors, "name", name, label="your full name", max_length=200)
    _check_new_password(errors, "password", password, personal=(email or "", name or ""))
    chosen_role = _clean_role(errors, role)
    organisation = None
    if new_organisation is not None:
        new_organisation = _clean_new_organisation(session, errors, new_organisation)
    elif organisation_id is None:
        errors.add("organisation_id", "Select your organisation, or tell us about a new one")
    else:
        organisation = get_by_id(session, Organisation, organisation_id)
        if organisation is None or not organisation.is_approved:
            errors.add("organisation_id", "Select an organisation from the list")
    errors.raise_if_any()

    # Hash first, so a registered email answers no faster than a new one.
    password_hash = passwords.hash_password(password, settings["password_profile"])
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        return None
    user = User(
        email=email,
        name=name,
        password_hash=password_hash,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    audit.record(session, user, "user.registered", user, {"email": email})
    if new_organisation is not None:
        organisation = _create_organisation(session, user, new_organisation)
    _open_membership(session, user, user, organisation, chosen_role)
    return user


def authenticate(session: Session, email: str | None, password: str | None) -> User | None:
    """The user these credentials belong to, or None. Takes as long for unknown emails."""
    profile = settings["password_profile"]
    email = (email or "").strip().lower()
    user = session.scalar(sa.select(User).where(User.email == email)) if email else None
    if user is None:
        passwords.verify_password(passwords.dummy_hash(profile), password or "", profile)
        return None
    if not passwords.verify_password(user.password_hash, password or "", profile):
        return None
    if not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash, profile):
        user.password_hash = passwords.hash_password(password, profile)
    user.last_sign_in_at = utcnow()
    audit.record(session, user, "user.signed_in", user)
    return user


def change_password(
    session: Session, user: User, current_password: str | None, new_password: str | None
) -> None:
    """Set a new password and end every other session of this user."""
    profile = settings["password_profile"]
    errors = FieldErrors()
    if not passwords.verify_password(user.password_hash, current_password or "", profile):
        errors.add("current_password", "Your current password is not right")
    _check_new_password(errors, "new_password", new_password, personal=(user.email, user.name))
    if new_password and new_password == current_password:
        errors.add("new_password", "Your new password must be different from the current one")
    errors.raise_if_any()
    user.password_hash = passwords.hash_password(new_password, profile)
    user.session_token = secrets.token_hex(16)
    audit.record(session, user, "user.password_changed", user)


def set_password(session: Session, actor: User | None, user: User, new_password: str) -> None:
    """An operator sets a new password for someone locked out, ending all their sessions."""
    if actor is not None and not policy.is_innovation_team(actor):
        raise Forbidden("Only the innovation team can set someone else's password")
    errors = FieldErrors()
    _check_new_password(errors, "password", new_password, personal=(user.email, user.name))
    errors.raise_if_any()
    user.password_hash = passwords.hash_password(new_password, settings["password_profile"])
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.password_set", user)


def disable_user(session: Session, actor: User, user_id: int, reason: str | None) -> User:
    """Stop someone signing in or using tokens, at once: their sessions and tokens stop working."""
    if not policy.may_manage_users(actor):
        raise Forbidden("Only the innovation team can disable accounts")
    user = get_by_id(session, User, user_id)
    if user is None:
        raise NotFound("No such account")
    if user.id == actor.id:
        raise Conflict("You cannot disable your own account")
    errors = FieldErrors()
    reason = clean_reason(errors, reason)
    errors.raise_if_any()
    if user.disabled_at is not None:
        raise InvalidTransition("This account is already disabled")
    user.disabled_at = utcnow()
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.disabled", user, {"reason": reason})
    return user


def enable_user(session: Session, actor: User, user_id: int) -> User:
    if not policy.may_manage_users(actor):
        raise Forbidden("Only the innovation team can enable accounts")
    user = get_by_id(session, User, user_id)
    if user is None:
        raise NotFound("No such account")
    if user.disabled_at is None:
        raise InvalidTransition("This account is already enabled")
    user.disabled_at = None
    audit.record(session, actor, "user.enabled", user)
    return user


def sign_out_everywhere(session: Session, user: User) -> None:
    """Invalidate every session of this user: their ids carry the old token."""
    user.session_token = secrets.token_hex(16)
    audit.record(session, user, "user.signed_out_everywhere", user)


def load_session_user(session: Session, session_id: str) -> User | None:
    """The user behind a Flask-Login id ``"<user id>:<session token>"``, if still valid."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = get_by_id(session, User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


# --- organisations and memberships -------------------------------------------------------


def propose_organisation(
    session: Session, actor: User, details: NewOrganisation, role: str | None
) -> Organisation:
    """A signed-in user asks for a new organisation to be added, with a role in it."""
    errors = FieldErrors()
    details = _clean_new_organisation(session, errors, details)
    chosen_role = _clean_role(errors, role)
    errors.raise_if_any()
    organisation = _create_organisation(session, actor, details)
    _open_membership(session, actor, actor, organisation, chosen_role)
    return organisation


def request_membership(
    session: Session, actor: User, organisation_id: int | None, role: str | None
) -> Membership:
    errors = FieldErrors()
    chosen_role = _clean_role(errors, role)
    organisation = get_by_id(session, Organisation, organisation_id) if organisation_id else None
    if organisation is None or not policy.may_view_organisation(actor, organisation):
        errors.add("organisation_id", "Select an organisation from the list")
    errors.raise_if_any()
    if not policy.may_request_membership(actor, organisation):
        raise Forbidden("You cannot ask to join this organisation")
    return _open_membership(session, actor, actor, organisation, chosen_role)


def add_organisation(
    session: Session, actor: User | None, details: NewOrganisation
) -> Organisation:
    """The innovation team adds an organisation it knows, approved at once.

    ``actor`` None means the system (set-up and demo data).
    """
    if actor is not None and not policy.may_review_organisations(actor):
        raise Forbidden("Only the innovation team can add organisations")
    errors = FieldErrors()
    details = _clean_new_organisation(session, errors, details)
    errors.raise_if_any()
    organisation = _create_organisation(session, actor, details)
    organisation.approved_at = utcnow()
    organisation.approved_by_id = getattr(actor, "id", None)
    audit.record(session, actor, "organisation.approved", organisation)
    return organisation


def create_user(
    session: Session, actor: User | None, *, email: str, name: str, password: str
) -> User:
    """An account made by the innovation team or an operator, not by self-registration."""
    if actor is not None and not policy.is_innovation_team(actor):
        raise Forbidden("Only the innovation team can create accounts for others")
    errors = FieldErrors()
    email = clean_email(errors, "email", email)
    name = clean_line(errors, "name", name, label="a full name", max_length=200)
    _check_new_password(errors, "password", password, personal=(email or "", name or ""))
    if email and session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        errors.add("email", "An account with this email address already exists")
    errors.raise_if_any()
    user = User(
        email=email,
        name=name,
        password_hash=passwords.hash_password(password, settings["password_profile"]),
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    audit.record(session, actor, "user.created", user, {"email": email})
    return user


def approve_organisation(session: Session, actor: User, organisation_id: int) -> Organisation:
    organisation = _organisation_for_review(session, actor, organisation_id)
    lifecycle.guard("organisation", organisation.status, "approved")
    organisation.approved_at = utcnow()
    organisation.approved_by_id = actor.id
    organisation.rejected_at = None
    organisation.rejection_reason = None
    audit.record(session, actor, "organisation.approved", organisation)
    return organisation


def reject_organisation(
    session: Session, actor: User, organisation_id: int, reason: str | None
) -> Organisation:
    organisation = _organisation_for_review(session, actor, organisation_id)
    errors = FieldErrors()
    reason = clean_reason(errors, reason)
    errors.raise_if_any()
    lifecycle.guard("organisation", organisation.status, "rejected")
    organisation.rejected_at = utcnow()
    organisation.rejection_reason = reason
    audit.record(session, actor, "organisation.rejected", organisation, {"reason": reason})
    return organisation


def grant_membership(session: Session, actor: User, membership_id: int) -> Membership:
    membership = _membership_for_decision(session, actor, membership_id)
    if not membership.organisation.is_approved:
        raise Conflict("Approve the organisation before granting roles in it")
    lifecycle.guard("membership", membership.status, "granted")
    membership.granted_at = utcnow()
    membership.granted_by_id = actor.id
    audit.record(session, actor, "membership.granted", membership, _membership_data(membership))
    return membership


def decline_membership(
    session: Session, actor: User, membership_id: int, reason: str | None
) -> Membership:
    membership = _membership_for_decision(session, actor, membership_id)
    errors = FieldErrors()
    reason = clean_reason(errors, reason)
    errors.raise_if_any()
    lifecycle.guard("membership", membership.status, "declined")
    membership.declined_at = utcnow()
    membership.decline_reason = reason
    data = {**_membership_data(membership), "reason": reason}
    audit.record(session, actor, "membership.declined", membership, data)
    return membership


def revoke_membership(session: Session, actor: User, membership_id: int) -> Membership:
    membership = _membership_for_decision(session, actor, membership_id)
    lifecycle.guard("membership", membership.status, "revoked")
    if membership.user_id == actor.id and membership.role == Role.INNOVATION_TEAM:
        raise Conflict("You cannot remove your own innovation team role")
    membership.revoked_at = utcnow()
    audit.record(session, actor, "membership.revoked", membership, _membership_data(membership))
    return membership


def grant_role(
    session: Session, actor: User | None, user: User, organisation: Organisation, role: Role
) -> Membership:
    """Give a role directly, without a request. ``actor`` None means the system (set-up, demo)."""
    if actor is not None and not policy.may_decide_memberships(actor):
        raise Forbidden("Only the innovation team can grant roles")
    membership = _open_membership(session, actor, user, organisation, role)
    membership.granted_at = utcnow()
    membership.granted_by_id = getattr(actor, "id", None)
    audit.record(session, actor, "membership.granted", membership, _membership_data(membership))
    return membership


def grant_role_by_email(
    session: Session, actor: User, organisation_id: int, email: str | None, role: str | None
) -> Membership:
    """The innovation team gives someone with an account a role, without waiting for a request."""
    organisation = _organisation_for_review(session, actor, organisation_id)
    errors = FieldErrors()
    email = clean_email(errors, "email", email)
    try:
        chosen_role = Role(role)
    except ValueError:
        chosen_role = None
        errors.add("role", "Select a role")
    user = None
    if email:
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            errors.add("email", "Enter the email address of someone with an account")
    if not organisation.is_approved:
        errors.add("email", "Approve the organisation before granting roles in it")
    errors.raise_if_any()
    return grant_role(session, actor, user, organisation, chosen_role)


# --- personal access tokens --------------------------------------------------------------


def create_api_token(
    session: Session, actor: User, name: str | None, expires_in_days: int | None
) -> tuple[ApiToken, str]:
    """Return the stored token and its secret, which is shown once and never stored."""
    errors = FieldErrors()
    name = clean_line(errors, "name", name, label="a name for the token", max_length=100)
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors.add("expires_in_days", f"Expiry must be between 1 and {MAX_TOKEN_DAYS} days")
    errors.raise_if_any()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        token_hash=_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    audit.record(session, actor, "api_token.created", token, {"name": name})
    return token, secret


def revoke_api_token(session: Session, actor: User, token_id: int) -> ApiToken:
    token = get_by_id(session, ApiToken, token_id)
    if token is None or not policy.may_revoke_token(actor, token):
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "api_token.revoked", token)
    return token


def usable_token(session: Session, secret: str) -> ApiToken | None:
    """The token with this secret, if it still works and its owner may still sign in."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        sa.select(ApiToken)
        .options(joinedload(ApiToken.user))  # one statement for both, on every API call
        .where(ApiToken.token_hash == _digest(secret))
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


def record_token_use(session: Session, token: ApiToken) -> bool:
    """Set ``last_used_at`` to now unless a use within ``TOKEN_USE_INTERVAL`` is recorded; say
    whether anything was written. The condition is in the UPDATE itself, so when several
    workers see the same stale value at once, only the first to write changes the row."""
    now = utcnow()
    stale = now - TOKEN_USE_INTERVAL
    if token.last_used_at is not None and token.last_used_at >= stale:
        return False
    written = session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token.id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < stale),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return written.rowcount > 0


# --- helpers -----------------------------------------------------------------------------


def clean_reason(errors: FieldErrors, reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", "Give a reason, which the person asking will see")
    elif len(reason) > 1000:
        errors.add("reason", "Reason must be 1000 characters or fewer")
    elif has_control_characters(reason):
        errors.add("reason", "Reason must not contain control characters")
    return reason or None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_new_password(errors: FieldErrors, field: str, password: str | None, personal) -> None:
    if not password:
        errors.add(field, "Enter a password")
        return
    for problem in passwords.password_problems(password, personal=tuple(personal)):
        errors.add(field, problem)


def _clean_role(errors: FieldErrors, role: str | None) -> Role | None:
    """A role someone asks for themselves; the innovation team's own role is only granted."""
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen not in SELF_SERVICE_ROLES:
        errors.add("role", "Select the role you need")
        return None
    return chosen


def _clean_new_organisation(
    session: Session, errors: FieldErrors, details: NewOrganisation
) -> NewOrganisation:
    name = clean_line(
        errors, "organisation_name", details.name, label="the organisation's name", max_length=200
    )
    try:
        kind = OrganisationKind(details.kind)
    except ValueError:
        errors.add("organisation_kind", "Select the kind of organisation")
        kind = None
    ods = (details.ods_code or "").strip().upper() or None
    ch = (details.companies_house_number or "").strip().upper() or None
    if kind is not None and kind.needs_ods_code and not ods:
        errors.add("ods_code", "Enter the organisation's ODS code")
    if ods and not ODS_CODE.match(ods):
        errors.add("ods_code", "ODS code must be 3 to 6 letters and numbers, like RX1")
    if kind is not None and kind.needs_companies_house_number and not ch:
        errors.add("companies_house_number", "Enter the company's Companies House number")
    if ch and not COMPANIES_HOUSE_NUMBER.match(ch):
        errors.add(
            "companies_house_number",
            "Companies House number must be 8 digits, or 2 letters then 6 digits",
        )
    if name and "organisation_name" not in errors and _exists(session, Organisation.name, name):
        errors.add("organisation_name", "An organisation with this name is already registered")
    if ods and "ods_code" not in errors and _exists(session, Organisation.ods_code, ods):
        errors.add("ods_code", "An organisation with this ODS code is already registered")
    if (
        ch
        and "companies_house_number" not in errors
        and _exists(session, Organisation.companies_house_number, ch)
    ):
        errors.add("companies_house_number", "A company with this number is already registered")
    return NewOrganisation(name=name, kind=kind, ods_code=ods, companies_house_number=ch)


def _exists(session: Session, column, value: str) -> bool:
    return (
        session.scalar(sa.select(sa.literal(1)).where(sa.func.lower(column) == value.lower()))
        is not None
    )


def _create_organisation(session: Session, actor: User, details: NewOrganisation) -> Organisation:
    organisation = Organisation(
        name=details.name,
        kind=details.kind,
        ods_code=details.ods_code,
        companies_house_number=details.companies_house_number,
        proposed_by_id=getattr(actor, "id", None),
    )
    session.add(organisation)
    audit.record(session, actor, "organisation.proposed", organisation, {"name": details.name})
    return organisation


def _open_membership(
    session: Session, actor: User | None, user: User, organisation: Organisation, role: Role
) -> Membership:
    existing = session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id,
            Membership.organisation_id == organisation.id,
            Membership.role == role,
            Membership.declined_at.is_(None),
            Membership.revoked_at.is_(None),
        )
    )
    if existing is not None:
        raise Invalid(
            {"role": f"You already have or have asked for this role in {organisation.name}"}
        )
    membership = Membership(user=user, organisation=organisation, role=role)
    session.add(membership)
    audit.record(session, actor, "membership.requested", membership, _membership_data(membership))
    return membership


def _membership_data(membership: Membership) -> dict:
    return {
        "user_id": membership.user.id,
        "organisation_id": membership.organisation.id,
        "role": membership.role.value,
    }


def _organisation_for_review(session: Session, actor: User, organisation_id: int) -> Organisation:
    if not policy.may_review_organisations(actor):
        raise Forbidden("Only the innovation team can review organisations")
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    return organisation


def _membership_for_decision(session: Session, actor: User, membership_id: int) -> Membership:
    if not policy.may_decide_memberships(actor):
        raise Forbidden("Only the innovation team can decide on roles")
    membership = get_by_id(session, Membership, membership_id)
    if membership is None:
        raise NotFound("No such role request")
    return membership
