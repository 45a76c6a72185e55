"""What ``marketplace matching learn`` costs as decisions grow: 1,200, 12,000 and 120,000
decisions (12 per ranked list) on a scratch SQLite database, through the command itself.

The baseline, in the same run, is reading those decisions (``weights.decisions``: the
command's one query, streamed); the ratio says what fitting, the held-back check and its
resamples add. Decisions come from the same generator as the tests (a known ground truth), so
each size also shows whether the run adopts its weights.

Writes ``bench/results/learning.json``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from challenges.models import Challenge  # noqa: E402
from marketplace.accounts.models import Role  # noqa: E402
from marketplace.app import create_app  # noqa: E402
from marketplace.db import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matches import weights  # noqa: E402
from marketplace.matches.models import MatchFeedback  # noqa: E402
from marketplace.solutions.models import Solution  # noqa: E402
from tests import factories  # noqa: E402
from tests.matches.test_weights import feedback_rows  # noqa: E402
from tests.matching.test_learning import generated  # noqa: E402

SEEN = 12
LISTS = (100, 1_000, 10_000)


def _seed(lists: int) -> str:
    """A team member, one organisation, ``lists`` challenges and ``SEEN`` solutions, and the
    generated decisions on them. Returns the team member's email."""
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    organisation = team.active_memberships[0].organisation
    now = utcnow()
    common = {
        "organisation_id": organisation.id,
        "created_by_id": team.id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    db.session.execute(
        sa.insert(Challenge),
        [
            {**common, "created_by_id": team.id, "title": f"C{i}", "version": 1}
            for i in range(lists)
        ],
    )
    db.session.execute(sa.insert(Solution), [{**common, "title": f"S{i}"} for i in range(SEEN)])
    challenge_ids = db.session.scalars(sa.select(Challenge.id).order_by(Challenge.id)).all()
    solution_ids = db.session.scalars(sa.select(Solution.id).order_by(Solution.id)).all()
    decisions = generated(lists=lists, seen=SEEN, sharpness=20.0, seed=1)
    rows = feedback_rows(decisions, challenge_ids, solution_ids, team.id)
    for start in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(MatchFeedback), rows[start : start + 10_000])
    db.session.commit()
    return team.email


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    results = {}
    for lists in LISTS:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                    "SECRET_KEY": "bench",
                    "MATCHING_INDEX_DIR": str(Path(folder) / "index"),
                }
            )
            with app.app_context():
                upgrade()
                email = _seed(lists)
                read, found = _timed(lambda: list(weights.decisions(db.session)))
                db.session.remove()
            command = ["matching", "learn", "--by", email]
            learned, outcome = _timed(partial(app.test_cli_runner().invoke, args=command))
            assert outcome.exit_code == 0, outcome.output
            results[str(len(found))] = {
                "read_s (baseline)": round(read, 3),
                "learn_s": round(learned, 3),
                "ratio": round(learned / read, 1),
                "adopted": "In use now" in outcome.output,
            }
            print(len(found), "decisions:", results[str(len(found))], flush=True)
    out = ROOT / "bench" / "results" / "learning.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
