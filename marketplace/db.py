"""The declarative base every model shares.

The naming convention gives every constraint a predictable name, so migrations can drop or alter
it on SQLite (batch mode) and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from marketplace.errors import Conflict

UK = ZoneInfo("Europe/London")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids are 32-bit integers on PostgreSQL; a larger number cannot name a row on any database.
MAX_ID = 2**31 - 1


def get_by_id(session, model, object_id):
    """``session.get`` for ids that came from outside: out-of-range ids find nothing instead of
    failing in the database driver, and JSON true or false is not the id 1 or 0."""
    if not isinstance(object_id, int) or isinstance(object_id, bool):
        return None
    if not 1 <= object_id <= MAX_ID:
        return None
    return session.get(model, object_id)


def flush_or_conflict(session, noun: str) -> None:
    """Flush, turning a lost optimistic-locking race into a Conflict the person can act on."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"Someone else changed this {noun} at the same time. Reload it.") from None


def utcnow() -> datetime:
    return datetime.now(UTC)


def uk_today() -> date:
    """Today's date where the programme runs: between midnight and 1am in British Summer Time
    a server on UTC would still be on yesterday, and deadlines and "overdue" are UK days."""
    return datetime.now(UK).date()


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite has no time zones and hands back naive values; this type stores UTC and re-attaches the
    zone on the way out, so comparisons never mix naive and aware datetimes.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """Store enums as short strings with a named CHECK, the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=30,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )
