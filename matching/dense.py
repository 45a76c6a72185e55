"""Exact nearest passages: a float32 matrix of unit vectors, top-k by argpartition.

A document scores as its best passage. Passages of one document are stored next to each other,
so the best per document is one ``maximum.reduceat`` pass, linear in the number of passages.
FAISS or similar
would only pay off at sizes the latency benchmark shows we do not have
(bench/bench_matching_latency.py).
"""

from __future__ import annotations

import numpy as np


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

    def document_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """The best cosine per document over every (query passage, stored passage) pair;
        -1 for a document without passages."""
        best = np.full(self.n_documents, -1.0, dtype=np.float32)
        if self.vectors.size == 0 or len(query_vectors) == 0:
            return best
        pairs = np.asarray(query_vectors, dtype=np.float32) @ self.vectors.T
        per_passage = pairs[0] if len(pairs) == 1 else pairs.max(axis=0)
        best[self.present] = np.maximum.reduceat(per_passage, self.starts)
        return best


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first, without sorting everything."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
