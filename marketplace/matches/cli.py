"""`marketplace matching …` commands. Thin: they call the engine or the adapter and print what
happened."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from redis import Redis
from rq import SimpleWorker
from tqdm import tqdm

from marketplace.accounts.models import User
from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.matches import indexing, vectors, weights
from marketplace.matches.embedding import current_embedder
from marketplace.matches.live import live_index
from marketplace.matches.models import DocumentKind
from matching.embedders import ModelNotFound, SentenceTransformerEmbedder
from matching.engine import METHODS, Engine, split_document
from matching.evaluate import BadDataset, load, run
from matching.learning import MINIMUM_DECISIONS, NotEnough

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
    if embedder is None:
        engine = Engine(dataset.corpus, None)
    else:
        total = sum(len(split_document(d, embedder)) for d in dataset.corpus)
        with tqdm(total=total, desc="Encoding passages", unit="passage") as bar:
            engine = Engine(dataset.corpus, embedder, progress=bar.update)
    results = run(dataset, engine, METHODS if method == "all" else [method])
    for name, figures in results.items():
        overall = {k: v for k, v in figures.items() if k not in ("by_length", "bands")}
        click.echo(f"{name:<8} " + "  ".join(f"{k} {v:.4f}" for k, v in overall.items()))
        for label, group in figures.get("bands", {}).items():
            share = (
                "none"
                if group["relevant"] is None
                else f"{group['relevant']:.0%} relevant, {group['direct']:.0%} of the top grade"
            )
            click.echo(f"{'':<8} band {label}: {group['fits']} fits, {share}")
        for label, group in figures["by_length"].items():
            click.echo(
                f"{'':<8} {label}: nDCG@10 {group['ndcg@10']:.4f} ({group['queries']} queries)"
            )
    if as_json:
        click.echo(json.dumps(results))


@matching.command("reindex")
@click.option(
    "--force", is_flag=True, help="Encode everything again, changed or not (new model files)."
)
def reindex(force: bool) -> None:
    """Encode every challenge and solution whose text changed since it was last encoded."""
    embedder = current_embedder()
    for kind in DocumentKind:
        with tqdm(desc=f"Encoding {kind.value} texts", unit="text") as bar:
            report = vectors.reindex(db.session, embedder, kind, progress=bar, force=force)
        db.session.commit()
        click.echo(
            f"{kind.label}s: {report.encoded} encoded, {report.unchanged} unchanged "
            f"({report.texts} passages and sentences encoded with {embedder.name})"
        )
        index = live_index(current_app, db.engine, embedder, kind)
        held = index.current(db.engine)
        index.save(held)
        click.echo(
            f"{kind.label} index: {held.engine.n_documents} documents, snapshot at generation "
            f"{held.generation} in {index.folder}"
        )


@matching.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued encoding jobs (when REDIS_URL is set, submissions are encoded here)."""
    if not current_app.config.get("MATCHING_QUEUE"):
        raise click.ClickException(
            "REDIS_URL is not set: encoding happens inline, no worker needed"
        )
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    # In-process (no fork per job): the app context and its database pool stay valid.
    SimpleWorker([indexing.queue()], connection=connection).work(burst=burst)


@matching.command("learn")
@click.option(
    "--by", "email", required=True, help="Email of the innovation team member asking for it."
)
@click.option(
    "--minimum",
    type=click.IntRange(min=1),
    default=MINIMUM_DECISIONS,
    show_default=True,
    help="Decisions needed before anything is learned.",
)
def learn(email: str, minimum: int) -> None:
    """Learn the fusion weights from the shortlist, accept and dismiss decisions on fits. The
    new weights are used only if they order held-back decisions better than the ones in use."""
    actor = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if actor is None:
        raise click.ClickException(f"No account has the email {email}")
    try:
        row = weights.learn(db.session, actor, minimum)
    except Forbidden as error:
        raise click.ClickException(str(error)) from None
    except NotEnough as error:
        click.echo(f"Nothing learned: {error}")
        return
    db.session.commit()
    figures = row.figures
    click.echo(
        f"Learned from {figures['trained_on']} decisions; checked on {figures['held_back']} "
        f"held back ({figures['held_back_pairs']} pairs of a yes and a no from the same list)."
    )
    click.echo(
        f"Held-back pairs in the right order: {figures['learned_pairs_right']:.1%} with the new "
        f"weights, {figures['current_pairs_right']:.1%} with the weights in use (better in "
        f"{figures['better_in']:.0%} of resamples)."
    )
    click.echo(
        "New weights: "
        + ", ".join(f"{name} {value:.3f}" for name, value in figures["weights"].items())
    )
    if row.adopted:
        click.echo(f"In use now (weights {row.id}).")
    else:
        click.echo(f"Kept as weights {row.id} but not used: they did not do clearly better.")
