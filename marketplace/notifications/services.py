"""Telling people, in the app, that something now concerns them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, Role, User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import NotFound
from marketplace.notifications.models import Notification


def notify(session: Session, users: Iterable[User], message: str, link: str | None) -> int:
    """One notification per distinct active user; returns how many were written."""
    seen = set()
    for user in users:
        if user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        session.add(Notification(user_id=user.id, message=message[:500], link=link))
    session.flush()
    return len(seen)


def members_with_roles(session: Session, organisation_id: int, roles: Iterable[Role]) -> list[User]:
    """The people who currently hold one of ``roles`` in the organisation."""
    memberships = session.scalars(
        sa.select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.role.in_(list(roles))
        )
    )
    return [m.user for m in memberships if m.is_active]


def mark_read(session: Session, actor: User, notification_id: int) -> Notification:
    """Only one's own; someone else's is as good as missing."""
    notification = get_by_id(session, Notification, notification_id)
    if notification is None or notification.user_id != actor.id:
        raise NotFound("There is no such notification")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_all_read(session: Session, actor: User) -> int:
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        sa.select(sa.func.count()).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def for_user(session: Session, user: User) -> sa.Select:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
