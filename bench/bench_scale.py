"""Matching at scale, through the product: `make bench-scale`.

For each size (1,000, 10,000 and 100,000 published solutions, with 2,000 open challenges, and
one admitted supplier, test bed and adoption for every 20 solutions) on a scratch PostgreSQL
database, it seeds generated data in bulk (see `scale_data.py`), runs the deployment steps
(`marketplace matching reindex`, and `marketplace search rebuild` since bulk inserts bypass the
session that keeps search entries in step), then measures:

- through the WSGI app in this process: the fits page for a challenge, the same through the
  API, the fits page for a solution, and the statements one fits page runs; each against a bare
  NumPy top-20 over the same passage matrix (`bare_scan_p50_ms`) and against `/healthz`;
- a re-index with nothing changed, in a fresh app (so it loads the snapshot, as a new process
  does);
- the listings and pages of `scale_pages.py` (catalogue with facets, searches, registers,
  impact, API listings): each one's p50, p95 and statements, as a multiple of `/healthz`, and
  at the largest size how that multiple grew from the smallest;
- through gunicorn with 2 workers: each worker's first fits request (cold), 2,000 fits requests
  at 16 concurrency, a mixed load of 5,000 page and API requests at 16 concurrency, the
  workers' memory (RSS, and PSS, which splits shared pages between the processes that map
  them), and how long a saved description takes to show in the *other*
  worker's fits, with the number of full rebuilds that caused.

Figures go to `bench/results/scale.json`, keyed by size; other sections of that file are kept.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale_data  # noqa: E402
import scale_http  # noqa: E402
import scale_pages  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from challenges.models import Challenge  # noqa: E402
from marketplace.app import create_app  # noqa: E402
from marketplace.config import normalise_database_url  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matches import vectors  # noqa: E402
from marketplace.matches.embedding import current_embedder  # noqa: E402
from marketplace.matches.live import live_index  # noqa: E402
from marketplace.matches.models import (  # noqa: E402
    DocumentKind,
    IndexedDocument,
    StoredVector,
    VectorUnit,
)
from marketplace.solutions.models import Solution  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
CHALLENGES = 2_000
SAMPLED = 40  # challenges (and solutions) the request timings cycle through
K = 20
LOAD_REQUESTS = 2_000
LOAD_CONCURRENCY = 16
SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
RESULTS = ROOT / "bench" / "results" / "scale.json"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    logging.getLogger("marketplace.requests").setLevel(logging.WARNING)  # one line per request
    for n in sizes:
        started = time.perf_counter()
        with scratch_database() as url, tempfile.TemporaryDirectory() as index_dir:
            figures = measure(n, url, index_dir)
        figures["bench_s"] = round(time.perf_counter() - started, 1)
        results[str(n)] = {**results.get(str(n), {}), **figures}
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(json.dumps({str(n): figures}, indent=1), flush=True)
    scale_pages.growth(results, str(max(SIZES)), str(min(SIZES)))
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


@contextmanager
def scratch_database():
    server = sa.engine.make_url(normalise_database_url(SERVER))
    name = f"marketplace_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _config(url: str, index_dir: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "MATCHING_INDEX_DIR": index_dir,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_PROFILE": "test",
    }


def measure(n: int, url: str, index_dir: str) -> dict:
    config = _config(url, index_dir)
    app = create_app(config)
    figures: dict = {"n_solutions": n, "n_challenges": CHALLENGES}
    with app.app_context():
        upgrade()
        model = current_embedder().name
        started = time.perf_counter()
        people = scale_data.seed(db.session, n, CHALLENGES, model)
        people |= scale_data.seed_registers(db.session, people, n)
        scale_data.settle(db.session)
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        figures["n_passages"] = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(StoredVector)
            .join(IndexedDocument)
            .where(
                IndexedDocument.kind == DocumentKind.SOLUTION,
                StoredVector.unit == VectorUnit.PASSAGE,
            )
        )
        db.session.remove()
    print(f"{n}: seeded in {figures['seed_s']} s, {figures['n_passages']} passages", flush=True)

    figures["first_reindex_s"] = _timed_reindex(app)  # builds the index, writes the snapshots
    figures["reindex_unchanged_s"] = _timed_reindex(create_app(config))  # a new process's
    figures["search_rebuild_s"] = _timed_command(app, ["search", "rebuild"])  # bulk-seeded rows
    figures |= in_process(app, people)
    figures["pages"] = scale_pages.in_process(
        app, people, people["category"], figures["healthz_p50_ms"]
    )
    figures |= through_gunicorn(url, index_dir, people)
    figures["fits_ratio_p95"] = round(figures["fits_page_p95_ms"] / figures["bare_scan_p50_ms"], 1)
    with app.app_context():
        db.engine.dispose()
    return figures


def _timed_reindex(app) -> float:
    return _timed_command(app, ["matching", "reindex"])


def _timed_command(app, args: list[str]) -> float:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=args)
    elapsed = round(time.perf_counter() - started, 2)
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return elapsed


# --- in this process, through the WSGI app ------------------------------------------------


def in_process(app, people) -> dict:
    rng = np.random.default_rng(3)
    challenge_ids = [int(i) for i in rng.choice(np.arange(1, CHALLENGES + 1), SAMPLED, False)]
    with app.app_context():
        solution_ids = [
            int(i) for i in rng.choice(np.arange(1, _count(Solution) + 1), SAMPLED, False)
        ]
    lead = scale_http.signed_in(app, people["lead_email"])
    team = scale_http.signed_in(app, people["team_email"])
    anonymous = app.test_client()
    bearer = {"Authorization": f"Bearer {people['lead_token']}"}
    lead.get(f"/challenges/{challenge_ids[0]}/fits")  # warm: the index is loaded

    def fits_page(i):
        return lead.get(f"/challenges/{challenge_ids[i % SAMPLED]}/fits")

    def fits_api(i):
        return anonymous.get(
            f"/api/v1/challenges/{challenge_ids[i % SAMPLED]}/fits?limit={K}", headers=bearer
        )

    def solution_fits(i):
        return team.get(f"/solutions/{solution_ids[i % SAMPLED]}/fits")

    healthz = scale_http.samples(lambda i: anonymous.get("/healthz"), 200)
    page = scale_http.samples(fits_page, 2 * SAMPLED)
    api = scale_http.samples(fits_api, 2 * SAMPLED)
    other_way = scale_http.samples(solution_fits, 2 * SAMPLED)
    bare = bare_scan(app, challenge_ids)
    return {
        "healthz_p50_ms": scale_http.pct(healthz, 50),
        "bare_scan_p50_ms": scale_http.pct(bare, 50),
        "fits_page_p50_ms": scale_http.pct(page, 50),
        "fits_page_p95_ms": scale_http.pct(page, 95),
        "fits_api_p95_ms": scale_http.pct(api, 95),
        "solution_fits_p95_ms": scale_http.pct(other_way, 95),
        "fits_page_statements": scale_http.statements(app, lambda: fits_page(1)),
        "fits_page_p50_over_healthz": round(
            scale_http.pct(page, 50) / scale_http.pct(healthz, 50), 1
        ),
    }


def _count(table) -> int:
    return db.session.scalar(sa.select(sa.func.max(table.id)))


def bare_scan(app, challenge_ids: list[int]) -> list[float]:
    """A NumPy top-20 over the very matrix the index ranks with, for each challenge's first
    passage vector: the floor any fits request stands on."""
    with app.app_context():
        index = live_index(app, db.engine, current_embedder(), DocumentKind.SOLUTION)
        matrix = np.asarray(index.current(db.engine).engine.index.vectors)
        queries = []
        for challenge_id in challenge_ids:
            blob = db.session.scalar(
                sa.select(StoredVector.vector)
                .join(IndexedDocument)
                .where(
                    IndexedDocument.kind == DocumentKind.CHALLENGE,
                    IndexedDocument.object_id == challenge_id,
                    StoredVector.unit == VectorUnit.PASSAGE,
                )
                .order_by(StoredVector.position)
                .limit(1)
            )
            queries.append(np.frombuffer(blob, np.float32))
        db.session.remove()
    found = []
    for round_ in range(3 * len(queries)):
        query = queries[round_ % len(queries)]
        started = time.perf_counter()
        scores = matrix @ query
        best = np.argpartition(-scores, K - 1)[:K]
        best[np.argsort(-scores[best])]
        found.append((time.perf_counter() - started) * 1000)
    return found


# --- through gunicorn -------------------------------------------------------------------------


def through_gunicorn(url: str, index_dir: str, people: dict) -> dict:
    port = scale_http.free_port()
    with tempfile.TemporaryDirectory() as logs:
        log = Path(logs) / "server.log"
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "MATCHING_INDEX_DIR": index_dir,
            "MATCHING_EMBEDDER": "sentence-transformers",
            # The app's own access line (JSON, with the request's id, the worker's process
            # id and its time in the server) tells which worker answered a probe.
            "LOG_FORMAT": "json",
        }
        command = [
            str(GUNICORN),
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "marketplace.app:create_app()",
        ]
        with log.open("w") as server_log:
            server = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=environment, stdout=server_log, stderr=server_log
            )
        try:
            scale_http.wait_for(port)
            figures = _cold_first_fits(port, log, people)
            figures["load"] = _load(port, people)
            figures["pages_load"] = scale_pages.load(port, people, people["category"])
            figures |= _worker_memory(server.pid)
            figures |= _edit_visible(port, log, people, url)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return figures


def _served(log: Path, request_id: str) -> tuple[int, float]:
    """Which worker served the request sent with ``request_id``, and its time in the server
    (the worker writes its access line just after answering, so look again for a moment)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in reversed(log.read_text().splitlines()):
            if request_id not in line or not line.startswith("{"):
                continue
            entry = json.loads(line)
            if entry.get("request_id") == request_id and "duration_ms" in entry:
                return entry["process"], entry["duration_ms"] / 1000
        time.sleep(0.01)
    raise RuntimeError(f"no access line for request {request_id}: {log.read_text()[-500:]!r}")


def _probe(port: int, log: Path, path: str, token: str, probe: str):
    """A GET with its own request id, so the access line says which worker served it."""
    status, body, _headers = scale_http.request(port, path, token, headers={"X-Request-ID": probe})
    pid, seconds = _served(log, probe)
    return status, body, pid, seconds


def _cold_first_fits(port: int, log: Path, people: dict) -> dict:
    """Each worker's first fits request (its time in the server, as it loads the index), sent
    two at a time until both workers have served one."""
    firsts: dict[int, float] = {}
    with ThreadPoolExecutor(2) as pool:
        for round_ in range(50):
            probes = [
                pool.submit(
                    _probe,
                    port,
                    log,
                    f"/api/v1/challenges/{1 + 2 * round_ + i}/fits",
                    people["lead_token"],
                    f"cold{round_}-{i}",
                )
                for i in range(2)
            ]
            for done in probes:
                status, _body, pid, seconds = done.result()
                if status != 200:
                    raise RuntimeError(f"cold fits request: {status}")
                firsts.setdefault(pid, seconds)
            if len(firsts) == 2:
                break
    return {"cold_first_fits_s": round(max(firsts.values()), 2), "cold_workers_seen": len(firsts)}


def _load(port: int, people: dict) -> dict:
    def send(i: int) -> int:
        path = f"/api/v1/challenges/{1 + i % CHALLENGES}/fits"
        return scale_http.get(port, path, people["lead_token"])[0]

    return scale_http.load(send, LOAD_REQUESTS, LOAD_CONCURRENCY, "requests_per_s")


def _worker_memory(master: int) -> dict:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss = [_kilobytes(f"/proc/{pid}/status", "VmRSS:") for pid in children]
    pss = [_kilobytes(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in children]
    return {
        "worker_rss_mb": round(max(rss) / 1024, 1),
        "worker_pss_mb": round(max(pss) / 1024, 1),
        "workers": len(children),
    }


def _encode_with_the_model(url: str, challenge_id: int) -> None:
    """The challenge's vectors from the real model, as the saved description's will be, so the
    two texts compare in one vector space (the generated vectors come from a stand-in)."""
    app = create_app({**_config(url, tempfile.mkdtemp()), "MATCHING_SNAPSHOT_EVERY": 10**9})
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        vectors.index(db.session, current_embedder(), [challenge], force=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _kilobytes(path: str, field: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in {path}")


def _edit_visible(port: int, log: Path, people: dict, url: str) -> dict:
    """The innovator saves a description that makes their solution the best fit for a
    challenge; time until a fits request served by the other worker ranks it first."""
    engine = sa.create_engine(url)
    _encode_with_the_model(url, 7)
    with engine.connect() as connection:
        challenge = connection.execute(
            sa.select(Challenge.id, Challenge.need).where(Challenge.id == 7)
        ).one()
        status, body = scale_http.get(
            port, f"/api/v1/challenges/{challenge.id}/fits?limit={K}", people["lead_token"]
        )
        ranked = {item["ranked"]["id"] for item in json.loads(body)["items"]}
        target = next(i for i in range(3, 10_000) if i not in ranked)
        solution = connection.execute(
            sa.select(Solution.title, Solution.summary, Solution.audience).where(
                Solution.id == target
            )
        ).one()
    engine.dispose()
    rebuilds_before = log.read_text().count("from stored vectors")
    status, body, _headers = scale_http.request(
        port,
        f"/api/v1/solutions/{target}/sections/overview",
        people["innovator_token"],
        method="PUT",
        headers={"X-Request-ID": "save"},
        body={
            "title": solution.title,
            "summary": solution.summary,
            "audience": solution.audience,
            "description": challenge.need,
        },
    )
    saved = time.perf_counter()
    if status != 200:
        raise RuntimeError(f"saving the description: {status} {body[:300]!r}")
    saved_by, _seconds = _served(log, "save")
    visible, probe = None, 0
    path = f"/api/v1/challenges/{challenge.id}/fits"
    with ThreadPoolExecutor(2) as pool:  # two at a time, so both workers answer
        while visible is None and time.perf_counter() - saved < 60:
            batch = [
                pool.submit(_probe, port, log, path, people["lead_token"], f"edit{probe + i}")
                for i in range(2)
            ]
            probe += 2
            for done in batch:
                _status, body, pid, _seconds = done.result()
                first = json.loads(body)["items"][0]["ranked"]["id"]
                if pid != saved_by and first == target and visible is None:
                    visible = time.perf_counter() - saved
    return {
        "edit_visible_s": round(visible, 3) if visible is not None else None,
        "full_rebuilds_after_edit": log.read_text().count("from stored vectors") - rebuilds_before,
    }


if __name__ == "__main__":
    main()
