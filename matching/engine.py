"""Rank documents for a query document by a blend of meaning (embeddings) and shared words
(BM25), plus structured signals when present (themes in common, maturity fit).

Ranking runs in two stages. The first scores every candidate: the best passage cosine and BM25,
each min-max normalised over the candidates, so that the best candidate on either signal scores
1 and the weights mean the same thing for every query and every filter. The second takes the
first stage's ``SHORTLIST`` best and adds late interaction: each of the query's sentences finds
its closest sentence in the candidate, and their cosines are averaged, which rewards a candidate
that answers every part of a long need rather than one passage of it. Sentence vectors are the
ones stored to explain fits, so only the shortlist's are read.

How this was chosen (``bench/bench_fusion.py``, nDCG@10; nhs-dev full needs, nhs-dev titles,
SciFact train): z-scores with dense 0.7 gave 0.958, 0.901, 0.744, worse than BM25 alone on full
needs (0.964); min-max with dense 0.6 gave 0.971, 0.930, 0.740 and was chosen by every fitting
set; adding late interaction on the shortlist gave 0.974, 0.940, 0.751. Weights that depend on
the query's length, reciprocal rank fusion, BM25 over titles, pseudo-relevance feedback and
dropping the corpus's commonest words did not help on every set and are not used.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import numpy as np

from matching import passages
from matching.dense import PassageIndex, top_k
from matching.documents import Document
from matching.embedders import Embedder
from matching.lexical import BM25

METHODS = ("lexical", "dense", "hybrid")
COMPONENTS = ("dense", "late", "lexical", "themes", "maturity")
ENCODE_CHUNK = 1024  # texts per encode call: the model sorts each call by length, so large
SHORTLIST = 30  # first-stage fits given late interaction (30 to 200 measured the same)
MAX_SENTENCES = 60  # per document; the passages still cover everything

# Each shortlisted document's sentence vectors, by document id (``{}`` for none known).
SentenceSource = Callable[[list[str]], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Weights:
    """The blend of min-max normalised signals, chosen on nhs-dev and SciFact train (see the
    module's docstring). Themes and maturity are not fitted (SciFact has neither): they are
    kept small enough to reorder near-ties rather than outvote the text. Without sentence
    vectors the late interaction weight goes to the passage cosine."""

    dense: float = 0.35
    late: float = 0.35
    lexical: float = 0.3
    themes: float = 0.1
    maturity: float = 0.05


@dataclass(frozen=True)
class Match:
    """``components``: the raw signals; ``features``: the normalised values the weights
    multiply (``score`` is their weighted sum, for a hybrid ranking), kept with a decision so
    weights can be learned from decisions later; ``position``: 1 for the best candidate, as a
    decision's position on the list it was taken from. ``shared_terms`` only when asked to
    explain."""

    id: str
    score: float
    components: dict[str, float]
    shared_terms: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    position: int | None = None


@dataclass(frozen=True)
class LateInteraction:
    """What the second stage needs: the query's sentence vectors and where to read the
    shortlisted documents' own."""

    query_sentences: np.ndarray
    source: SentenceSource


def min_max(scores: np.ndarray) -> np.ndarray:
    """Scale one query's scores to 0..1 over the candidates; a flat list carries no preference
    (all zero)."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-12:
        return np.zeros_like(scores, dtype=np.float64)
    return (scores - low) / (high - low)


def late_interaction(query_sentences: np.ndarray, sentences: np.ndarray) -> float:
    """The mean over the query's sentences of each one's best cosine among ``sentences``."""
    if not len(query_sentences) or not len(sentences):
        return -1.0
    return float((query_sentences @ sentences.T).max(axis=1).mean())


def split_document(document: Document, embedder: Embedder) -> list[str]:
    return passages.split(document.title, document.text, embedder.count_tokens, embedder.max_tokens)


def split_sentences(document: Document) -> list[str]:
    """The title and the text's sentences: the units of late interaction, and the ones a fit is
    explained by (its closest pair of sentences)."""
    found = [document.title] if document.title else []
    found += passages.sentences(document.text)
    return found[:MAX_SENTENCES]


def encode(
    embedder: Embedder, texts: list[str], progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """Vectors for many texts, in chunks so a progress bar can follow."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    chunks = []
    for start in range(0, len(texts), ENCODE_CHUNK):
        chunk = texts[start : start + ENCODE_CHUNK]
        chunks.append(embedder.encode(chunk))
        if progress:
            progress(len(chunk))
    return np.vstack(chunks)


class Engine:
    """An index of documents in numbered slots that can change one document at a time.

    ``Engine(documents, embedder)`` indexes a fixed list (the evaluation and tests do this);
    ``vectors``/``owners``/``passage_texts`` supply passage vectors stored earlier, so nothing
    is encoded again. A long-lived index takes changes through ``changed``, which returns a new
    engine and leaves this one as it was, so readers in other threads are never disturbed.
    ``keep_texts=False`` holds no text in memory (explanations then need the caller's texts).
    """

    def __init__(
        self,
        documents: list[Document],
        embedder: Embedder | None,
        weights: Weights | None = None,
        vectors: np.ndarray | None = None,
        owners: np.ndarray | None = None,
        passage_texts: list[str] | None = None,
        progress: Callable[[int], None] | None = None,
        keep_texts: bool = True,
    ):
        self.embedder = embedder
        self.weights = weights or Weights()
        self.ids = [d.id for d in documents]
        self.positions = {d.id: i for i, d in enumerate(documents)}
        self.texts = {d.id: d.full_text for d in documents} if keep_texts else None
        self.lexical = BM25([d.full_text for d in documents])
        self.facts = Facts.of(documents)
        self.passage_texts = passage_texts or []
        self.index = None
        if embedder is not None:
            if vectors is None:
                self.passage_texts, owners = self.split_all(documents, embedder)
                vectors = encode(embedder, self.passage_texts, progress)
            self.index = PassageIndex(vectors, owners, len(documents))

    @classmethod
    def from_parts(cls, ids, lexical, facts, index, embedder, weights=None) -> Engine:
        """An engine over saved parts (see ``matching.store``), holding no text."""
        self = cls.__new__(cls)
        self.embedder = embedder
        self.weights = weights or Weights()
        self.ids = list(ids)
        self.positions = {d: i for i, d in enumerate(self.ids)}
        self.texts = None
        self.lexical = lexical
        self.facts = facts
        self.passage_texts = []
        self.index = index
        return self

    def with_weights(self, weights: Weights) -> Engine:
        """The same index ranking by other weights (nothing is copied or encoded again)."""
        twin = Engine.__new__(Engine)
        twin.__dict__.update(self.__dict__)
        twin.weights = weights
        return twin

    @staticmethod
    def split_all(documents: list[Document], embedder: Embedder) -> tuple[list[str], np.ndarray]:
        texts, owners = [], []
        for position, document in enumerate(documents):
            for passage in split_document(document, embedder):
                texts.append(passage)
                owners.append(position)
        return texts, np.asarray(owners, dtype=np.int64)

    @property
    def n_slots(self) -> int:
        return len(self.ids)

    @property
    def n_documents(self) -> int:
        return int(self.facts.live.sum())

    # --- changes ---------------------------------------------------------------------------

    def changed(
        self,
        upserts: list[tuple[Document, np.ndarray | None]] = (),
        removals: Collection[str] = (),
    ) -> Engine:
        """A new engine with these documents added or replaced (each with its passage vectors,
        or None to encode them now) and these ids taken out. This one is left as it was."""
        twin = Engine.__new__(Engine)
        twin.__dict__.update(self.__dict__)
        twin.ids = list(self.ids)
        twin.positions = dict(self.positions)
        twin.texts = dict(self.texts) if self.texts is not None else None
        twin.lexical = self.lexical.copy()
        twin.facts = self.facts.copy()
        twin.index = self.index.copy() if self.index is not None else None
        for document, vectors in upserts:
            twin._upsert(document, vectors)
        for document_id in removals:
            slot = twin.positions.get(document_id)
            if slot is not None:
                twin.lexical.remove(slot)
                twin.facts.remove(slot)
                if twin.index is not None:
                    twin.index.replace(slot, np.zeros((0, 0), np.float32))
                if twin.texts is not None:
                    twin.texts.pop(document_id, None)
        twin.lexical.finish()
        return twin

    def _upsert(self, document: Document, vectors: np.ndarray | None) -> None:
        slot = self.positions.get(document.id)
        if slot is None:
            slot = len(self.ids)
            self.ids.append(document.id)
            self.positions[document.id] = slot
        self.lexical.replace(slot, document.full_text)
        self.facts.replace(slot, document)
        if self.texts is not None:
            self.texts[document.id] = document.full_text
        if self.index is not None:
            if vectors is None:
                vectors = self.embedder.encode(split_document(document, self.embedder))
            self.index.replace(slot, vectors)

    # --- ranking ---------------------------------------------------------------------------

    def rank(
        self,
        query: Document,
        k: int = 10,
        method: str = "hybrid",
        only: Collection[str] | None = None,
        query_vectors: np.ndarray | None = None,
        explain: bool = False,
        allowed: np.ndarray | None = None,
        late: LateInteraction | None = None,
    ) -> list[Match]:
        """The k best documents for ``query``.

        ``only``: ids of the documents allowed to match; ``allowed``: the same as a boolean
        mask over slots (filters are applied before ranking, so normalisation sees only real
        candidates). ``query_vectors``: the query's passage vectors if already known
        (otherwise its passages are encoded now). ``late``: sentence vectors for the second
        stage of a hybrid ranking (without them the first stage decides). ``explain``: add the
        shared terms that weighed most in the lexical score (needs the texts kept in memory).
        """
        candidates = self.candidates(only, allowed)
        if candidates.size == 0:
            return []
        scores = self.scores(query, candidates, method, query_vectors)
        order = scores["total"]
        if method == "hybrid" and late is not None:
            order = self._second_stage(scores, top_k(scores["total"], SHORTLIST), late)
        return [
            self._match(query, scores, i, explain, position)
            for position, i in enumerate(top_k(order, k), start=1)
        ]

    def match_of(
        self,
        query: Document,
        target: str,
        method: str = "hybrid",
        allowed: np.ndarray | None = None,
        query_vectors: np.ndarray | None = None,
        late: LateInteraction | None = None,
    ) -> Match | None:
        """``target``'s match as it stands among the allowed candidates (None when it is not
        one of them): the score ``rank`` would give it, without ranking everything. Outside the
        shortlist it is scored as if it had been shortlisted."""
        candidates = self.candidates(None, allowed)
        slot = self.positions.get(target)
        where = np.flatnonzero(candidates == slot) if slot is not None else []
        if not len(where):
            return None
        mine = int(where[0])
        scores = self.scores(query, candidates, method, query_vectors)
        first = scores["total"].copy()
        position = 1 + int((first > first[mine]).sum())  # outside the shortlist, or one stage
        if method == "hybrid" and late is not None:
            shortlist = top_k(first, SHORTLIST)
            inside = mine in shortlist
            order = self._second_stage(
                scores, shortlist if inside else np.append(shortlist, mine), late
            )
            if inside:
                position = 1 + int((order[shortlist] > order[mine]).sum())
        return self._match(query, scores, mine, explain=False, position=position)

    def scores(
        self,
        query: Document,
        candidates: np.ndarray,
        method: str = "hybrid",
        query_vectors: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Each signal and the first stage's blend, for each candidate slot in turn. Signals are
        normalised over the candidates only, so a filter changes what "stands out" means."""
        lexical = self.lexical.scores(query.full_text)[candidates]
        dense = np.zeros(candidates.size, dtype=np.float32)
        if method != "lexical" and self.index is not None:
            if query_vectors is None:
                query_vectors = self.embedder.encode(split_document(query, self.embedder))
            dense = self.index.document_scores(query_vectors)[candidates]
        themes = self.facts.theme_overlap(query.themes, candidates)
        maturity = self.facts.maturity_fit(query, candidates)
        if method == "lexical":
            total = lexical.astype(np.float64)
        elif method == "dense":
            total = dense.astype(np.float64)
        features = {
            "dense": min_max(dense),
            "late": min_max(dense),  # stands in until the second stage works it out
            "lexical": min_max(lexical),
            "themes": themes.astype(np.float64),
            "maturity": maturity.astype(np.float64),
        }
        if method not in ("lexical", "dense"):
            w = self.weights
            total = sum(getattr(w, name) * values for name, values in features.items())
        return {
            "features": features,
            "total": total,
            "dense": dense,
            "late": np.full(candidates.size, np.nan),
            "lexical": lexical,
            "themes": themes,
            "maturity": maturity,
            "slots": candidates,
        }

    def _second_stage(self, scores: dict, shortlist: np.ndarray, late: LateInteraction):
        """Give the shortlisted candidates (positions in ``scores``) their late interaction, in
        place, and return the order to rank by: the shortlist by its new totals, then everyone
        else in first-stage order. Late interaction is scaled on the passage cosine's range over
        all the candidates (both are cosines of the same model), widened if it reaches higher,
        so a short list does not stretch small differences into large ones."""
        ids = [self.ids[scores["slots"][i]] for i in shortlist]
        found = late.source(ids)
        empty = np.zeros((0, 0), dtype=np.float32)
        values = np.array(
            [late_interaction(late.query_sentences, found.get(i, empty)) for i in ids]
        )
        dense = scores["dense"]
        low = float(dense.min())
        high = max(float(dense.max()), float(values.max()))
        scaled = (values - low) / max(high - low, 1e-12)
        w = self.weights
        total = scores["total"]
        first = total.copy()
        features = scores["features"]
        total[shortlist] += w.late * (scaled - features["late"][shortlist])
        features["late"][shortlist] = scaled
        scores["late"][shortlist] = values
        order = first - first.max() - 10.0  # the rest, after every shortlisted fit
        order[shortlist] = total[shortlist]
        return order

    def _match(
        self, query: Document, scores: dict, i: int, explain: bool, position: int | None = None
    ) -> Match:
        document_id = self.ids[scores["slots"][i]]
        components = {name: float(scores[name][i]) for name in COMPONENTS}
        if np.isnan(components["late"]):  # outside the shortlist: never worked out
            del components["late"]
        return Match(
            id=document_id,
            score=float(scores["total"][i]),
            components=components,
            shared_terms=(
                self.lexical.shared_terms(query.full_text, self.texts[document_id])
                if explain
                else []
            ),
            features={name: float(values[i]) for name, values in scores["features"].items()},
            position=position,
        )

    def candidates(
        self, only: Collection[str] | None = None, allowed: np.ndarray | None = None
    ) -> np.ndarray:
        """Slots that may match: present in the index, in ``only`` and in ``allowed``."""
        mask = self.facts.live.copy()
        if allowed is not None:
            mask &= allowed
        if only is not None:
            chosen = np.zeros(self.n_slots, dtype=bool)
            slots = [self.positions[i] for i in set(only) if i in self.positions]
            chosen[np.asarray(slots, dtype=np.int64)] = True
            mask &= chosen
        return np.flatnonzero(mask)

    def slots_of(self, ids: Collection[str]) -> np.ndarray:
        return np.asarray([self.positions[i] for i in ids if i in self.positions], np.int64)


class Facts:
    """What the engine knows of each slot besides its text: whether it is in the index, its
    themes, maturity, kind and the caller's filter numbers, as arrays so every signal and
    filter is one vectorised pass over the candidates."""

    def __init__(self, n_slots: int = 0):
        self.live = np.zeros(n_slots, dtype=bool)
        self.maturity = np.full(n_slots, -1, dtype=np.int8)  # index in MATURITY_ORDER
        self.kinds = np.zeros(n_slots, dtype=np.int8)  # index in KINDS
        self.theme_counts = np.zeros(n_slots, dtype=np.int16)
        self.themes: dict[str, np.ndarray] = {}  # theme → which slots have it
        self.filters: dict[str, np.ndarray] = {}

    @classmethod
    def of(cls, documents: list[Document]) -> Facts:
        """In one pass (``replace`` copies a theme's array on each change, which suits a few
        changes, not a whole corpus)."""
        n = len(documents)
        facts = cls(n)
        facts.live[:] = True
        members: dict[str, list[int]] = {}
        for slot, document in enumerate(documents):
            for theme in document.themes:
                members.setdefault(theme, []).append(slot)
            facts.theme_counts[slot] = len(document.themes)
            facts.maturity[slot] = _code(MATURITY_ORDER, document.maturity, -1)
            facts.kinds[slot] = _code(KINDS, document.kind, 0)
            for name, value in document.filters.items():
                facts.filters.setdefault(name, np.zeros(n, dtype=np.int64))[slot] = value
        for theme, slots in members.items():
            facts.themes[theme] = np.zeros(n, dtype=bool)
            facts.themes[theme][slots] = True
        return facts

    @property
    def n_slots(self) -> int:
        return len(self.live)

    def copy(self) -> Facts:
        twin = Facts.__new__(Facts)
        twin.live = self.live.copy()
        twin.maturity = self.maturity.copy()
        twin.kinds = self.kinds.copy()
        twin.theme_counts = self.theme_counts.copy()
        twin.themes = dict(self.themes)  # arrays copied when a change touches them
        twin.filters = {name: values.copy() for name, values in self.filters.items()}
        return twin

    def replace(self, slot: int, document: Document) -> None:
        if slot == self.n_slots:
            self._grow()
        self._clear_themes(slot)
        for theme in document.themes:
            members = self.themes.get(theme)
            members = np.zeros(self.n_slots, dtype=bool) if members is None else members.copy()
            members[slot] = True
            self.themes[theme] = members
        self.theme_counts[slot] = len(document.themes)
        self.maturity[slot] = _code(MATURITY_ORDER, document.maturity, -1)
        self.kinds[slot] = _code(KINDS, document.kind, 0)
        for name in set(self.filters) | set(document.filters):
            if name not in self.filters:
                self.filters[name] = np.zeros(self.n_slots, dtype=np.int64)
            self.filters[name][slot] = document.filters.get(name, 0)
        self.live[slot] = True

    def remove(self, slot: int) -> None:
        self._clear_themes(slot)
        self.theme_counts[slot] = 0
        self.live[slot] = False

    def _grow(self) -> None:
        self.live = np.append(self.live, False)
        self.maturity = np.append(self.maturity, np.int8(-1))
        self.kinds = np.append(self.kinds, np.int8(0))
        self.theme_counts = np.append(self.theme_counts, np.int16(0))
        self.themes = {t: np.append(m, False) for t, m in self.themes.items()}
        self.filters = {n: np.append(v, 0) for n, v in self.filters.items()}

    def _clear_themes(self, slot: int) -> None:
        for theme, members in list(self.themes.items()):
            if members[slot]:
                members = members.copy()
                members[slot] = False
                self.themes[theme] = members

    def theme_overlap(self, themes: frozenset[str], slots: np.ndarray) -> np.ndarray:
        """Jaccard overlap of the query's themes with each slot's (0 when either has none)."""
        if not themes:
            return np.zeros(slots.size, dtype=np.float32)
        shared = np.zeros(slots.size, dtype=np.float32)
        for theme in themes:
            if theme in self.themes:
                shared += self.themes[theme][slots]
        counts = self.theme_counts[slots].astype(np.float32)
        union = len(themes) + counts - shared
        return np.where(counts > 0, shared / np.maximum(union, 1), 0.0).astype(np.float32)

    def maturity_fit(self, query: Document, slots: np.ndarray) -> np.ndarray:
        """``maturity_fit`` for every slot at once."""
        fit = np.zeros(slots.size, dtype=np.float32)
        if query.maturity not in MATURITY_ORDER:
            return fit
        mine = MATURITY_ORDER.index(query.maturity)
        theirs = self.maturity[slots].astype(np.int64)
        gap = theirs - mine if query.kind == "solution" else mine - theirs
        fit = np.where(gap <= 0, 1.0, np.maximum(0.0, 1.0 - 0.5 * gap)).astype(np.float32)
        fit[theirs < 0] = 0.0
        if query.kind:  # two challenges (or two solutions) want and offer nothing of each other
            fit[self.kinds[slots] == _code(KINDS, query.kind, -1)] = 0.0
        return fit


def _code(values: list, value, missing: int) -> int:
    return values.index(value) if value in values else missing


MATURITY_ORDER = ["idea", "prototype", "piloted", "evidence", "market_ready"]
KINDS = [None, "challenge", "solution"]


def maturity_gap(query: Document, document: Document) -> int | None:
    """Stages by which the offered maturity falls short of the wanted one (<= 0: meets it);
    None when either side does not say, or both are of the same kind (two challenges)."""
    if query.kind and query.kind == document.kind:
        return None
    wanted, offered = (
        (document.maturity, query.maturity)
        if query.kind == "solution"
        else (query.maturity, document.maturity)
    )
    if wanted not in MATURITY_ORDER or offered not in MATURITY_ORDER:
        return None
    return MATURITY_ORDER.index(wanted) - MATURITY_ORDER.index(offered)


def maturity_fit(query: Document, document: Document) -> float:
    """1 when the solution is at least as mature as wanted, falling off by half a point per
    stage below it."""
    gap = maturity_gap(query, document)
    if gap is None:
        return 0.0
    return 1.0 if gap <= 0 else max(0.0, 1.0 - 0.5 * gap)
