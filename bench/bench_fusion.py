"""How to combine the engine's signals: every variant measured on nhs-dev (full needs and titles)
and SciFact's train queries, each fitted on one set and read on the others.

The signals are the engine's own (``Engine.scores`` over every document: the dense best-passage
cosine, BM25, themes in common, maturity fit) plus candidates for new ones: BM25 over titles
alone, late interaction over sentences (each query sentence's best cosine among a document's
sentences, averaged), BM25 with pseudo-relevance feedback, and BM25 without the query words
that most of the corpus uses. Vectors come from ``fusion_cache`` (the real model, encoded
once). SciFact's test queries are read only for the variant finally chosen, never to choose.

Writes ``bench/results/fusion.json`` and prints a table: nDCG@10 per set, and for each fitted
variant the parameters chosen on each fitting set.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import fusion_cache  # noqa: E402

from matching.embedders import SentenceTransformerEmbedder  # noqa: E402
from matching.engine import Engine, split_document, split_sentences  # noqa: E402
from matching.evaluate import Dataset, load, ndcg_at  # noqa: E402
from matching.lexical import BM25, analyse  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "fusion.json"
# Fitting sets; SciFact test is read only at the end, for the variant chosen.
SETS = ("nhs-dev", "nhs-dev-title", "scifact-train")


@dataclass
class Query:
    id: str
    words: int  # analysed words: what "query length" means below
    relevant: dict[str, int]
    signals: dict[str, np.ndarray]  # name → a score per corpus document


@dataclass
class Study:
    name: str
    ids: list[str]
    queries: list[Query]


def build(name: str, dataset: Dataset, embedder, key: str) -> Study:
    """Every signal of every query over the whole corpus."""
    corpus = dataset.corpus
    texts, vectors, owners = fusion_cache.passages(embedder, key, corpus)
    engine = Engine(corpus, embedder, vectors=vectors, owners=owners, passage_texts=texts)
    sentence_vectors, sentence_owners = fusion_cache.sentences(embedder, key, corpus)
    starts = np.flatnonzero(np.r_[True, np.diff(sentence_owners) != 0])
    titles = BM25([d.title for d in corpus])
    pruned = Pruned(engine.lexical)
    queries = list(dataset.queries.values())
    query_passages = [split_document(q, embedder) for q in queries]
    flat = fusion_cache.cached_vectors(
        embedder, f"{name}-query-passages", [p for ps in query_passages for p in ps]
    )
    query_sentences = [split_sentences(q) for q in queries]
    flat_sentences = fusion_cache.cached_vectors(
        embedder, f"{name}-query-sentences", [s for ss in query_sentences for s in ss]
    )
    everything = np.arange(len(corpus))
    found, at, at_sentence = [], 0, 0
    for query, passages, sentences in zip(queries, query_passages, query_sentences, strict=True):
        mine = flat[at : at + len(passages)]
        at += len(passages)
        my_sentences = flat_sentences[at_sentence : at_sentence + len(sentences)]
        at_sentence += len(sentences)
        scores = engine.scores(query, everything, "hybrid", mine)
        best = np.full((len(my_sentences), len(corpus)), -1.0, dtype=np.float32)
        best[:, sentence_owners[starts]] = np.maximum.reduceat(
            my_sentences @ sentence_vectors.T, starts, axis=1
        )
        found.append(
            Query(
                id=query.id,
                words=len(analyse(query.full_text)),
                relevant=dataset.qrels[query.id],
                signals={
                    "dense": scores["dense"],
                    "lexical": scores["lexical"],
                    "themes": scores["themes"],
                    "maturity": scores["maturity"],
                    "title": titles.scores(query.full_text),
                    "maxsim": best.mean(axis=0),
                    "prf": pruned.feedback(query.full_text),
                    "pruned": pruned.scores(query.full_text, 0.25),
                },
            )
        )
    return Study(name, [d.id for d in corpus], found)


class Pruned:
    """BM25 with weighted query terms, over the engine's own counts: for feedback (terms of the
    top documents added) and for dropping words most of the corpus uses."""

    def __init__(self, bm25: BM25):
        self.bm25 = bm25
        self.columns = bm25.base.tocsc()
        n, self.norm = bm25._statistics()
        self.n = n
        self.df = bm25.frequency / max(n, 1)
        self.idf = np.log1p((n - bm25.frequency + 0.5) / (bm25.frequency + 0.5))

    def weighted(self, weights: dict[int, float]) -> np.ndarray:
        total = np.zeros(self.bm25.n_slots)
        for term, weight in weights.items():
            row = self.bm25.base[term]
            tf = row.data.astype(np.float64)
            values = weight * self.idf[term] * tf * 2.2 / (tf + self.norm[row.indices])
            np.add.at(total, row.indices, values)
        return total

    def terms(self, text: str) -> Counter:
        vocabulary = self.bm25.vocabulary
        return Counter(t for t in (vocabulary.get(w) for w in analyse(text)) if t is not None)

    def scores(self, text: str, most: float) -> np.ndarray:
        """BM25 without the query words that more than ``most`` of the documents use."""
        return self.weighted(
            {t: float(c) for t, c in self.terms(text).items() if self.df[t] <= most}
        )

    def feedback(self, text: str, documents: int = 5, added: int = 10, share=0.3) -> np.ndarray:
        """RM3-like: the query's terms, plus the ``added`` terms that weigh most (tf·idf) in
        its ``documents`` best BM25 matches, which carry ``share`` of the query's weight."""
        original = self.terms(text)
        first = self.weighted({t: float(c) for t, c in original.items()})
        top = np.argsort(-first)[:documents]
        pool: Counter = Counter()
        for slot in top:
            column = self.columns[:, slot]
            length = max(column.data.sum(), 1.0)
            for term, count in zip(column.indices, column.data, strict=True):
                pool[term] += count / length * self.idf[term]
        expansion = [t for t, _ in pool.most_common(added + len(original)) if t not in original]
        expansion = expansion[:added]
        base = sum(original.values()) or 1
        weights = {t: (1 - share) * c / base for t, c in original.items()}
        spread = sum(pool[t] for t in expansion) or 1
        for term in expansion:
            weights[term] = weights.get(term, 0.0) + share * pool[term] / spread
        return self.weighted(weights)


# --- normalisations and fusions -----------------------------------------------------------


def z_score(scores: np.ndarray) -> np.ndarray:
    """The engine's normalisation before this study."""
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 1e-12 else np.zeros_like(scores)


def minmax(scores: np.ndarray) -> np.ndarray:
    low, high = scores.min(), scores.max()
    return (scores - low) / (high - low) if high - low > 1e-12 else np.zeros_like(scores)


def top_z(scores: np.ndarray, n: int = 100) -> np.ndarray:
    """Standardised by the best ``n`` scores only: the tail of the corpus does not decide
    how far the leaders stand apart."""
    head = np.sort(scores)[-n:]
    spread = head.std()
    return (scores - head.mean()) / spread if spread > 1e-12 else np.zeros_like(scores)


def ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    positions = np.empty(len(scores))
    positions[order] = np.arange(1, len(scores) + 1)
    return positions


NORMALISE = {"z": z_score, "minmax": minmax, "top_z": top_z}


def linear(norm: str, weights: dict[str, float]):
    def fuse(query: Query) -> np.ndarray:
        total = 0.1 * query.signals["themes"] + 0.05 * query.signals["maturity"]
        for name, weight in weights.items():
            total = total + weight * NORMALISE[norm](query.signals[name])
        return total

    return fuse


def rrf(k: int, weights: dict[str, float]):
    def fuse(query: Query) -> np.ndarray:
        total = 0.0
        for name, weight in weights.items():
            total = total + weight / (k + ranks(query.signals[name]))
        return total + 1e-4 * query.signals["themes"]

    return fuse


def rerank(shortlist: int, dense: float, maxsim: float, lexical: float, scale: str = "shortlist"):
    """As the product can run it: a first stage over every candidate (min-max dense and BM25,
    the dense weight standing in for late interaction too), then late interaction worked out
    for the ``shortlist`` best only, min-max over them, and those re-ordered by the full blend.
    Everything below the shortlist keeps its first-stage order after it."""

    def fuse(query: Query) -> np.ndarray:
        s = query.signals
        extras = 0.1 * s["themes"] + 0.05 * s["maturity"]
        common = lexical * minmax(s["lexical"]) + extras
        first = (dense + maxsim) * minmax(s["dense"]) + common
        top = np.argsort(-first, kind="stable")[:shortlist]
        final = first - first.max() - 10.0  # below every shortlisted fit
        late = s["maxsim"][top]
        if scale == "shortlist":
            late = minmax(late)
        else:  # on the dense cosine's range over every candidate: both are cosines
            low = s["dense"].min()
            high = s["dense"].max() if scale == "dense" else max(late.max(), s["dense"].max())
            late = (late - low) / max(high - low, 1e-12)
        final[top] = dense * minmax(s["dense"])[top] + maxsim * late + common[top]
        return final

    return fuse


def by_length(short: float, long: float, cut: int, norm: str = "z", lexical="lexical"):
    """The dense weight for queries of up to ``cut`` analysed words, and for longer ones."""

    def fuse(query: Query) -> np.ndarray:
        dense = short if query.words <= cut else long
        return linear(norm, {"dense": dense, lexical: 1 - dense})(query)

    return fuse


def ndcg(study: Study, fuse) -> float:
    total = 0.0
    for query in study.queries:
        scores = fuse(query)
        top = np.argsort(-scores, kind="stable")[:10]
        total += ndcg_at([study.ids[i] for i in top], query.relevant)
    return total / len(study.queries)


def scores_by_set(studies: dict[str, Study], fuse) -> dict[str, float]:
    return {name: round(ndcg(study, fuse), 4) for name, study in studies.items()}


GRID = [round(x, 2) for x in np.arange(0.0, 1.01, 0.1)]
LENGTH_GRID = [
    {"short": s, "long": lo, "cut": c} for s, lo, c in itertools.product(GRID, GRID, (20, 40))
]
LATE_GRID = [{"w": w, "m": m} for w in GRID for m in (0.0, 0.25, 0.5, 0.75, 1.0)]


def with_late(norm: str):
    """Text weight ``w`` split between the passage cosine and late interaction by ``m``."""
    return lambda p: linear(
        norm,
        {"dense": p["w"] * (1 - p["m"]), "maxsim": p["w"] * p["m"], "lexical": 1 - p["w"]},
    )


def variants() -> dict[str, tuple[list[dict], callable]]:
    """Each family of variants: its parameter grid and how to build the fusion from one."""
    return {
        "z": (
            [{"w": w} for w in GRID],
            lambda p: linear("z", {"dense": p["w"], "lexical": 1 - p["w"]}),
        ),
        "minmax": (
            [{"w": w} for w in GRID],
            lambda p: linear("minmax", {"dense": p["w"], "lexical": 1 - p["w"]}),
        ),
        "top_z": (
            [{"w": w} for w in GRID],
            lambda p: linear("top_z", {"dense": p["w"], "lexical": 1 - p["w"]}),
        ),
        "rrf": (
            [{"k": k, "w": w} for k in (10, 30, 60) for w in GRID],
            lambda p: rrf(p["k"], {"dense": p["w"], "lexical": 1 - p["w"]}),
        ),
        "by_length": (LENGTH_GRID, lambda p: by_length(p["short"], p["long"], p["cut"])),
        "minmax_by_length": (
            LENGTH_GRID,
            lambda p: by_length(p["short"], p["long"], p["cut"], norm="minmax"),
        ),
        "minmax_maxsim": (LATE_GRID, with_late("minmax")),
        "minmax_pruned": (
            [{"w": w} for w in GRID],
            lambda p: linear("minmax", {"dense": p["w"], "pruned": 1 - p["w"]}),
        ),
        "rerank": (
            [
                {"r": r, "w": w, "m": m, "scale": scale}
                for r in (20, 50, 100)
                for w in (0.6, 0.7, 0.8)
                for m in (0.25, 0.5, 0.75)
                for scale in ("shortlist", "dense", "both")
            ],
            lambda p: rerank(
                p["r"], p["w"] * (1 - p["m"]), p["w"] * p["m"], 1 - p["w"], p["scale"]
            ),
        ),
        "maxsim": (LATE_GRID, with_late("z")),
        "title": (
            [{"w": w, "t": t} for w in GRID for t in (0.0, 0.1, 0.2, 0.3)],
            lambda p: linear(
                "z", {"dense": p["w"], "lexical": (1 - p["w"]) * (1 - p["t"]), "title": p["t"]}
            ),
        ),
        "prf": (
            [{"w": w} for w in GRID],
            lambda p: linear("z", {"dense": p["w"], "prf": 1 - p["w"]}),
        ),
        "pruned": (
            [{"w": w} for w in GRID],
            lambda p: linear("z", {"dense": p["w"], "pruned": 1 - p["w"]}),
        ),
    }


def fitted(studies: dict[str, Study], grid: list[dict], make) -> dict:
    """For each fitting set, the parameters best on it and what they give on every set; and
    the parameters best on the mean of the three."""
    table = [(params, scores_by_set(studies, make(params))) for params in grid]
    out = {}
    for name in studies:
        params, scores = max(table, key=lambda row: row[1][name])
        out[f"fit_on_{name}"] = {"params": params, "ndcg@10": scores}
    params, scores = max(table, key=lambda row: np.mean(list(row[1].values())))
    out["fit_on_all"] = {"params": params, "ndcg@10": scores}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated families of variants")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated fitting sets")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    sources = {
        "nhs-dev": (DATASETS / "nhs-dev", "test", "nhs-dev"),
        "nhs-dev-title": (DATASETS / "nhs-dev" / "title", "test", "nhs-dev"),
        "scifact-train": (DATASETS / "scifact", "train", "scifact"),
    }
    studies = {
        name: build(name, load(folder, split), embedder, key)
        for name, (folder, split, key) in sources.items()
        if name in args.sets.split(",")
    }
    results = {
        "single": {
            name: scores_by_set(studies, lambda q, name=name: q.signals[name])
            for name in ("lexical", "dense", "maxsim", "title", "prf", "pruned")
        },
        "engine_today": scores_by_set(studies, linear("z", {"dense": 0.7, "lexical": 0.3})),
    }
    chosen = variants()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    for family, (grid, make) in chosen.items():
        results[family] = fitted(studies, grid, make)
        print(family, json.dumps(results[family]), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps(previous | results, indent=1) + "\n")
    print(json.dumps({k: results[k] for k in ("single", "engine_today")}, indent=1))


if __name__ == "__main__":
    main()
