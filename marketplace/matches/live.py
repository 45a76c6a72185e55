"""The matching index each process holds, kept current from the change feed.

A process starts from the newest snapshot on disk (``MATCHING_INDEX_DIR``: the passage matrix
memory-mapped, so every worker on the machine shares its pages), then applies the documents
the feed stamped since. Only when there is no usable snapshot (none yet, damaged, or of another
database) is the index built from the stored rows, by one process at a time (a file lock), and
saved for the others. After that, every ranking first asks the feed where it stands (one small
row) and applies only what changed: an edit reaches every worker on its next ranking, and no
request waits on a rebuild because of one.

The feed's row also names the fusion weights in use: when they change, the process reads them
(one row) and ranks by them from then on, as every other process does on its own next ranking.

Changes make a new engine and swap it in, so a thread still ranking with the old one is never
disturbed. Every ``MATCHING_SNAPSHOT_EVERY`` documents applied, a background thread saves a new
snapshot, so a new worker has little to catch up.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from challenges.models import challenge_themes
from marketplace.matches import documents, feed
from marketplace.matches.models import (
    WEIGHT_NAMES,
    DocumentKind,
    FusionWeights,
    IndexedDocument,
    StoredVector,
    VectorUnit,
)
from marketplace.solutions.models import solution_themes
from matching import store
from matching.documents import Document
from matching.embedders import Embedder
from matching.engine import Engine, Weights

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    engine: Engine
    epoch: str | None
    generation: int
    applied: int = 0  # documents applied since the snapshot it started from
    source: str = "snapshot"  # or "rows": how this process first got its index
    weights: int | None = None  # the id of the fusion weights it ranks by (None: built-in)


class LiveIndex:
    """One kind of document (challenges or solutions) for one model and database."""

    def __init__(self, kind: DocumentKind, embedder: Embedder, folder: Path, snapshot_every: int):
        self.kind = kind
        self.embedder = embedder
        self.folder = folder
        self.snapshot_every = snapshot_every
        self.held: Held | None = None
        self._lock = threading.Lock()
        self._saving = threading.Lock()

    def engine(self, bind: sa.Engine) -> Engine:
        """The index as of the feed's current generation (committed changes only: it reads
        over a connection of its own, never the request's transaction)."""
        return self.current(bind).engine

    def current(self, bind: sa.Engine) -> Held:
        with bind.connect() as connection:
            at = feed.position(connection)
            held = self.held
            if held is not None and (held.epoch, held.generation, held.weights) == (
                at.epoch,
                at.generation,
                at.weights,
            ):
                return held
            with self._lock:  # one build or catch-up at a time; the others then find it done
                held = self.held
                if held is None or held.epoch != at.epoch or held.generation > at.generation:
                    held = self._start(connection, at)
                if held.generation < at.generation:
                    held = self._catch_up(connection, held, at)
                if held.weights != at.weights:
                    held = self._reweigh(connection, held, at.weights)
                self.held = held
        if held.applied >= self.snapshot_every:
            self._save_soon(held)
        return held

    # --- starting -------------------------------------------------------------------------

    def _start(self, connection, at: feed.Position) -> Held:
        with self._file_lock():
            snapshot = self._usable_snapshot(at)
            if snapshot is not None:
                engine, meta = snapshot
                return Held(engine, at.epoch, meta["generation"])
            log.info("Building the %s index from stored vectors", self.kind.value)
            rows = read_documents(connection, self.kind, self.embedder.name)
            engine = Engine(
                [row.document for row in rows],
                self.embedder,
                vectors=_stack([row.vectors for row in rows]),
                owners=np.repeat(np.arange(len(rows)), [len(row.vectors) for row in rows]),
                keep_texts=False,
            )
            try:  # then use the saved copy, memory-mapped, rather than this process's own
                store.save(engine, self.folder, self._meta(at.epoch, at.generation))
                engine, _ = store.load(self.folder, self.embedder)
            except (OSError, store.BadSnapshot):
                log.exception("Could not save the %s index snapshot", self.kind.value)
            return Held(engine, at.epoch, at.generation, source="rows")

    def _usable_snapshot(self, at: feed.Position):
        try:
            meta = store.read_meta(self.folder)
        except store.BadSnapshot:
            return None
        if (
            meta.get("epoch") != at.epoch
            or meta.get("generation", 1 << 62) > at.generation
            or meta.get("model") != self.embedder.name
            or meta.get("kind") != self.kind.value
        ):
            return None  # another database's, or from before this one was emptied
        try:
            return store.load(self.folder, self.embedder)
        except store.BadSnapshot as error:
            log.warning("Rebuilding the %s index: %s", self.kind.value, error)
            return None

    def _catch_up(self, connection, held: Held, at: feed.Position) -> Held:
        rows = read_documents(connection, self.kind, self.embedder.name, since=held.generation)
        engine = (
            held.engine.changed([(row.document, row.vectors) for row in rows])
            if rows
            else held.engine
        )
        newest = max([at.generation, *(row.generation for row in rows)])
        return replace(held, engine=engine, generation=newest, applied=held.applied + len(rows))

    def _reweigh(self, connection, held: Held, weights_id: int | None) -> Held:
        """Rank by the fusion weights with this id (the built-in ones for None)."""
        weights = Weights()
        if weights_id is not None:
            row = connection.execute(
                sa.select(*(getattr(FusionWeights, n) for n in WEIGHT_NAMES)).where(
                    FusionWeights.id == weights_id
                )
            ).one()
            weights = Weights(**row._asdict())
        return replace(held, engine=held.engine.with_weights(weights), weights=weights_id)

    # --- snapshots ------------------------------------------------------------------------

    def _meta(self, epoch: str | None, generation: int) -> dict:
        return {
            "epoch": epoch,
            "generation": generation,
            "model": self.embedder.name,
            "kind": self.kind.value,
        }

    def save(self, held: Held) -> None:
        """Write ``held`` as the snapshot new processes start from."""
        with self._file_lock():
            try:
                if store.read_meta(self.folder).get("generation", -1) >= held.generation:
                    return  # another process saved one at least as new
            except store.BadSnapshot:
                pass
            store.save(held.engine, self.folder, self._meta(held.epoch, held.generation))
        with self._lock:
            if self.held is not None and self.held.epoch == held.epoch:
                self.held = replace(self.held, applied=max(0, self.held.applied - held.applied))

    def _save_soon(self, held: Held) -> None:
        if not self._saving.acquire(blocking=False):
            return  # one is being written already

        def work():
            try:
                self.save(held)
            except Exception:
                log.exception("Could not save the %s index snapshot", self.kind.value)
            finally:
                self._saving.release()

        threading.Thread(target=work, name=f"snapshot-{self.kind.value}", daemon=True).start()

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Serialises builds and saves between the processes of one machine. Without a folder
        to keep snapshots in, each process works from memory alone (and says so)."""
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.folder.parent / f"{self.folder.name}.lock", "w")  # noqa: SIM115
        except OSError as error:
            log.warning("No snapshots for the %s index: %s", self.kind.value, error)
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Stored:
    """A document as ranking reads it, its passage vectors, and where it stands in the feed."""

    document: Document
    vectors: np.ndarray
    generation: int


def read_documents(
    connection, kind: DocumentKind, model: str, since: int | None = None
) -> list[Stored]:
    """Every indexed document of ``kind`` (or those stamped after generation ``since``) with
    its passage vectors, in three queries whatever their number."""
    indexed = sa.and_(IndexedDocument.model == model, IndexedDocument.kind == kind)
    if since is not None:
        indexed = sa.and_(indexed, IndexedDocument.generation > since)
    table = documents.model_of(kind)
    rows = connection.execute(
        sa.select(
            IndexedDocument.id.label("document_id"),
            IndexedDocument.generation,
            *documents.text_columns(kind),
        )
        .join(table, table.id == IndexedDocument.object_id)
        .where(indexed)
        .order_by(IndexedDocument.object_id)
    ).all()
    if not rows:
        return []
    links, owner = (
        (challenge_themes, challenge_themes.c.challenge_id)
        if kind == DocumentKind.CHALLENGE
        else (solution_themes, solution_themes.c.solution_id)
    )
    themes: dict[int, list[int]] = {}
    for object_id, theme_id in connection.execute(
        sa.select(owner, links.c.theme_id)
        .join(IndexedDocument, IndexedDocument.object_id == owner)
        .where(indexed)
    ):
        themes.setdefault(object_id, []).append(theme_id)
    vectors: dict[int, list[bytes]] = {}
    for document_id, vector in connection.execute(
        sa.select(StoredVector.document_id, StoredVector.vector)
        .join(IndexedDocument, IndexedDocument.id == StoredVector.document_id)
        .where(indexed, StoredVector.unit == VectorUnit.PASSAGE)
        .order_by(StoredVector.document_id, StoredVector.position)
    ):
        vectors.setdefault(document_id, []).append(vector)
    found = []
    for row in rows:
        stored = vectors.get(row.document_id, [])
        found.append(
            Stored(
                documents.build(kind, row, themes.get(row.id, ())),
                np.frombuffer(b"".join(stored), np.float32).reshape(len(stored), -1),
                row.generation,
            )
        )
    return found


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = [a for a in arrays if a.size]
    return np.vstack(arrays) if arrays else np.zeros((0, 0), dtype=np.float32)


# --- one per app ---------------------------------------------------------------------------


def live_index(app, bind: sa.Engine, embedder: Embedder, kind: DocumentKind) -> LiveIndex:
    """The app's index of ``kind`` for its database and model. Kept on the app, so each
    process (or each app in one process) follows the feed on its own, as workers do, while
    sharing the snapshots in ``MATCHING_INDEX_DIR``."""
    database = bind.url.render_as_string(hide_password=True)
    key = (database, embedder.name, kind)
    indexes = app.extensions.setdefault("matching_indexes", {})
    with _registry_lock:
        if key not in indexes:
            name = hashlib.sha256(f"{database}\x1f{embedder.name}".encode()).hexdigest()[:16]
            indexes[key] = LiveIndex(
                kind,
                embedder,
                Path(app.config["MATCHING_INDEX_DIR"]) / f"{name}-{kind.value}",
                int(app.config["MATCHING_SNAPSHOT_EVERY"]),
            )
        return indexes[key]


_registry_lock = threading.Lock()
