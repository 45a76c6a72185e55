"""Server time of the main pages and API calls, as ratios to the health check.

The health check does one ``SELECT 1``, so a ratio says how much template rendering, policy
checks and queries each page adds. A sign-in with the production password hash is included to
show what argon2id costs per attempt.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from marketplace import demo
from marketplace.accounts import services
from marketplace.app import create_app
from marketplace.extensions import db

ROUNDS = 30


def _median_ms(call, rounds: int = ROUNDS) -> float:
    call()  # warm up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade()
            for _ in demo.steps(db.session):
                pass
            lead = demo.DEMO_USERS[0]
            user = db.session.scalar(db.select(services.User).filter_by(email=lead.email))
            _token, secret = services.create_api_token(db.session, user, "bench", 1)
            db.session.commit()

        anonymous = app.test_client()
        signed_in = app.test_client()
        signed_in.post("/sign-in", data={"email": lead.email, "password": demo.DEMO_PASSWORD})
        bearer = {"Authorization": f"Bearer {secret}"}

        cases = {
            "GET /healthz (baseline)": lambda: anonymous.get("/healthz"),
            "GET / anonymous": lambda: anonymous.get("/"),
            "GET /sign-in": lambda: anonymous.get("/sign-in"),
            "GET /account": lambda: signed_in.get("/account"),
            "GET /admin/organisations": lambda: signed_in.get("/admin/organisations"),
            "GET /admin/audit": lambda: signed_in.get("/admin/audit"),
            "GET /api/v1/me (token)": lambda: anonymous.get("/api/v1/me", headers=bearer),
            "GET /api/v1/organisations": lambda: anonymous.get(
                "/api/v1/organisations", headers=bearer
            ),
            "POST /sign-in (argon2id, RFC 9106 low-memory)": lambda: app.test_client().post(
                "/sign-in", data={"email": lead.email, "password": demo.DEMO_PASSWORD}
            ),
        }
        results = {
            name: _median_ms(call, 10 if "argon2" in name else ROUNDS)
            for name, call in cases.items()
        }

    baseline = results["GET /healthz (baseline)"]
    print(f"{'case':<48} {'median ms':>10} {'× baseline':>11}")
    for name, value in results.items():
        print(f"{name:<48} {value:>10.2f} {value / baseline:>11.1f}")


if __name__ == "__main__":
    main()
