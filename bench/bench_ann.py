"""When would an approximate index pay? The exact scan the product uses against FAISS IVF and
HNSW, at 100k and 1M passages: one query's latency (as a request asks) and recall@20 against the
exact answer. `docs/scaling.md` reads its figures.

Vectors are generated, not random noise: each is a mix of two of 2,000 topic centres (one
weighing half as much as the other) plus noise, as a text is mostly about one subject and partly
about another. Uniform random vectors in 384 dimensions have no neighbours worth the name and
make every approximate index look worse than on real text; single tight clusters make it look
better. Queries come from the same distribution. Recall on the real model's vectors may differ:
measure again on them before switching.

`make bench-ann` writes `bench/results/ann.json`; FAISS (`faiss-cpu`) is a benchmark-only
dependency, installed by that target.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np

DIMENSIONS = 384
TOPICS = 2_000
QUERIES = 200
K = 20
RESULTS = Path(__file__).resolve().parent / "results" / "ann.json"


def vectors(rng, n: int, centres: np.ndarray) -> np.ndarray:
    out = np.empty((n, DIMENSIONS), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        main = centres[rng.integers(0, len(centres), size)]
        second = centres[rng.integers(0, len(centres), size)]
        noise = 0.06 * rng.standard_normal((size, DIMENSIONS)).astype(np.float32)
        block = main + 0.5 * second + noise
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def exact(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = matrix @ query
    best = np.argpartition(-scores, K - 1)[:K]
    return best[np.argsort(-scores[best])]


def timed(call, queries: np.ndarray) -> tuple[list, float]:
    answers, times = [], []
    for query in queries:
        started = time.perf_counter()
        answers.append(call(query))
        times.append((time.perf_counter() - started) * 1000)
    return answers, round(float(np.percentile(times, 50)), 3)


def recall(found: list, truth: list) -> float:
    hits = sum(len(set(map(int, f)) & set(map(int, t))) for f, t in zip(found, truth, strict=True))
    return round(hits / (K * len(truth)), 4)


def measure(n: int, rng, centres) -> dict:
    matrix = vectors(rng, n, centres)
    queries = vectors(rng, QUERIES, centres)
    truth, exact_ms = timed(lambda q: exact(matrix, q), queries)
    figures = {
        "n_passages": n,
        "matrix_mb": round(matrix.nbytes / 2**20, 1),
        "exact_scan_p50_ms": exact_ms,
        "ivf": [],
        "hnsw": [],
    }
    lists = int(4 * np.sqrt(n))
    quantiser = faiss.IndexFlatIP(DIMENSIONS)
    ivf = faiss.IndexIVFFlat(quantiser, DIMENSIONS, lists, faiss.METRIC_INNER_PRODUCT)
    started = time.perf_counter()
    ivf.train(matrix[rng.choice(n, min(n, 50 * lists), replace=False)])
    ivf.add(matrix)
    build_s = round(time.perf_counter() - started, 1)
    for probes in (8, 16, 32, 64):
        ivf.nprobe = probes
        found, ms = timed(lambda q: ivf.search(q[None, :], K)[1][0], queries)
        figures["ivf"].append(
            {
                "nlist": lists,
                "nprobe": probes,
                "p50_ms": ms,
                "recall_at_20": recall(found, truth),
                "build_s": build_s,
            }
        )
    hnsw = faiss.IndexHNSWFlat(DIMENSIONS, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 64
    started = time.perf_counter()
    hnsw.add(matrix)
    build_s = round(time.perf_counter() - started, 1)
    for search in (32, 64, 128):
        hnsw.hnsw.efSearch = search
        found, ms = timed(lambda q: hnsw.search(q[None, :], K)[1][0], queries)
        figures["hnsw"].append(
            {
                "M": 32,
                "efSearch": search,
                "p50_ms": ms,
                "recall_at_20": recall(found, truth),
                "build_s": build_s,
            }
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(17)
    centres = rng.standard_normal((TOPICS, DIMENSIONS)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    results = {}
    for n in sizes:
        results[str(n)] = measure(n, rng, centres)
        print(json.dumps({str(n): results[str(n)]}), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
