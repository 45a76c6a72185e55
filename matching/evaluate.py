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

from matching.documents import Document
from matching.engine import METHODS, Engine, Weights, split_document


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


def encode_queries(dataset: Dataset, engine: Engine) -> dict[str, np.ndarray] | None:
    """Each query's passage vectors, once, so several methods or weights can share them."""
    if engine.embedder is None:
        return None
    return {
        query_id: engine.embedder.encode(split_document(query, engine.embedder))
        for query_id, query in dataset.queries.items()
    }


def run(
    dataset: Dataset,
    engine: Engine,
    methods=METHODS,
    query_vectors: dict[str, np.ndarray] | None = None,
) -> dict[str, dict[str, float]]:
    """Mean nDCG@10, MRR@10 and Recall@100 for each method over the split's queries."""
    if query_vectors is None and any(m != "lexical" for m in methods):
        query_vectors = encode_queries(dataset, engine)
    results = {}
    for method in methods:
        totals = {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@100": 0.0}
        for query_id, query in dataset.queries.items():
            vectors = query_vectors.get(query_id) if query_vectors else None
            ranked = [m.id for m in engine.rank(query, k=100, method=method, query_vectors=vectors)]
            relevant = dataset.qrels[query_id]
            totals["ndcg@10"] += ndcg_at(ranked, relevant)
            totals["mrr@10"] += mrr_at(ranked, relevant)
            totals["recall@100"] += recall_at(ranked, relevant)
        n = max(1, len(dataset.queries))
        results[method] = {name: round(value / n, 4) for name, value in totals.items()}
    return results


def fit_dense_weight(dataset: Dataset, engine: Engine, steps: int = 11) -> Weights:
    """The dense/lexical balance with the best nDCG@10 on this (training) split."""
    query_vectors = encode_queries(dataset, engine)
    best, best_score = engine.weights, -1.0
    for i in range(steps):
        dense = i / (steps - 1)
        engine.weights = Weights(
            dense=dense, lexical=1 - dense, themes=best.themes, maturity=best.maturity
        )
        score = run(dataset, engine, ["hybrid"], query_vectors)["hybrid"]["ndcg@10"]
        if score > best_score:
            best, best_score = engine.weights, score
    engine.weights = best
    return best
