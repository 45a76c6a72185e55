"""`marketplace matching …` commands. Thin: they call the engine and print what it measured."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from matching.embedders import ModelNotFound, SentenceTransformerEmbedder
from matching.engine import METHODS, Engine
from matching.evaluate import BadDataset, load, run

matching = AppGroup("matching", help="The matching engine.")


@matching.command("evaluate")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--split", default="test", show_default=True, help="Which qrels file to judge on.")
@click.option("--method", type=click.Choice([*METHODS, "all"]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="End with one JSON object of the figures.")
def evaluate(folder: str, split: str, method: str, as_json: bool) -> None:
    """nDCG@10, MRR@10 and Recall@100 on a BEIR-format FOLDER, per method."""
    try:
        dataset = load(folder, split)
        embedder = (
            None
            if method == "lexical"
            else SentenceTransformerEmbedder(current_app.config.get("MATCHING_MODEL"))
        )
    except (BadDataset, ModelNotFound) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{len(dataset.corpus)} documents, {len(dataset.queries)} queries ({split})", err=True
    )
    engine = Engine(dataset.corpus, embedder)
    results = run(dataset, engine, METHODS if method == "all" else [method])
    for name, figures in results.items():
        click.echo(f"{name:<8} " + "  ".join(f"{k} {v:.4f}" for k, v in figures.items()))
    if as_json:
        click.echo(json.dumps(results))
