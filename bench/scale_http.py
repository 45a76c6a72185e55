"""What the scale benchmarks share: timing samples, percentiles, counting statements, and
talking HTTP to a gunicorn server started for the run."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scale_data
import sqlalchemy as sa

from marketplace.extensions import db


def samples(call, rounds: int) -> list[float]:
    found = []
    for i in range(rounds):
        started = time.perf_counter()
        response = call(i)
        found.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.path}: {response.status_code}")
    return found


def pct(samples: list[float], q: float) -> float:
    return round(float(np.percentile(samples, q)), 2)


def statements(app, call) -> int:
    with app.app_context():
        engine = db.engine
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(counted)


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": scale_data.PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def get(port: int, path: str, token: str | None = None, method="GET", body=None):
    """Status and body; ``body`` (if any) is sent as JSON."""
    status, content, _headers = request(port, path, token, method=method, body=body)
    return status, content


def request(
    port: int,
    path: str,
    token: str | None = None,
    *,
    method: str = "GET",
    body=None,
    raw: str | None = None,
    headers: dict | None = None,
):
    """Status, body and response headers of one request on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None:
        sent["Content-Type"] = "application/json"
        raw = json.dumps(body)
    try:
        connection.request(method, path, body=raw, headers=sent)
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def load(send: Callable[[int], int], requests: int, concurrency: int, rate_key: str) -> dict:
    """``requests`` calls of ``send(i)`` (which returns an HTTP status), ``concurrency`` at a
    time: how many failed (not 200, or no answer), p50 and p95 in ms, and the rate."""

    def one(i: int) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            ok = send(i) == 200
        except OSError:
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        done = list(pool.map(one, range(requests)))
    seconds = time.perf_counter() - started
    times = [t for t, _ in done]
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": sum(1 for _, ok in done if not ok),
        "p50_ms": pct(times, 50),
        "p95_ms": pct(times, 95),
        rate_key: round(requests / seconds, 1),
    }
