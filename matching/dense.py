"""Exact nearest passages: a float32 matrix of unit vectors, top-k by argpartition.

A document scores as its best passage. FAISS or similar would only pay off at sizes the
benchmarks show we do not have.
"""

from __future__ import annotations

import numpy as np


class PassageIndex:
    def __init__(self, vectors: np.ndarray, owners: np.ndarray, n_documents: int):
        """``vectors``: one row per passage; ``owners[i]``: the document index of passage i."""
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.owners = np.asarray(owners, dtype=np.int64)
        self.n_documents = n_documents

    def passage_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each query passage (rows) with each stored passage."""
        if self.vectors.size == 0:
            return np.zeros((len(query_vectors), 0), dtype=np.float32)
        return query_vectors @ self.vectors.T

    def document_scores(self, query_vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best score per document, index of the stored passage that gave it).

        Every query passage is compared with every stored passage; a document takes the best
        pair. Documents with no passages score -1.
        """
        best = np.full(self.n_documents, -1.0, dtype=np.float32)
        best_passage = np.full(self.n_documents, -1, dtype=np.int64)
        if self.vectors.size == 0 or len(query_vectors) == 0:
            return best, best_passage
        per_passage = self.passage_scores(query_vectors).max(axis=0)
        order = np.argsort(per_passage)  # ascending, so the best write last
        best[self.owners[order]] = per_passage[order]
        best_passage[self.owners[order]] = order
        return best, best_passage


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first, without sorting everything."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
