"""The engine's inner loop only: top-20 documents for one query through the passage index,
against a bare NumPy matmul + argpartition over the same matrix, at 1k, 10k and 100k passages.

This is not what a fits request costs: `bench_scale.py` (`make bench-scale`) times the product's
own path (candidate filters, lexical scores, explanations, the page) against the same bare scan.

The engine does more than the bare lookup (best passage per document, then the top documents),
so the ratio says what that costs. Vectors are random unit vectors of the model's width (384),
two passages per document on average.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.dense import PassageIndex, top_k

SIZES = (1_000, 10_000, 100_000)
DIMENSIONS = 384
K = 20
ROUNDS = 50


def _unit_rows(rng, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, DIMENSIONS)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _median_ms(call) -> float:
    call()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(n: int, rng) -> dict:
    matrix = _unit_rows(rng, n)
    owners = np.sort(rng.integers(0, n // 2, size=n))
    index = PassageIndex(matrix, owners, n // 2)
    query = _unit_rows(rng, 1)

    def engine():
        return top_k(index.document_scores(query), K)

    def bare():
        scores = matrix @ query[0]
        best = np.argpartition(-scores, K - 1)[:K]
        return best[np.argsort(-scores[best])]

    # Interleave so both see the same machine load.
    engine_ms, numpy_ms = [], []
    for _ in range(3):
        engine_ms.append(_median_ms(engine))
        numpy_ms.append(_median_ms(bare))
    engine_ms, numpy_ms = min(engine_ms), min(numpy_ms)
    return {
        "n": n,
        "engine_ms": round(engine_ms, 3),
        "numpy_ms": round(numpy_ms, 3),
        "ratio": round(engine_ms / numpy_ms, 2),
    }


def main() -> dict:
    rng = np.random.default_rng(7)
    rows = [measure(n, rng) for n in SIZES]
    for row in rows:
        print(
            f"{row['n']:>7} passages: engine {row['engine_ms']:.3f} ms, "
            f"bare NumPy {row['numpy_ms']:.3f} ms, ratio {row['ratio']:.2f}"
        )
    product = _product_path()
    for size, figures in product.items():
        print(
            f"{size:>7} solutions, the product's fits page (make bench-scale): p95 "
            f"{figures['fits_page_p95_ms']} ms, {figures['fits_ratio_p95']}× a bare scan"
        )
    return {**rows[-1], "sizes": rows, "product_path": product}


def _product_path() -> dict:
    """What a fits request costs through the app, from the last `make bench-scale`."""
    scale = Path(__file__).resolve().parent / "results" / "scale.json"
    if not scale.exists():
        return {}
    wanted = ("bare_scan_p50_ms", "fits_page_p95_ms", "fits_ratio_p95")
    return {
        size: {name: figures[name] for name in wanted}
        for size, figures in json.loads(scale.read_text()).items()
        if size.isdigit() and all(name in figures for name in wanted)
    }


if __name__ == "__main__":
    print(json.dumps(main()))
