"""A small deterministic embedder for tests: hashed bag of stemmed words, unit length.

Texts that share words get similar vectors, which is all the engine's logic needs to be
tested without loading a neural model.
"""

from __future__ import annotations

import hashlib

import numpy as np

from matching.lexical import analyse


class HashingEmbedder:
    name = "hashing-test-embedder"

    def __init__(self, dimensions: int = 256, max_tokens: int = 32):
        self.dimensions = dimensions
        self.max_tokens = max_tokens

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2  # like [CLS] … [SEP]

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in analyse(text):
                bucket = int(hashlib.md5(word.encode(), usedforsecurity=False).hexdigest(), 16)
                vectors[row, bucket % self.dimensions] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)
