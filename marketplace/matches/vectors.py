"""Passage and sentence vectors kept in the database, keyed by model and content hash, so
unchanged text is never encoded twice (and the index is never built by encoding)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import Challenge
from marketplace.db import utcnow
from marketplace.matches.documents import (
    content_hash,
    document_for,
    hashed_texts,
    indexable,
    kind_of,
    model_of,
    row_hash,
)
from marketplace.matches.models import DocumentKind, IndexedDocument, StoredVector, VectorUnit
from marketplace.solutions.models import Solution
from matching.documents import Document
from matching.embedders import Embedder
from matching.engine import encode, split_document, split_sentences

BATCH = 2000  # objects read at once when looking for changed texts


@dataclass(frozen=True)
class IndexReport:
    encoded: int  # documents whose text was new or changed
    unchanged: int  # documents whose stored vectors were still current
    texts: int  # passages and sentences encoded


def index(
    session: Session,
    embedder: Embedder,
    objects: Iterable[Challenge | Solution],
    progress=None,
    force: bool = False,
) -> IndexReport:
    """Store vectors for every object whose text changed since it was last encoded by this
    model (``force``: every object). All new texts go to the model together, so batching works
    for a whole re-index.
    ``progress``: a tqdm-like bar; its total is set once the texts to encode are known."""
    objects = list(objects)
    stored = _stored_documents(session, embedder.name, objects)
    todo = []
    for obj in objects:
        document = document_for(obj)
        digest = content_hash(document)
        row = stored.get((kind_of(obj), obj.id))
        if row is not None and row.content_hash == digest and not force:
            continue
        todo.append((obj, digest, split_document(document, embedder), split_sentences(document)))
    texts = [t for *_, passage_texts, sentences in todo for t in (*passage_texts, *sentences)]
    if progress is not None:
        progress.total = len(texts)
        progress.refresh()
    vectors = encode(embedder, texts, progress.update if progress is not None else None)
    at = 0
    for obj, digest, passage_texts, sentences in todo:
        row = stored.get((kind_of(obj), obj.id))
        if row is None:
            row = IndexedDocument(kind=kind_of(obj), object_id=obj.id, model=embedder.name)
            session.add(row)
        row.content_hash = digest
        row.indexed_at = utcnow()
        row.vectors.clear()
        session.flush()  # old vectors out before new ones take their slots
        for unit, unit_texts in (
            (VectorUnit.PASSAGE, passage_texts),
            (VectorUnit.SENTENCE, sentences),
        ):
            for position, text in enumerate(unit_texts):
                row.vectors.append(
                    StoredVector(
                        unit=unit, position=position, text=text, vector=vectors[at].tobytes()
                    )
                )
                at += 1
    session.flush()
    return IndexReport(encoded=len(todo), unchanged=len(objects) - len(todo), texts=len(texts))


def _stored_documents(session: Session, model: str, objects) -> dict:
    found = {}
    for kind in DocumentKind:
        ids = [o.id for o in objects if kind_of(o) == kind]
        for start in range(0, len(ids), 1000):
            for row in session.scalars(
                sa.select(IndexedDocument)
                .where(
                    IndexedDocument.kind == kind,
                    IndexedDocument.model == model,
                    IndexedDocument.object_id.in_(ids[start : start + 1000]),
                )
                .options(selectinload(IndexedDocument.vectors))
            ):
                found[(kind, row.object_id)] = row
    return found


def reindex(
    session: Session, embedder: Embedder, kind: DocumentKind, progress=None, force: bool = False
) -> IndexReport:
    """Encode every indexable ``kind`` whose text changed since this model last encoded it.
    Texts are compared by hash over plain rows, a batch at a time, so finding nothing to do
    reads each row once and builds no objects."""
    table = model_of(kind)
    stored = dict(
        session.execute(
            sa.select(IndexedDocument.object_id, IndexedDocument.content_hash).where(
                IndexedDocument.model == embedder.name, IndexedDocument.kind == kind
            )
        ).all()
    )
    criteria = indexable(kind).whereclause
    changed, total = [], 0
    for row in session.execute(
        sa.select(*hashed_texts(kind)).where(criteria).order_by(table.id)
    ).yield_per(BATCH):
        total += 1
        if force or stored.get(row.id) != row_hash(row):
            changed.append(row.id)
    texts = 0
    for start in range(0, len(changed), BATCH):
        objects = session.scalars(
            sa.select(table)
            .where(table.id.in_(changed[start : start + BATCH]))
            .options(selectinload(table.themes))
        ).all()
        texts += index(session, embedder, objects, progress=progress, force=force).texts
    return IndexReport(encoded=len(changed), unchanged=total - len(changed), texts=texts)


def sentence_vectors(
    session: Session, model: str, kind: DocumentKind, object_ids: list[int]
) -> dict[int, tuple[list[str], np.ndarray]]:
    """The sentences (and their vectors) of the documents shown, for quoting reasons."""
    found: dict[int, tuple[list[str], list[bytes]]] = {}
    for object_id, text, vector in session.execute(
        sa.select(IndexedDocument.object_id, StoredVector.text, StoredVector.vector)
        .join(StoredVector, StoredVector.document_id == IndexedDocument.id)
        .where(
            IndexedDocument.model == model,
            IndexedDocument.kind == kind,
            IndexedDocument.object_id.in_(object_ids),
            StoredVector.unit == VectorUnit.SENTENCE,
        )
        .order_by(IndexedDocument.object_id, StoredVector.position)
    ):
        texts, vectors = found.setdefault(object_id, ([], []))
        texts.append(text)
        vectors.append(vector)
    return {
        object_id: (
            texts,
            np.frombuffer(b"".join(vectors), np.float32).reshape(len(vectors), -1),
        )
        for object_id, (texts, vectors) in found.items()
    }


def query_vectors(
    session: Session, embedder: Embedder, obj, document: Document | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The object's passage and sentence vectors: the stored ones when they are current,
    otherwise encoded now and not stored (a draft being checked, or a change a background
    worker has not reached yet). ``document``: the object's, when the caller has it already."""
    document = document or document_for(obj)
    row = session.scalar(
        sa.select(IndexedDocument)
        .where(
            IndexedDocument.kind == kind_of(obj),
            IndexedDocument.object_id == obj.id,
            IndexedDocument.model == embedder.name,
        )
        .options(selectinload(IndexedDocument.vectors))
    )
    if row is not None and row.content_hash == content_hash(document):
        by_unit = {unit: [] for unit in VectorUnit}
        for vector in row.vectors:
            by_unit[vector.unit].append(vector.vector)
        return _matrix(by_unit[VectorUnit.PASSAGE]), _matrix(by_unit[VectorUnit.SENTENCE])
    texts = split_document(document, embedder)
    sentences = split_sentences(document)
    vectors = encode(embedder, texts + sentences)  # never empty: a document has a passage
    return vectors[: len(texts)], vectors[len(texts) :]


def _matrix(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), np.float32).reshape(len(blobs), -1)
