"""``marketplace search rebuild``: every search entry afresh from the records.

Entries follow the records on their own (see ``marketplace.search.index``); this is for after
a bulk change made in SQL, a change to what a source searches, or a restore.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from marketplace.extensions import db
from marketplace.search import index


@click.group("search")
def search() -> None:
    """Full-text search."""


@search.command("rebuild")
@with_appcontext
def rebuild() -> None:
    """Rebuild the search entries of every kind of record, in one transaction."""
    with db.engine.begin() as connection:
        for kind, source in sorted(index.SOURCES.items()):
            with tqdm(desc=f"Indexing {kind} records", unit="record") as bar:
                count = index.rebuild(connection, source, progress=bar)
            click.echo(f"{kind}: {count} records searchable")
