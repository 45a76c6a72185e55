"""Exact nearest passages: a float32 matrix of unit vectors, top-k by argpartition.

A document scores as its best passage. Passages of one document are stored next to each other,
so the best per document is one ``maximum.reduceat`` pass, linear in the number of passages;
which passage pair it was is looked up afterwards, for the few documents shown. FAISS or similar
would only pay off at sizes the latency benchmark shows we do not have
(bench/bench_matching_latency.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DenseScores:
    """``score``: the best cosine per document (-1 for a document without passages);
    ``pairs``: every query passage against every stored passage, for finding the best pair."""

    score: np.ndarray
    pairs: np.ndarray


class PassageIndex:
    def __init__(self, vectors: np.ndarray, owners: np.ndarray, n_documents: int):
        """``vectors``: one row per passage; ``owners[i]``: the document index of passage i,
        in ascending order (a document's passages together)."""
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.n_documents = n_documents
        if np.any(self.owners[1:] < self.owners[:-1]):
            raise ValueError("passages must be grouped by document, in document order")
        boundaries = np.flatnonzero(np.diff(self.owners)) + 1
        self.starts = (
            np.concatenate(([0], boundaries)).astype(np.int64)
            if self.owners.size
            else (np.zeros(0, dtype=np.int64))
        )
        self.present = self.owners[self.starts]  # documents that have passages
        self.first = np.full(n_documents, -1, dtype=np.int64)
        self.end = np.full(n_documents, -1, dtype=np.int64)
        self.first[self.present] = self.starts
        self.end[self.present] = np.append(self.starts[1:], self.owners.size)

    def document_scores(self, query_vectors: np.ndarray) -> DenseScores:
        """Every query passage against every stored passage; a document takes its best pair."""
        best = np.full(self.n_documents, -1.0, dtype=np.float32)
        if self.vectors.size == 0 or len(query_vectors) == 0:
            return DenseScores(best, np.zeros((0, 0), dtype=np.float32))
        pairs = np.asarray(query_vectors, dtype=np.float32) @ self.vectors.T
        per_passage = pairs[0] if len(pairs) == 1 else pairs.max(axis=0)
        best[self.present] = np.maximum.reduceat(per_passage, self.starts)
        return DenseScores(best, pairs)

    def best_pair(self, scores: DenseScores, document: int) -> tuple[int, int] | None:
        """(stored passage, query passage) behind a document's score, or None."""
        if scores.pairs.size == 0 or self.first[document] < 0:
            return None
        block = scores.pairs[:, self.first[document] : self.end[document]]
        query, offset = np.unravel_index(int(block.argmax()), block.shape)
        return int(self.first[document] + offset), int(query)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first, without sorting everything."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
