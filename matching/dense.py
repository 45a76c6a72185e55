"""Exact nearest passages: a float32 matrix of unit vectors, top-k by argpartition.

A document scores as its best passage. FAISS or similar would only pay off at sizes the
latency benchmark shows we do not have (bench/bench_matching_latency.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DenseScores:
    """Per document: the best cosine, the stored passage and the query passage that gave it
    (-1 where the document has no passages)."""

    score: np.ndarray
    passage: np.ndarray
    query_passage: np.ndarray


class PassageIndex:
    def __init__(self, vectors: np.ndarray, owners: np.ndarray, n_documents: int):
        """``vectors``: one row per passage; ``owners[i]``: the document index of passage i."""
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.n_documents = n_documents

    def document_scores(self, query_vectors: np.ndarray) -> DenseScores:
        """Every query passage is compared with every stored passage; a document takes its
        best pair. Documents with no passages score -1."""
        best = np.full(self.n_documents, -1.0, dtype=np.float32)
        best_passage = np.full(self.n_documents, -1, dtype=np.int64)
        best_query = np.full(self.n_documents, -1, dtype=np.int64)
        if self.vectors.size == 0 or len(query_vectors) == 0:
            return DenseScores(best, best_passage, best_query)
        pairs = np.asarray(query_vectors, dtype=np.float32) @ self.vectors.T
        which_query = pairs.argmax(axis=0)
        per_passage = pairs[which_query, np.arange(pairs.shape[1])]
        order = np.argsort(per_passage, kind="stable")  # ascending, so the best write last
        best[self.owners[order]] = per_passage[order]
        best_passage[self.owners[order]] = order
        best_query[self.owners[order]] = which_query[order]
        return DenseScores(best, best_passage, best_query)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first, without sorting everything."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
