"""Pages and listings at scale, for `make bench-scale`: each page's server time and statements
in this process against `/healthz`, and a mixed load of pages and API calls through gunicorn.

The searches use words of the generated text: "sensor" is common (about one record in five),
"frail" finds "frailty" only as a prefix, and "blood pressure" needs both words.
"""

from __future__ import annotations

import re
import urllib.parse

import scale_data
import scale_http

ROUNDS = 30
LOAD_REQUESTS = 5_000
LOAD_CONCURRENCY = 16
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pages(category_id: int) -> dict[str, str]:
    """Each measured path and who asks for it: anyone, the service lead signed in, the
    innovation team signed in, or a machine client with the lead's token."""
    register = f"/dps/categories/{category_id}"
    return {
        "/catalogue": "anyone",
        "/catalogue?q=sensor&setting=home&assurance=complete": "anyone",
        "/catalogue?q=frail": "anyone",
        "/solutions?q=blood+pressure": "lead",
        "/solutions?q=sensor&maturity=market_ready": "lead",
        "/challenges?q=sensor": "lead",
        "/challenges?status=all&sort=newest": "lead",
        "/impact": "team",
        "/testbeds": "lead",
        "/testbeds?q=sensor": "lead",
        register: "anyone",
        f"{register}?q=ltd": "anyone",
        "/api/v1/solutions": "token",
        "/api/v1/solutions?q=sensor": "token",
        "/api/v1/challenges": "token",
        "/api/v1/challenges?q=blood+pressure": "token",
    }


def in_process(app, people: dict, category_id: int, healthz_p50: float) -> dict:
    """p50 and p95 of each page over ``ROUNDS`` requests, its statements, and its p50 as a
    multiple of `/healthz`'s in the same run."""
    clients = {
        "anyone": app.test_client(),
        "lead": scale_http.signed_in(app, people["lead_email"]),
        "team": scale_http.signed_in(app, people["team_email"]),
        "token": app.test_client(),
    }
    bearer = {"Authorization": f"Bearer {people['lead_token']}"}
    figures = {}
    for path, who in pages(category_id).items():
        headers = bearer if who == "token" else {}

        def call(_i, client=clients[who], path=path, headers=headers):
            return client.get(path, headers=headers)

        call(0)  # warm
        times = scale_http.samples(call, ROUNDS)
        figures[path] = {
            "p50_ms": scale_http.pct(times, 50),
            "p95_ms": scale_http.pct(times, 95),
            "statements": scale_http.statements(app, lambda call=call: call(0)),
            "ratio_to_healthz": round(scale_http.pct(times, 50) / healthz_p50, 1),
        }
    return figures


def growth(results: dict, largest: str, smallest: str) -> None:
    """At the largest size, each page's ratio to `/healthz` over the same at the smallest."""
    small = results.get(smallest, {}).get("pages", {})
    for path, figures in results.get(largest, {}).get("pages", {}).items():
        if path in small and small[path]["ratio_to_healthz"]:
            figures[f"growth_{_short(smallest)}_to_{_short(largest)}"] = round(
                figures["ratio_to_healthz"] / small[path]["ratio_to_healthz"], 2
            )


def _short(size: str) -> str:
    return f"{int(size) // 1000}k"


def load(port: int, people: dict, category_id: int) -> dict:
    """``LOAD_REQUESTS`` requests cycling through every page, ``LOAD_CONCURRENCY`` at a time,
    signed in through the server's own sign-in form."""
    cookies = {
        "lead": _session_cookie(port, people["lead_email"]),
        "team": _session_cookie(port, people["team_email"]),
        "anyone": None,
        "token": None,
    }
    paths = list(pages(category_id).items())

    def send(i: int) -> int:
        path, who = paths[i % len(paths)]
        headers = {"Cookie": cookies[who]} if cookies[who] else {}
        token = people["lead_token"] if who == "token" else None
        return scale_http.request(port, path, token, headers=headers)[0]

    return scale_http.load(send, LOAD_REQUESTS, LOAD_CONCURRENCY, "rps")


def _session_cookie(port: int, email: str) -> str:
    """Sign in as a browser does: the form's CSRF token and cookie, then the post."""
    status, body, headers = scale_http.request(port, "/sign-in")
    cookie = _cookie(headers)
    token = CSRF.search(body.decode()).group(1)
    form = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": scale_data.PASSWORD}
    )
    status, _body, headers = scale_http.request(
        port,
        "/sign-in",
        method="POST",
        raw=form,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302:
        raise RuntimeError(f"signing in as {email} through gunicorn: {status}")
    return _cookie(headers)


def _cookie(headers) -> str:
    return "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")
