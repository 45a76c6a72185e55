"""Judge the engine on any BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv.

Uses the same Engine as the product. Bad folders fail with the file and line that is wrong.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.bands import BANDS, band
from matching.documents import Document
from matching.engine import (
    METHODS,
    Engine,
    LateInteraction,
    Match,
    encode,
    split_document,
    split_sentences,
)
from matching.lexical import analyse


class BadDataset(ValueError):
    """The folder is not a usable BEIR dataset; the message names the file and line."""


@dataclass(frozen=True)
class Dataset:
    corpus: list[Document]
    queries: dict[str, Document]
    qrels: dict[str, dict[str, int]]


def load(folder: str | Path, split: str = "test") -> Dataset:
    folder = Path(folder)
    corpus = [_document(row, path, line) for path, line, row in _jsonl(folder / "corpus.jsonl")]
    queries = {}
    for path, line, row in _jsonl(folder / "queries.jsonl"):
        document = _document(row, path, line)
        queries[document.id] = document
    qrels = _qrels(folder / "qrels" / f"{split}.tsv")
    return Dataset(corpus, {q: queries[q] for q in qrels if q in queries}, qrels)


def _jsonl(path: Path):
    if not path.exists():
        raise BadDataset(f"{path} is missing")
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as error:
                raise BadDataset(f"{path}, line {number}: not valid JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise BadDataset(f"{path}, line {number}: expected a JSON object")
            yield path, number, row


def _document(row: dict, path: Path, line: int) -> Document:
    if "_id" not in row or not isinstance(row.get("text", ""), str):
        raise BadDataset(f'{path}, line {line}: needs an "_id" and a text "text"')
    metadata = row.get("metadata") or {}
    themes = metadata.get("themes") if isinstance(metadata, dict) else None
    return Document(
        id=str(row["_id"]),
        title=str(row.get("title") or ""),
        text=row.get("text") or "",
        themes=frozenset(themes or []),
        maturity=metadata.get("maturity") if isinstance(metadata, dict) else None,
    )


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.exists():
        raise BadDataset(f"{path} is missing")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if number == 1 and row and row[0] == "query-id":
                continue
            if len(row) != 3:
                raise BadDataset(f"{path}, line {number}: expected query-id, corpus-id, score")
            try:
                grade = int(row[2])
            except ValueError:
                raise BadDataset(
                    f"{path}, line {number}: score {row[2]!r} is not a whole number"
                ) from None
            qrels.setdefault(row[0], {})[row[1]] = grade
    if not qrels:
        raise BadDataset(f"{path} has no judgements")
    return qrels


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    gains = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gains / best if best else 0.0


def mrr_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if relevant.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 100) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


LENGTHS = ((20, "up to 20 words"), (None, "over 20 words"))  # a title against a full need


def length_of(query: Document) -> str:
    """Which length group a query is in, counting the words BM25 reads (stop words out)."""
    words = len(analyse(query.full_text))
    return next(label for limit, label in LENGTHS if limit is None or words <= limit)


class EncodedSentences:
    """Each corpus document's sentence vectors, encoded the first time a shortlist asks for
    them and kept: a run encodes only the documents that reach some query's shortlist."""

    def __init__(self, corpus: list[Document], embedder):
        self.documents = {d.id: d for d in corpus}
        self.embedder = embedder
        self.known: dict[str, np.ndarray] = {}

    def __call__(self, ids: list[str]) -> dict[str, np.ndarray]:
        todo = [i for i in ids if i not in self.known]
        if todo:
            texts = [split_sentences(self.documents[i]) for i in todo]
            vectors = encode(self.embedder, [t for group in texts for t in group])
            at = 0
            for document_id, group in zip(todo, texts, strict=True):
                self.known[document_id] = vectors[at : at + len(group)]
                at += len(group)
        return {i: self.known[i] for i in ids}


@dataclass(frozen=True)
class QueryVectors:
    passages: np.ndarray
    sentences: np.ndarray


def encode_queries(dataset: Dataset, engine: Engine) -> dict[str, QueryVectors] | None:
    """Each query's passage and sentence vectors, once, so several methods can share them."""
    if engine.embedder is None:
        return None
    return {
        query_id: QueryVectors(
            engine.embedder.encode(split_document(query, engine.embedder)),
            engine.embedder.encode(split_sentences(query)),
        )
        for query_id, query in dataset.queries.items()
    }


def rankings(
    dataset: Dataset,
    engine: Engine,
    method: str,
    query_vectors: dict[str, QueryVectors] | None,
    sentences: EncodedSentences | None,
    k: int = 100,
) -> dict[str, list[Match]]:
    """Each query's k best matches by ``method``, as the product ranks them."""
    found = {}
    for query_id, query in dataset.queries.items():
        vectors = query_vectors.get(query_id) if query_vectors else None
        late = (
            LateInteraction(vectors.sentences, sentences)
            if vectors is not None and sentences is not None
            else None
        )
        found[query_id] = engine.rank(
            query,
            k=k,
            method=method,
            query_vectors=vectors.passages if vectors is not None else None,
            late=late,
        )
    return found


def run(
    dataset: Dataset,
    engine: Engine,
    methods=METHODS,
    query_vectors: dict[str, QueryVectors] | None = None,
) -> dict[str, dict]:
    """Mean nDCG@10, MRR@10 and Recall@100 for each method over the split's queries, and
    nDCG@10 for short and long queries apart."""
    if query_vectors is None and any(m != "lexical" for m in methods):
        query_vectors = encode_queries(dataset, engine)
    sentences = EncodedSentences(dataset.corpus, engine.embedder) if query_vectors else None
    results = {}
    for method in methods:
        ranked = rankings(dataset, engine, method, query_vectors, sentences)
        totals = {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@100": 0.0}
        by_length: dict[str, list[float]] = {}
        for query_id, matches in ranked.items():
            ids = [m.id for m in matches]
            relevant = dataset.qrels[query_id]
            ndcg = ndcg_at(ids, relevant)
            totals["ndcg@10"] += ndcg
            totals["mrr@10"] += mrr_at(ids, relevant)
            totals["recall@100"] += recall_at(ids, relevant)
            by_length.setdefault(length_of(dataset.queries[query_id]), []).append(ndcg)
        n = max(1, len(dataset.queries))
        results[method] = {name: round(value / n, 4) for name, value in totals.items()}
        if method == "hybrid":
            results[method]["bands"] = band_precision(dataset, ranked, len(dataset.corpus))
        results[method]["by_length"] = {
            label: {
                "queries": len(by_length[label]),
                "ndcg@10": round(float(np.mean(by_length[label])), 4),
            }
            for _limit, label in LENGTHS
            if label in by_length
        }
    return results


def band_precision(dataset: Dataset, ranked: dict[str, list[Match]], pool: int) -> dict:
    """For each band, over every query's ten best fits: how many fits it holds, the share
    judged relevant, and the share judged to address the need directly (the top grade)."""
    top = max((g for judged in dataset.qrels.values() for g in judged.values()), default=1)
    grades: dict[str, list[int]] = {name: [] for name in BANDS}
    for query_id, matches in ranked.items():
        for match in matches[:10]:
            grades[band(match, pool)].append(dataset.qrels[query_id].get(match.id, 0))
    return {
        name: {
            "fits": len(found),
            "relevant": round(sum(g > 0 for g in found) / len(found), 3) if found else None,
            "direct": round(sum(g >= top for g in found) / len(found), 3) if found else None,
        }
        for name, found in grades.items()
    }
