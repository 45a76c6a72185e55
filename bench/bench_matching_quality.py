"""Ranking quality on SciFact through the engine's own evaluation code (the path behind
``marketplace matching evaluate``): the dense/lexical weight is fitted on the train queries,
then every method is reported on the test queries. Nothing is tuned on test.

The baseline in the same run is the lexical method: the hybrid's gain over it is the ratio.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.embedders import SentenceTransformerEmbedder  # noqa: E402
from matching.engine import Engine, Weights, split_document  # noqa: E402
from matching.evaluate import fit_dense_weight, load, run  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"


def main(folder: Path = SCIFACT) -> dict:
    test = load(folder, "test")
    train = load(folder, "train")
    embedder = SentenceTransformerEmbedder()
    started = time.perf_counter()
    total = sum(len(split_document(d, embedder)) for d in test.corpus)
    with tqdm(
        total=total, desc="Encoding SciFact passages", unit="passage", file=sys.stderr
    ) as bar:
        engine = Engine(test.corpus, embedder, progress=bar.update)
    encode_s = time.perf_counter() - started
    fitted = fit_dense_weight(train, engine, steps=11)
    engine.weights = fitted
    results = run(test, engine)
    for method, figures in results.items():
        print(f"{method:<8} " + "  ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    configured = Weights()
    print(
        f"dense weight fitted on {len(train.queries)} train queries: {fitted.dense:.1f} "
        f"(configured default {configured.dense:.1f}); {len(engine.passage_texts)} passages "
        f"encoded in {encode_s:.0f} s"
    )
    return {
        **results,
        "fitted_weights": asdict(fitted),
        "configured_weights": asdict(replace(configured)),
        "hybrid_over_lexical": round(
            results["hybrid"]["ndcg@10"] / results["lexical"]["ndcg@10"], 3
        ),
        "passages": len(engine.passage_texts),
        "encode_seconds": round(encode_s, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
