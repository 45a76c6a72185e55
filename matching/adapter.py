"""The one place the engine meets our models.

It turns challenges and solutions into engine documents, keeps their passage and sentence
vectors in the database (keyed by model and content hash, so unchanged text is never encoded
twice), holds one in-process engine per corpus that rebuilds itself when the database says the
corpus changed (also when another process changed it), and turns the engine's matches into fits
a service lead can read: a band, the closest pair of sentences, shared words, themes, maturity.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import STAGE_LABELS, Challenge, SolutionStageWanted, Theme, challenge_themes
from marketplace.db import utcnow
from marketplace.matches.models import DocumentKind, IndexedDocument, StoredVector, VectorUnit
from marketplace.solutions.models import Maturity, Solution, solution_themes
from matching import passages
from matching.documents import Document
from matching.embedders import Embedder
from matching.engine import Engine, Match, Weights, encode, maturity_gap, split_document

# What a challenge asks for, in the engine's maturity scale.
WANTED_MATURITY = {
    SolutionStageWanted.EARLY_IDEA: "idea",
    SolutionStageWanted.PROTOTYPE: "prototype",
    SolutionStageWanted.PILOTED: "piloted",
    SolutionStageWanted.EVIDENCED: "evidence",
    SolutionStageWanted.DEPLOYABLE_NOW: "market_ready",
}
MAX_SENTENCES = 60  # per document, for explaining matches; the passages still cover everything
QUOTE_LENGTH = 280


def challenge_document(challenge: Challenge) -> Document:
    """The need, who it affects, the outcomes wanted and the constraints it must work within."""
    parts = [
        challenge.need,
        challenge.affected,
        challenge.outcomes,
        challenge.setting,
        challenge.integration,
        challenge.information_governance,
    ]
    return Document(
        id=str(challenge.id),
        kind=DocumentKind.CHALLENGE.value,
        title=challenge.title,
        text="\n".join(p for p in parts if p),
        themes=frozenset(t.name for t in challenge.themes),
        maturity=WANTED_MATURITY.get(challenge.stage_wanted),
    )


def solution_document(solution: Solution) -> Document:
    """What it is, what it does, who it is for and the evidence behind it."""
    parts = [solution.summary, solution.description, solution.audience, solution.evidence]
    return Document(
        id=str(solution.id),
        kind=DocumentKind.SOLUTION.value,
        title=solution.title,
        text="\n".join(p for p in parts if p),
        themes=frozenset(t.name for t in solution.themes),
        maturity=solution.maturity.value if solution.maturity else None,
    )


def document_for(obj: Challenge | Solution) -> Document:
    return challenge_document(obj) if isinstance(obj, Challenge) else solution_document(obj)


def kind_of(obj: Challenge | Solution) -> DocumentKind:
    return DocumentKind.CHALLENGE if isinstance(obj, Challenge) else DocumentKind.SOLUTION


def content_hash(document: Document) -> str:
    """Of the text the vectors are made from; themes and maturity are read fresh each time."""
    return hashlib.sha256(f"{document.title}\x1f{document.text}".encode()).hexdigest()


def reason_sentences(document: Document) -> list[str]:
    """The title and the text's sentences: the units a match is explained by."""
    found = [document.title] if document.title else []
    found += passages.sentences(document.text)
    return found[:MAX_SENTENCES]


# --- storing vectors ---------------------------------------------------------------------------


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
    todo: list[tuple[Challenge | Solution, Document, str, list[str], list[str]]] = []
    for obj in objects:
        document = document_for(obj)
        digest = content_hash(document)
        row = stored.get((kind_of(obj), obj.id))
        if row is not None and row.content_hash == digest and not force:
            continue
        todo.append(
            (obj, document, digest, split_document(document, embedder), reason_sentences(document))
        )
    texts = [t for *_, passage_texts, sentences in todo for t in (*passage_texts, *sentences)]
    if progress is not None:
        progress.total = len(texts)
        progress.refresh()
    vectors = encode(embedder, texts, progress.update if progress is not None else None)
    at = 0
    for obj, _document, digest, passage_texts, sentences in todo:
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
        if not ids:
            continue
        for row in session.scalars(
            sa.select(IndexedDocument).where(
                IndexedDocument.kind == kind,
                IndexedDocument.model == model,
                IndexedDocument.object_id.in_(ids),
            )
        ):
            found[(kind, row.object_id)] = row
    return found


def indexable(kind: DocumentKind) -> sa.Select:
    """Everything that can take part in matching: challenges from submission on (the similar-
    challenge prompt and the reviewers see them), solutions once published."""
    if kind == DocumentKind.CHALLENGE:
        return sa.select(Challenge).where(Challenge.submitted_at.is_not(None))
    return sa.select(Solution).where(Solution.published_at.is_not(None))


# --- the in-process engines ------------------------------------------------------------------


@dataclass
class Corpus:
    """One engine over every indexed document of a kind, plus their sentences for reasons."""

    engine: Engine
    sentences: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)


_corpora: dict[tuple[str, str], tuple[tuple, Corpus]] = {}
_lock = threading.Lock()


def corpus(session: Session, embedder: Embedder, kind: DocumentKind, weights: Weights) -> Corpus:
    """The current engine for ``kind``: rebuilt only when the database's fingerprint of that
    corpus moved, so a write by any process is seen on the next request."""
    key = (kind.value, embedder.name)
    mark = (_fingerprint(session, embedder.name, kind), weights)
    with _lock:
        cached = _corpora.get(key)
        if cached and cached[0] == mark:
            return cached[1]
    built = _build(session, embedder, kind, weights)
    with _lock:
        _corpora[key] = (mark, built)
    return built


def _fingerprint(session: Session, model: str, kind: DocumentKind) -> tuple:
    """Cheap aggregates that move whenever anything the engine holds could have: vectors
    stored, the indexable rows' text or state (``updated_at``), their themes (a many-to-many
    change writes no row of its own) and theme names."""
    indexed = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(IndexedDocument.indexed_at),
            sa.func.max(IndexedDocument.id),
        ).where(IndexedDocument.model == model, IndexedDocument.kind == kind)
    ).one()
    table, links, owner = (
        (Challenge, challenge_themes, challenge_themes.c.challenge_id)
        if kind == DocumentKind.CHALLENGE
        else (Solution, solution_themes, solution_themes.c.solution_id)
    )
    rows = session.execute(
        indexable(kind).with_only_columns(sa.func.count(), sa.func.max(table.updated_at))
    ).one()
    themed = session.execute(
        sa.select(sa.func.count(), sa.func.sum(owner * 4096 + links.c.theme_id))
    ).one()
    names = tuple(session.execute(sa.select(Theme.id, Theme.name).order_by(Theme.id)))
    return (*indexed, *rows, *themed, names)


def _build(session: Session, embedder: Embedder, kind: DocumentKind, weights: Weights) -> Corpus:
    table = Challenge if kind == DocumentKind.CHALLENGE else Solution
    rows = session.execute(
        sa.select(IndexedDocument, table)
        .join(table, table.id == IndexedDocument.object_id)
        .where(IndexedDocument.model == embedder.name, IndexedDocument.kind == kind)
        .options(selectinload(IndexedDocument.vectors), selectinload(table.themes))
        .order_by(IndexedDocument.object_id)
    ).all()
    documents, passage_texts, owners, vectors, sentences = [], [], [], [], {}
    for position, (row, obj) in enumerate(rows):
        document = document_for(obj)
        documents.append(document)
        said, said_vectors = [], []
        for vector in row.vectors:
            array = np.frombuffer(vector.vector, dtype=np.float32)
            if vector.unit == VectorUnit.PASSAGE:
                passage_texts.append(vector.text)
                owners.append(position)
                vectors.append(array)
            else:
                said.append(vector.text)
                said_vectors.append(array)
        sentences[document.id] = (said, _stack(said_vectors))
    engine = Engine(
        documents,
        embedder,
        weights,
        vectors=_stack(vectors),
        owners=np.asarray(owners, dtype=np.int64),
        passage_texts=passage_texts,
    )
    return Corpus(engine, sentences)


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    return np.vstack(arrays) if arrays else np.zeros((0, 0), dtype=np.float32)


# --- ranking, with reasons -----------------------------------------------------------------


@dataclass(frozen=True)
class Reasons:
    """Why a fit was ranked where it is, in words a service lead can check for themselves."""

    query_sentence: str | None  # from the document we ranked for
    match_sentence: str | None  # from the document ranked
    sentence_similarity: float | None
    shared_terms: list[str]
    themes: list[str]
    maturity: str | None


@dataclass(frozen=True)
class Fit:
    object_id: int
    score: float
    band: str
    components: dict[str, float]
    reasons: Reasons


BANDS = ("strong", "good", "possible")
SMALL_POOL = 5  # below this many candidates, standing among them says little


def band(match: Match, pool: int) -> str:
    """A band rather than a bare number. The cosine says whether the texts are about the same
    thing at all; the blended score says how far a fit stands out from the other candidates,
    which only means something when there are enough of them."""
    dense = match.components["dense"]
    stands_out = pool < SMALL_POOL
    if dense >= 0.55 and (stands_out or match.score >= 1.0):
        return "strong"
    if dense >= 0.4 and (stands_out or match.score >= 0.5):
        return "good"
    return "possible"


def rank(
    session: Session,
    embedder: Embedder,
    query: Challenge | Solution,
    kind: DocumentKind,
    only: Iterable[int],
    k: int = 10,
    weights: Weights | None = None,
) -> list[Fit]:
    """The k best ``kind`` documents for ``query`` among the ids in ``only``."""
    ranked = _rank(session, embedder, query, kind, only, k, weights, explain=True)
    return [_fit(*item) for item in ranked]


def fit_of(
    session: Session,
    embedder: Embedder,
    query: Challenge | Solution,
    kind: DocumentKind,
    only: Iterable[int],
    target: int,
    weights: Weights | None = None,
) -> Fit | None:
    """One candidate's fit as it stands among ``only``, explained for that candidate alone."""
    only = set(only)
    for match, *rest in _rank(session, embedder, query, kind, only, len(only), weights, False):
        if match.id == str(target):
            found, document = rest[0], rest[1]
            other = found.engine.documents[found.engine.positions[match.id]]
            match = replace(
                match,
                shared_terms=found.engine.lexical.shared_terms(document.full_text, other.full_text),
            )
            return _fit(match, *rest)
    return None


def _rank(session, embedder, query, kind, only, k, weights, explain):
    only = {str(i) for i in only}
    if not only:
        return []
    found = corpus(session, embedder, kind, weights or Weights())
    document = document_for(query)
    query_passages, query_sentences = _query_vectors(session, embedder, query, document)
    matches = found.engine.rank(
        document, k=k, only=only, query_vectors=query_passages, explain=explain
    )
    sentences = reason_sentences(document)
    return [(m, found, document, sentences, query_sentences, len(only)) for m in matches]


def _fit(match, found, document, sentences, query_sentences, pool) -> Fit:
    return Fit(
        object_id=int(match.id),
        score=match.score,
        band=band(match, pool),
        components=match.components,
        reasons=_reasons(found, document, match, sentences, query_sentences),
    )


def indexed_ids(session: Session, embedder: Embedder, kind: DocumentKind) -> set[int]:
    return set(
        session.scalars(
            sa.select(IndexedDocument.object_id).where(
                IndexedDocument.model == embedder.name, IndexedDocument.kind == kind
            )
        )
    )


def _query_vectors(session, embedder, query, document) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors when they are current, otherwise encoded now and not stored (a draft
    being checked, or a change a background worker has not reached yet)."""
    row = session.scalar(
        sa.select(IndexedDocument)
        .where(
            IndexedDocument.kind == kind_of(query),
            IndexedDocument.object_id == query.id,
            IndexedDocument.model == embedder.name,
        )
        .options(selectinload(IndexedDocument.vectors))
    )
    if row is not None and row.content_hash == content_hash(document):
        by_unit = {unit: [] for unit in VectorUnit}
        for vector in row.vectors:
            by_unit[vector.unit].append(np.frombuffer(vector.vector, dtype=np.float32))
        return _stack(by_unit[VectorUnit.PASSAGE]), _stack(by_unit[VectorUnit.SENTENCE])
    texts = split_document(document, embedder)
    sentences = reason_sentences(document)
    vectors = encode(embedder, texts + sentences)  # never empty: a document has a passage
    return vectors[: len(texts)], vectors[len(texts) :]


def _reasons(found: Corpus, query: Document, match: Match, sentences, sentence_vectors) -> Reasons:
    other = found.engine.documents[found.engine.positions[match.id]]
    query_sentence = match_sentence = similarity = None
    their_sentences, their_vectors = found.sentences.get(match.id, ([], _stack([])))
    if len(sentence_vectors) and len(their_vectors):
        pairs = sentence_vectors @ their_vectors.T
        # Short lines ("Ward nurses.") match each other readily but explain little.
        pairs[~_telling(sentences), :] -= 2.0
        pairs[:, ~_telling(their_sentences)] -= 2.0
        mine, theirs = np.unravel_index(int(pairs.argmax()), pairs.shape)
        query_sentence = quote(sentences[mine])
        match_sentence = quote(their_sentences[theirs])
        similarity = round(float(sentence_vectors[mine] @ their_vectors[theirs]), 3)
    return Reasons(
        query_sentence=query_sentence,
        match_sentence=match_sentence,
        sentence_similarity=similarity,
        shared_terms=match.shared_terms,
        themes=sorted(query.themes & other.themes),
        maturity=maturity_reason(query, other),
    )


TELLING_WORDS = 6


def _telling(sentences: list[str]) -> np.ndarray:
    """Sentences long enough to explain a match; all of them if none is."""
    long_enough = np.array([len(s.split()) >= TELLING_WORDS for s in sentences], dtype=bool)
    return long_enough if long_enough.any() else np.ones(len(sentences), dtype=bool)


def quote(text: str) -> str:
    """A sentence short enough to read at a glance, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= QUOTE_LENGTH:
        return text
    return text[:QUOTE_LENGTH].rsplit(" ", 1)[0] + " …"


WANTED_LABELS = {value: STAGE_LABELS[stage] for stage, value in WANTED_MATURITY.items()}


def maturity_reason(query: Document, other: Document) -> str | None:
    gap = maturity_gap(query, other)
    if gap is None:
        return None
    challenge, solution = (other, query) if query.kind == "solution" else (query, other)
    wanted = WANTED_LABELS[challenge.maturity].lower()
    offered = Maturity(solution.maturity).label.lower()
    if gap <= 0:
        return f"The service wants: {wanted}. The solution is at “{offered}”, which meets it."
    stages = "one stage" if gap == 1 else f"{gap} stages"
    return f"The service wants: {wanted}. The solution is at “{offered}”, {stages} short of it."
