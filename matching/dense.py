"""Exact nearest passages: float32 matrices of unit vectors, a document scoring as its best
passage.

The *base* matrix holds passages grouped by slot in slot order (so the best per slot is one
``maximum.reduceat`` pass, linear in the passages); it may be a read-only memory map that every
worker on the machine shares. Documents changed since go to a small in-memory *tail*, and their
base rows are ignored. An exact scan stays under the latency target at the sizes measured in
``bench/`` (see ``docs/scaling.md`` for where an approximate index would take over).
"""

from __future__ import annotations

import numpy as np


class PassageIndex:
    def __init__(self, vectors: np.ndarray, owners: np.ndarray, n_slots: int):
        """``vectors``: one row per passage; ``owners[i]``: the slot of passage i, in ascending
        order (a document's passages together)."""
        self.vectors = vectors if _ready(vectors) else np.ascontiguousarray(vectors, np.float32)
        self.owners = np.asarray(owners, dtype=np.int64)
        if np.any(self.owners[1:] < self.owners[:-1]):
            raise ValueError("passages must be grouped by slot, in slot order")
        boundaries = np.flatnonzero(np.diff(self.owners)) + 1
        self.starts = (
            np.concatenate(([0], boundaries)).astype(np.int64)
            if self.owners.size
            else np.zeros(0, dtype=np.int64)
        )
        self.present = self.owners[self.starts]  # slots that have base passages
        self.stale = np.zeros(n_slots, dtype=bool)  # slots whose base passages are superseded
        dimensions = self.vectors.shape[1] if self.vectors.ndim == 2 else 0
        self.tail = np.zeros((0, dimensions), dtype=np.float32)
        self.tail_owners = np.zeros(0, dtype=np.int64)

    @property
    def n_slots(self) -> int:
        return len(self.stale)

    @property
    def n_passages(self) -> int:
        return int(len(self.owners) - np.isin(self.owners, np.flatnonzero(self.stale)).sum()) + len(
            self.tail_owners
        )

    def copy(self) -> PassageIndex:
        twin = PassageIndex.__new__(PassageIndex)
        twin.__dict__.update(self.__dict__)  # the base arrays are shared, never changed
        twin.stale = self.stale.copy()
        return twin

    def replace(self, slot: int, vectors: np.ndarray) -> None:
        """Give ``slot`` these passage vectors (``slot == n_slots`` adds one); none removes
        what it had."""
        if slot == self.n_slots:
            self.stale = np.append(self.stale, True)
        self.stale[slot] = True
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.size and not self.tail.shape[1]:
            self.tail = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        if not vectors.size:
            vectors = np.zeros((0, self.tail.shape[1]), dtype=np.float32)
        keep = self.tail_owners != slot
        self.tail = np.concatenate([self.tail[keep], vectors])
        self.tail_owners = np.concatenate(
            [self.tail_owners[keep], np.full(len(vectors), slot, np.int64)]
        )

    def document_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """The best cosine per slot over every (query passage, stored passage) pair; -1 for a
        slot without passages."""
        best = np.full(self.n_slots, -1.0, dtype=np.float32)
        if len(query_vectors) == 0:
            return best
        query = np.asarray(query_vectors, dtype=np.float32)
        if self.vectors.size and self.owners.size:
            pairs = query @ self.vectors.T
            per_passage = pairs[0] if len(pairs) == 1 else pairs.max(axis=0)
            best[self.present] = np.maximum.reduceat(per_passage, self.starts)
            best[self.stale] = -1.0
        if self.tail_owners.size:
            pairs = query @ self.tail.T
            per_passage = pairs[0] if len(pairs) == 1 else pairs.max(axis=0)
            np.maximum.at(best, self.tail_owners, per_passage)
        return best

    def merged(self) -> tuple[np.ndarray, np.ndarray]:
        """Base and tail as one grouped matrix and its owners, ready to be saved."""
        keep = ~self.stale[self.owners] if self.owners.size else np.zeros(0, dtype=bool)
        owners = np.concatenate([self.owners[keep], self.tail_owners])
        order = np.argsort(owners, kind="stable")
        if not len(owners):
            return np.zeros((0, self.tail.shape[1]), np.float32), owners
        base = self.vectors[keep] if self.vectors.size else self.tail[:0]
        return np.concatenate([base, self.tail])[order], owners[order]


def _ready(vectors) -> bool:
    return (
        isinstance(vectors, np.ndarray)
        and vectors.dtype == np.float32
        and vectors.flags.c_contiguous
    )


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first, without sorting everything."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, k - 1)[:k]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
