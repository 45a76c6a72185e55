"""Keeping ``search_entries`` in step with the records, in the transaction that changes them.

Each context registers a ``Source``: its model, the attributes whose change alters its text,
and a query that builds its entries. As a session flushes, the records of every source that
were added, edited in a watched attribute or deleted are noted; once the flush has written
them, their entries are rebuilt in the database (a delete and an INSERT … SELECT per batch),
so a search in the same transaction already sees them and a rollback takes both back.
``Follower``\\s cover text a record borrows from another one: an organisation's new name
re-indexes its products, a theme's new name the records filed under it.

Bulk SQL that bypasses the session (``session.execute(update(...))``) is not seen:
``marketplace search rebuild`` rebuilds every entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.search.models import FTS_TABLE, SearchEntry

PENDING = "search_pending"
BATCH = 500
ENTRY_COLUMNS = ("title", "names", "themes", "body")


@dataclass(frozen=True)
class Follower:
    """A record whose ``watched`` attributes appear in another source's text; ``affected``
    turns the changed records' ids into a select of that source's record ids."""

    model: type
    watched: tuple[str, ...]
    affected: Callable[[list[int]], sa.Select]


@dataclass(frozen=True)
class Source:
    """What of one kind of record is searched. ``rows()`` selects ``ref_id`` and the text
    columns ``title``, ``names``, ``themes`` and ``body`` (each may be NULL)."""

    kind: str
    model: type
    watched: tuple[str, ...]
    rows: Callable[[], sa.Select]
    followers: tuple[Follower, ...] = ()


SOURCES: dict[str, Source] = {}


def joined(*columns) -> sa.ColumnElement[str]:
    """Several text columns as one, with a space between and NULLs as nothing."""
    parts = [sa.func.coalesce(column, "") for column in columns]
    text = parts[0]
    for part in parts[1:]:
        text = text + " " + part
    return text


def themes_of(link: sa.Table, link_column: sa.Column, record_id) -> sa.ScalarSelect:
    """The names of a record's themes, one string, from its link table to ``themes``."""
    theme = sa.table("themes", sa.column("id"), sa.column("name"))
    return (
        sa.select(sa.func.aggregate_strings(theme.c.name, " "))
        .select_from(link.join(theme, theme.c.id == link.c.theme_id))
        .where(link_column == record_id)
        .scalar_subquery()
    )


def register(source: Source) -> Source:
    SOURCES[source.kind] = source
    return source


def refresh(connection: sa.Connection, source: Source, ids: Iterable[int]) -> None:
    """Rebuild the entries of these records (removing those of records that are gone)."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        connection.execute(
            sa.delete(SearchEntry).where(
                SearchEntry.kind == source.kind, SearchEntry.ref_id.in_(chunk)
            )
        )
        _insert(connection, source, chunk)


def rebuild(connection: sa.Connection, source: Source, progress=None) -> int:
    """Every entry of one kind afresh; returns how many records it holds."""
    connection.execute(sa.delete(SearchEntry).where(SearchEntry.kind == source.kind))
    ids = list(connection.scalars(sa.select(source.rows().subquery().c.ref_id)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        _insert(connection, source, chunk)
        if progress is not None:
            progress.update(len(chunk))
    if connection.dialect.name == "postgresql":
        # Statistics for the planner at once: a table refilled wholesale would otherwise be
        # planned as though it held what it held before, until autovacuum comes by.
        connection.execute(sa.text("ANALYZE search_entries"))
    else:
        # Rebuild the FTS5 index from the table too, mending it if it ever drifted.
        rebuild_fts = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"  # noqa: S608
        connection.execute(sa.text(rebuild_fts))
    return len(ids)


def _insert(connection: sa.Connection, source: Source, ids: list[int]) -> None:
    rows = source.rows()
    rows = rows.where(rows.selected_columns.ref_id.in_(ids)).subquery()
    texts = [sa.func.coalesce(rows.c[name], "") for name in ENTRY_COLUMNS]
    connection.execute(
        sa.insert(SearchEntry).from_select(
            ["kind", "ref_id", *ENTRY_COLUMNS],
            sa.select(sa.literal(source.kind), rows.c.ref_id, *texts),
        )
    )


# --- keeping in step --------------------------------------------------------------------------


@sa.event.listens_for(Session, "before_flush")
def _note(session: Session, _context, _instances) -> None:
    if not SOURCES:
        return
    pending = session.info.setdefault(PENDING, [])
    for obj in session.new:
        for source in _sources_of(obj):
            pending.append((source, obj, None))
    for obj in session.dirty:
        for source in _sources_of(obj):
            if _touched(obj, source.watched):
                pending.append((source, obj, None))
        for source in SOURCES.values():
            for follower in source.followers:
                if isinstance(obj, follower.model) and _touched(obj, follower.watched):
                    pending.append((source, obj, follower))
    for obj in session.deleted:
        for source in _sources_of(obj):
            pending.append((source, obj, None))


@sa.event.listens_for(Session, "after_flush_postexec")
def _write(session: Session, _context) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    connection = session.connection()
    ids: dict[str, set[int]] = defaultdict(set)
    followed: dict[tuple[str, Follower], set[int]] = defaultdict(set)
    for source, obj, follower in pending:
        object_id = sa.inspect(obj).identity[0] if sa.inspect(obj).identity else None
        if object_id is None:
            continue
        if follower is None:
            ids[source.kind].add(object_id)
        else:
            followed[(source.kind, follower)].add(object_id)
    for (kind, follower), changed in followed.items():
        ids[kind].update(connection.scalars(follower.affected(sorted(changed))))
    for kind, changed in ids.items():
        refresh(connection, SOURCES[kind], changed)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def _sources_of(obj) -> list[Source]:
    return [s for s in SOURCES.values() if isinstance(obj, s.model)]


def _touched(obj, names: tuple[str, ...]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)
