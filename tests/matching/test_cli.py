"""`marketplace matching evaluate` through the CLI."""

from __future__ import annotations

import json

from tests.matching.test_engine import make_beir


def test_evaluate_prints_figures_and_ends_with_json(app, tmp_path):
    make_beir(tmp_path)

    result = app.test_cli_runner().invoke(
        args=["matching", "evaluate", str(tmp_path), "--method", "lexical", "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures == {
        "lexical": {
            "ndcg@10": 1.0,
            "mrr@10": 1.0,
            "recall@100": 1.0,
            "by_length": {"up to 20 words": {"queries": 2, "ndcg@10": 1.0}},
        }
    }
    assert "up to 20 words: nDCG@10 1.0000 (2 queries)" in result.output


def test_evaluate_names_the_broken_file(app, tmp_path):
    make_beir(tmp_path, qrels="query-id\tcorpus-id\tscore\nq1\tfalls\tmaybe\n")

    result = app.test_cli_runner().invoke(args=["matching", "evaluate", str(tmp_path)])

    assert result.exit_code != 0
    assert "test.tsv, line 2: score 'maybe' is not a whole number" in result.output


def test_a_missing_model_is_a_clear_error_naming_the_setting(app, tmp_path):
    make_beir(tmp_path)
    app.config["MATCHING_MODEL"] = str(tmp_path / "no-such-model")
    try:
        result = app.test_cli_runner().invoke(
            args=["matching", "evaluate", str(tmp_path), "--method", "dense"]
        )
    finally:
        app.config["MATCHING_MODEL"] = None

    assert result.exit_code != 0
    assert "MATCHING_MODEL points at" in result.output
    assert "does not exist" in result.output
