"""The embedder this app is configured with: one per process, its model loaded on first use."""

from __future__ import annotations

import threading

from flask import current_app

from marketplace.config import ConfigError
from matching.embedders import Embedder, ModelNotFound, SentenceTransformerEmbedder
from matching.fake import HashingEmbedder

_embedders: dict[tuple[str, str | None], Embedder] = {}
_lock = threading.Lock()


def embedder_for(config) -> Embedder:
    """Checked at start-up, so a wrong ``MATCHING_MODEL`` stops the app with its name rather
    than failing on the first page that ranks something."""
    key = (config.get("MATCHING_EMBEDDER", "sentence-transformers"), config.get("MATCHING_MODEL"))
    with _lock:
        if key not in _embedders:
            _embedders[key] = _make(*key)
        return _embedders[key]


def _make(kind: str, model: str | None) -> Embedder:
    if kind == "hashing":
        return HashingEmbedder()
    if kind != "sentence-transformers":
        raise ConfigError(
            f"MATCHING_EMBEDDER is {kind!r}; use 'sentence-transformers' (or 'hashing' in tests)"
        )
    try:
        return SentenceTransformerEmbedder(model)
    except ModelNotFound as error:
        raise ConfigError(str(error)) from None


def current_embedder() -> Embedder:
    return embedder_for(current_app.config)
