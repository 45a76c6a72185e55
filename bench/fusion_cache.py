"""Passage and sentence vectors of the evaluation sets, encoded once with the real model and
kept under ``bench/.cache`` (ignored by git), so that a study of how to combine the engine's
signals can try many combinations without encoding anything again.

Passages are split exactly as the engine splits them (``matching.engine.split_document``) and
sentences exactly as the product stores them to explain a fit (``split_sentences``: the title,
then the text's sentences), so every score is one the product could compute from what it
already stores.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.engine import encode, split_document, split_sentences  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


def cached_vectors(embedder, name: str, texts: list[str]) -> np.ndarray:
    """The vectors of ``texts`` in order, encoded at most once per model and text list."""
    digest = hashlib.sha256("\x00".join([embedder.name, *texts]).encode()).hexdigest()[:16]
    path = CACHE / f"{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    CACHE.mkdir(exist_ok=True)
    with tqdm(total=len(texts), desc=f"Encoding {name}", unit="text", file=sys.stderr) as bar:
        vectors = encode(embedder, texts, bar.update)
    np.save(path, vectors)
    return vectors


def passages(embedder, name: str, documents) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every document's passages as the engine splits them, their vectors and owners."""
    texts, owners = [], []
    for position, document in enumerate(documents):
        for passage in split_document(document, embedder):
            texts.append(passage)
            owners.append(position)
    vectors = cached_vectors(embedder, f"{name}-passages", texts)
    return texts, vectors, np.asarray(owners, dtype=np.int64)


def sentences(embedder, name: str, documents) -> tuple[np.ndarray, np.ndarray]:
    """Every document's sentences' vectors, and which document each belongs to."""
    texts, owners = [], []
    for position, document in enumerate(documents):
        for sentence in split_sentences(document):
            texts.append(sentence)
            owners.append(position)
    return cached_vectors(embedder, f"{name}-sentences", texts), np.asarray(owners, np.int64)
