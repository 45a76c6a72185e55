"""The real all-MiniLM-L6-v2 (the session's ``real_embedder``), proving the engine's wiring."""

from __future__ import annotations

import numpy as np

from matching.documents import Document
from matching.engine import Engine
from tests.matching.test_engine import CORPUS


def test_the_bundled_model_encodes_unit_vectors_offline(real_embedder):
    vectors = real_embedder.encode(["Falls at night", "Nurse rota gaps"])

    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert real_embedder.max_tokens == 256
    assert real_embedder.count_tokens("hello world") == 4  # [CLS] hello world [SEP]


def test_meaning_matches_without_shared_words(real_embedder):
    engine = Engine(CORPUS, real_embedder)
    query = Document("q", "", "Elderly residents tumbling in the dark and nobody knows")

    assert engine.rank(query, k=1, method="dense")[0].id == "falls"
