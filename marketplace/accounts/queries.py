"""Read side of accounts: listings for the innovation team's queues and pickers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from marketplace.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, User
from marketplace.audit import AuditEvent
from marketplace.db import MAX_ID
from marketplace.pagination import Page, paginate

ORGANISATION_STATUSES = ("pending", "approved", "rejected")
MEMBERSHIP_STATUSES = ("requested", "granted", "declined", "revoked")


def approved_organisations(session: Session) -> list[Organisation]:
    statement = (
        sa.select(Organisation)
        .where(Organisation.approved_at.is_not(None))
        .order_by(Organisation.name)
    )
    return list(session.scalars(statement))


def api_tokens_of(session: Session, user: User) -> list[ApiToken]:
    statement = sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.scalars(statement))


def organisations(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    statement = sa.select(Organisation).order_by(Organisation.name)
    if status == "approved":
        statement = statement.where(Organisation.approved_at.is_not(None))
    elif status == "rejected":
        statement = statement.where(Organisation.rejected_at.is_not(None))
    elif status == "pending":
        statement = statement.where(
            Organisation.approved_at.is_(None), Organisation.rejected_at.is_(None)
        )
    if kind in set(OrganisationKind):
        statement = statement.where(Organisation.kind == OrganisationKind(kind))
    if text:
        statement = statement.where(Organisation.name.icontains(text, autoescape=True))
    return paginate(session, statement, page, per_page)


def memberships(
    session: Session,
    *,
    status: str | None = None,
    organisation_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    statement = (
        sa.select(Membership)
        .options(joinedload(Membership.user), joinedload(Membership.organisation))
        .order_by(Membership.requested_at.desc(), Membership.id.desc())
    )
    if status == "requested":
        statement = statement.where(
            Membership.granted_at.is_(None),
            Membership.declined_at.is_(None),
            Membership.revoked_at.is_(None),
        )
    elif status == "granted":
        statement = statement.where(
            Membership.granted_at.is_not(None), Membership.revoked_at.is_(None)
        )
    elif status == "declined":
        statement = statement.where(Membership.declined_at.is_not(None))
    elif status == "revoked":
        statement = statement.where(Membership.revoked_at.is_not(None))
    if organisation_id is not None:
        statement = statement.where(_id_equals(Membership.organisation_id, organisation_id))
    return paginate(session, statement, page, per_page)


def users(session: Session, *, text: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    statement = sa.select(User).options(joinedload(User.memberships)).order_by(User.name, User.id)
    if text:
        statement = statement.where(
            sa.or_(
                User.name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
            )
        )
    return paginate(session, statement, page, per_page)


def audit_events(
    session: Session,
    *,
    target_type: str | None = None,
    target_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    statement = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if target_type:
        statement = statement.where(AuditEvent.target_type == target_type)
    if target_id:
        statement = statement.where(AuditEvent.target_id == str(target_id))
    if actor_id is not None:
        statement = statement.where(_id_equals(AuditEvent.actor_id, actor_id))
    if action:
        statement = statement.where(AuditEvent.action == action)
    return paginate(session, statement, page, per_page)


def audit_target_types(session: Session) -> list[str]:
    return list(
        session.scalars(
            sa.select(AuditEvent.target_type).distinct().order_by(AuditEvent.target_type)
        )
    )


def _id_equals(column, value: int):
    """An id filter that matches nothing, rather than failing, for ids no row can have."""
    return column == value if 1 <= value <= MAX_ID else sa.false()
