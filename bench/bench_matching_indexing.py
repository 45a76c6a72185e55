"""Indexing throughput: passages per second through the engine (split with the model's own
tokenizer, then encoded in chunks) against a bare ``SentenceTransformer.encode`` of the very same
passages, plus the product's re-index, which must encode nothing when no text changed.

Uses the first SciFact abstracts as text (real scientific prose of realistic length) and the
demo data for the product path.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from marketplace import demo  # noqa: E402
from marketplace.app import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matches import documents, vectors  # noqa: E402
from marketplace.matches.embedding import current_embedder  # noqa: E402
from marketplace.matches.models import DocumentKind, IndexedDocument, StoredVector  # noqa: E402
from matching.embedders import SentenceTransformerEmbedder  # noqa: E402
from matching.engine import Engine  # noqa: E402
from matching.evaluate import load  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"
DOCUMENTS = 300


def engine_against_bare(embedder: SentenceTransformerEmbedder, rounds: int = 2) -> dict:
    """Best of ``rounds`` for each, alternating, so both see the same machine load."""
    corpus = load(SCIFACT).corpus[:DOCUMENTS]
    embedder.encode(["warm up the model"])
    engine_s, bare_s = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        engine = Engine(corpus, embedder)
        engine_s.append(time.perf_counter() - started)
        texts = engine.passage_texts
        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
        bare_s.append(time.perf_counter() - started)
    return {
        "documents": len(corpus),
        "passages": len(texts),
        "engine_passages_per_s": round(len(texts) / min(engine_s), 1),
        "bare_passages_per_s": round(len(texts) / min(bare_s), 1),
        "ratio": round(min(bare_s) / min(engine_s), 3),
    }


def product_reindex() -> dict:
    """The demo data indexed from scratch, then again with nothing changed."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "PASSWORD_HASH_PROFILE": "test",
            }
        )
        with app.test_request_context():
            upgrade()
            for _ in demo.steps(db.session):
                pass
            db.session.commit()
            db.session.execute(sa.delete(StoredVector))  # SQLite does not cascade by default
            db.session.execute(sa.delete(IndexedDocument))
            objects = [
                o for kind in DocumentKind for o in db.session.scalars(documents.indexable(kind))
            ]
            started = time.perf_counter()
            first = vectors.index(db.session, current_embedder(), objects)
            first_s = time.perf_counter() - started
            db.session.commit()
            started = time.perf_counter()
            second = vectors.index(db.session, current_embedder(), objects)
            second_s = time.perf_counter() - started
            db.session.remove()
    return {
        "documents": len(objects),
        "first": {"encoded": first.encoded, "texts": first.texts, "seconds": round(first_s, 2)},
        "second": {
            "encoded": second.encoded,
            "texts": second.texts,
            "seconds": round(second_s, 3),
        },
    }


def main() -> dict:
    embedder = SentenceTransformerEmbedder()
    figures = engine_against_bare(embedder)
    print(
        f"{figures['passages']} passages from {figures['documents']} SciFact abstracts: "
        f"engine {figures['engine_passages_per_s']}/s, bare encode "
        f"{figures['bare_passages_per_s']}/s, ratio {figures['ratio']:.3f}"
    )
    figures["reindex"] = product_reindex()
    first, second = figures["reindex"]["first"], figures["reindex"]["second"]
    print(
        f"Demo data, {figures['reindex']['documents']} documents: first index encoded "
        f"{first['texts']} passages and sentences in {first['seconds']} s; "
        f"re-index encoded {second['texts']} in {second['seconds']} s"
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(main()))
