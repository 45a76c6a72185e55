"""Why the lexical half of matching is the engine's own BM25 and not PostgreSQL's full text.

A fits query is a whole document (a challenge of a hundred words or more), so in a full-text
engine it becomes an OR of every one of its words, which matches most of the corpus and has to
be ranked in full. This compares, on the same data and in the same run:

- quality: nDCG@10 of PostgreSQL's `ts_rank` and `ts_rank_cd` (the `english` configuration, OR
  of the query's lexemes) against the engine's BM25, on `../shared/datasets/nhs-dev` and
  SciFact's test split;
- speed: the top 100 for 40 generated challenges over 100,000 generated solutions
  (`scale_data.py`), a GIN-indexed `tsvector` against the engine's BM25 over its postings
  (both a whole query's cost; the engine's figure is its inner loop, without the page).

Writes `bench/results/lexical_choice.json`.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale_data  # noqa: E402
from bench_scale import CHALLENGES, _config, scratch_database  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from marketplace.app import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matches import documents  # noqa: E402
from marketplace.matches.embedding import current_embedder  # noqa: E402
from marketplace.matches.models import DocumentKind  # noqa: E402
from matching.engine import Engine  # noqa: E402
from matching.evaluate import load, ndcg_at  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "bench" / "results" / "lexical_choice.json"
QUERIES = 40
TOP = 100
# Words of the query as an OR of lexemes, with the query's own punctuation out of the way.
OR_QUERY = (
    "SELECT to_tsquery('english', string_agg(lexeme, ' | ')) "
    "FROM unnest(to_tsvector('english', :text))"
)


def quality(engine: sa.Engine) -> dict:
    found = {}
    for name in ("nhs-dev", "scifact"):
        dataset = load(DATASETS / name, "test")
        lexical = Engine(dataset.corpus, None)
        with engine.begin() as connection:
            connection.execute(
                sa.text("CREATE TEMP TABLE corpus (id text, tsv tsvector) ON COMMIT DROP")
            )
            connection.execute(
                sa.text(
                    "INSERT INTO corpus SELECT :id, to_tsvector('english', :title || ' ' || :text)"
                ),
                [{"id": d.id, "title": d.title, "text": d.text} for d in dataset.corpus],
            )
            scores: dict[str, list[float]] = {"ts_rank": [], "ts_rank_cd": [], "engine": []}
            for query_id, query in dataset.queries.items():
                relevant = dataset.qrels[query_id]
                for rank in ("ts_rank", "ts_rank_cd"):
                    ranked = connection.execute(
                        sa.text(
                            f"SELECT id FROM corpus, ({OR_QUERY}) AS q(query) "  # noqa: S608
                            f"WHERE tsv @@ query ORDER BY {rank}(tsv, query) DESC LIMIT 10"
                        ),
                        {"text": query.full_text},
                    ).scalars()
                    scores[rank].append(ndcg_at(list(ranked), relevant))
                mine = [m.id for m in lexical.rank(query, k=10, method="lexical")]
                scores["engine"].append(ndcg_at(mine, relevant))
        found[name] = {
            "postgres_ts_rank_ndcg@10": round(float(np.mean(scores["ts_rank"])), 4),
            "postgres_ts_rank_cd_ndcg@10": round(float(np.mean(scores["ts_rank_cd"])), 4),
            "engine_bm25_ndcg@10": round(float(np.mean(scores["engine"])), 4),
        }
        print(name, found[name], flush=True)
    return found


def speed(n: int) -> dict:
    with scratch_database() as url, tempfile.TemporaryDirectory() as index_dir:
        app = create_app(_config(url, index_dir))
        with app.app_context():
            upgrade()
            scale_data.seed(db.session, n, CHALLENGES, current_embedder().name)
            scale_data.settle(db.session)
            db.session.execute(
                sa.text(
                    "ALTER TABLE solutions ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                    "(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(summary, '')"
                    " || ' ' || coalesce(description, '') || ' ' || coalesce(audience, '')"
                    " || ' ' || coalesce(evidence, ''))) STORED"
                )
            )
            db.session.execute(sa.text("CREATE INDEX solutions_tsv ON solutions USING gin (tsv)"))
            db.session.commit()
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("ANALYZE solutions")
                )
            rows = db.session.execute(
                sa.select(*documents.text_columns(DocumentKind.SOLUTION)).order_by(sa.text("id"))
            ).all()
            lexical = Engine([documents.build(DocumentKind.SOLUTION, r, ()) for r in rows], None)
            challenges = db.session.execute(
                sa.select(*documents.text_columns(DocumentKind.CHALLENGE)).limit(QUERIES)
            ).all()
            queries = [documents.build(DocumentKind.CHALLENGE, c, ()) for c in challenges]
            postgres, ours = [], []
            for query in queries:
                started = time.perf_counter()
                db.session.execute(
                    sa.text(
                        f"SELECT id FROM solutions, ({OR_QUERY}) AS q(query) "  # noqa: S608
                        "WHERE tsv @@ query ORDER BY ts_rank(tsv, query) DESC LIMIT :top"
                    ),
                    {"text": query.full_text, "top": TOP},
                ).all()
                postgres.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                lexical.rank(query, k=TOP, method="lexical")
                ours.append((time.perf_counter() - started) * 1000)
            db.session.remove()
            db.engine.dispose()
    return {
        "n_solutions": n,
        "postgres_p50_ms": round(float(np.percentile(postgres, 50)), 2),
        "engine_bm25_p50_ms": round(float(np.percentile(ours, 50)), 2),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with scratch_database() as url:
        engine = sa.create_engine(url)
        figures = {"quality": quality(engine)}
        engine.dispose()
    figures["speed"] = speed(n)
    print(json.dumps(figures["speed"]), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
