"""The engine's matches as fits a service lead can read: a band, the closest pair of sentences,
shared words, themes and maturity. Only the fits shown are explained, from their stored
sentences and their rows, read for them alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, selectinload

from challenges.models import STAGE_LABELS, Challenge
from marketplace.matches import vectors
from marketplace.matches.documents import (
    WANTED_MATURITY,
    document_for,
    model_of,
)
from marketplace.matches.gaps import evidence_gaps
from marketplace.matches.live import live_index
from marketplace.matches.models import DocumentKind
from marketplace.solutions.models import Maturity, Solution
from matching.bands import LEAST_COSINE, STRONG_COSINE_ALONE, band
from matching.documents import Document
from matching.embedders import Embedder
from matching.engine import Engine, LateInteraction, Match, maturity_gap, split_sentences

QUOTE_LENGTH = 280
TELLING_WORDS = 6

Allowed = Callable[[Engine], np.ndarray]


@dataclass(frozen=True)
class Reasons:
    """Why a fit was ranked where it is, in words a service lead can check for themselves."""

    summary: str  # in plain words, from the signals and the words in common
    query_sentence: str | None  # from the document we ranked for
    match_sentence: str | None  # from the document ranked
    sentence_similarity: float | None
    shared_terms: list[str]
    themes: list[str]
    maturity: str | None
    gaps: list[str]  # what the challenge asks for that the solution does not yet show


@dataclass(frozen=True)
class Fit:
    """``features`` are the normalised signals ``score`` weighs; ``position`` is the fit's
    place on the list (1: the top). Both are kept with a decision, to learn weights from."""

    object_id: int
    score: float
    band: str
    components: dict[str, float]
    reasons: Reasons
    features: dict[str, float]
    position: int | None


class StoredSentences:
    """The shortlisted documents' sentences and vectors, read from the database in one
    statement when the engine asks for them, and kept to explain the fits shown."""

    def __init__(self, session: Session, model: str, kind: DocumentKind):
        self.session, self.model, self.kind = session, model, kind
        self.found: dict[int, tuple[list[str], np.ndarray]] = {}

    def __call__(self, ids: list[str]) -> dict[str, np.ndarray]:
        self.read([int(i) for i in ids])
        return {i: self.found[int(i)][1] for i in ids if int(i) in self.found}

    def read(self, object_ids: list[int]) -> None:
        todo = [i for i in object_ids if i not in self.found]
        if todo:
            found = vectors.sentence_vectors(self.session, self.model, self.kind, todo)
            empty = ([], np.zeros((0, 0), np.float32))
            self.found.update({i: found.get(i, empty) for i in todo})


def engine_for(session: Session, embedder: Embedder, kind: DocumentKind) -> Engine:
    """This process's index of ``kind``, caught up with the change feed."""
    bind = session.get_bind()
    return live_index(current_app, bind, embedder, kind).engine(bind)


def rank(
    session: Session,
    embedder: Embedder,
    query: Challenge | Solution,
    kind: DocumentKind,
    allowed: Allowed,
    k: int = 10,
) -> list[tuple[Fit, Challenge | Solution]]:
    """The k best ``kind`` documents for ``query`` among those ``allowed`` lets through, each
    with its object (loaded with its themes, in one query for all of them)."""
    engine = engine_for(session, embedder, kind)
    mask = allowed(engine)
    pool = int(engine.candidates(None, mask).size)
    if not pool:
        return []
    document = document_for(query)
    passages, sentences = vectors.query_vectors(session, embedder, query, document)
    stored = StoredSentences(session, embedder.name, kind)
    matches = engine.rank(
        document,
        k=k,
        query_vectors=passages,
        allowed=mask,
        late=LateInteraction(sentences, stored),
    )
    return _explained(session, engine, kind, query, document, sentences, matches, pool, stored)


def fit_of(
    session: Session,
    embedder: Embedder,
    query: Challenge | Solution,
    kind: DocumentKind,
    allowed: Allowed,
    target: int,
) -> Fit | None:
    """One candidate's fit as it stands among those allowed, explained for it alone."""
    engine = engine_for(session, embedder, kind)
    mask = allowed(engine)
    document = document_for(query)
    passages, sentences = vectors.query_vectors(session, embedder, query, document)
    stored = StoredSentences(session, embedder.name, kind)
    match = engine.match_of(
        document,
        str(target),
        allowed=mask,
        query_vectors=passages,
        late=LateInteraction(sentences, stored),
    )
    if match is None:
        return None
    pool = int(engine.candidates(None, mask).size)
    [(fit, _other)] = _explained(
        session, engine, kind, query, document, sentences, [match], pool, stored
    )
    return fit


def _explained(session, engine, kind, query, document, sentence_vectors, matches, pool, stored):
    ids = [int(m.id) for m in matches]
    table = model_of(kind)
    others = {
        o.id: o
        for o in session.scalars(
            sa.select(table).where(table.id.in_(ids)).options(selectinload(table.themes))
        )
    }
    stored.read(ids)  # the shortlist's are read already
    their_sentences = stored.found
    query_sentences = split_sentences(document)
    query_themes = {str(t.id): t.name for t in query.themes}
    fits = []
    for match in matches:
        other = others[int(match.id)]
        other_document = document_for(other)
        said, said_vectors = their_sentences.get(other.id, ([], np.zeros((0, 0), np.float32)))
        quoted = _closest_sentences(query_sentences, sentence_vectors, said, said_vectors)
        shared = engine.lexical.shared_terms(document.full_text, other_document.full_text)
        fits.append(
            (
                Fit(
                    object_id=other.id,
                    score=match.score,
                    band=band(match, pool),
                    components=match.components,
                    reasons=Reasons(
                        summary(match, shared),
                        *quoted,
                        shared_terms=shared,
                        themes=sorted(
                            name
                            for theme_id, name in query_themes.items()
                            if theme_id in other_document.themes
                        ),
                        maturity=maturity_reason(document, other_document),
                        gaps=(
                            evidence_gaps(query, other)
                            if kind == DocumentKind.SOLUTION
                            else evidence_gaps(other, query)
                        ),
                    ),
                    features=match.features,
                    position=match.position,
                ),
                other,
            )
        )
    return fits


def summary(match: Match, shared: list[str]) -> str:
    """One sentence on why, from what was measured: how close the meaning is (the cosine
    bands of ``matching.bands``) and which telling words the texts share."""
    dense = match.components["dense"]
    if dense >= STRONG_COSINE_ALONE:
        meaning = "Close in meaning"
    elif dense >= LEAST_COSINE:
        meaning = "Related in meaning"
    else:
        meaning = "Only loosely related in meaning"
    if not shared:
        return f"{meaning}, with no telling words in common."
    return f"{meaning}, and both talk of {_listed(shared)}."


def _listed(items: list[str]) -> str:
    quoted = [f"“{item}”" for item in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _closest_sentences(sentences, sentence_vectors, their_sentences, their_vectors):
    if not (len(sentence_vectors) and len(their_vectors)):
        return None, None, None
    pairs = sentence_vectors @ their_vectors.T
    # Short lines ("Ward nurses.") match each other readily but explain little.
    pairs[~_telling(sentences), :] -= 2.0
    pairs[:, ~_telling(their_sentences)] -= 2.0
    mine, theirs = np.unravel_index(int(pairs.argmax()), pairs.shape)
    similarity = round(float(sentence_vectors[mine] @ their_vectors[theirs]), 3)
    return quote(sentences[mine]), quote(their_sentences[theirs]), similarity


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
