"""Fit pages: solutions ranked for a challenge, challenges ranked for a solution, an
innovator's "challenges that fit your solutions", and the decisions people take on fits."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.forms import form_version, show_errors
from marketplace.matches import lifecycle, queries, services, weights
from marketplace.matches.forms import DecisionForm
from marketplace.matches.models import FeedbackSide
from marketplace.solutions.models import Maturity
from procurement.testbeds import queries as testbed_queries

bp = Blueprint("matches", __name__, template_folder="templates")

WEIGHT_LABELS = {
    "dense": "Meaning: the closest passages",
    "late": "Meaning, sentence by sentence (the 30 best first-stage fits)",
    "lexical": "Words in common (BM25)",
    "themes": "Themes in common",
    "maturity": "Maturity fit",
}

DECISION_MESSAGES = {
    "shortlisted": "Shortlisted.",
    "dismissed": "Dismissed. It will stay out of this list when fits are ranked again.",
    "accepted": "Accepted. This fit can now be taken forward into a test-bed agreement.",
}


def _solution_filters() -> queries.SolutionFilters:
    wanted = set(request.args.getlist("maturity"))
    theme = request.args.get("theme", type=int)
    return queries.SolutionFilters(
        maturity=[m for m in Maturity if m.value in wanted],
        theme_id=theme if theme and theme > 0 else None,
    )


@bp.get("/challenges/<int:challenge_id>/fits")
def for_challenge(challenge_id: int):
    return _challenge_page(challenge_id)


def _challenge_page(challenge_id: int, status: int = 200, failed: tuple | None = None):
    filters = _solution_filters()
    challenge, fits = queries.fits_for_challenge(db.session, current_user, challenge_id, filters)
    return render_template(
        "matches/for_challenge.html",
        challenge=challenge,
        fits=fits,
        filters=filters,
        maturities=list(Maturity),
        themes=queries.live_themes(db.session),
        failed=failed,
        side=FeedbackSide.SERVICE,
        next_statuses=lifecycle.next_statuses,
        agreements=testbed_queries.latest_by_solution(db.session, challenge.id),
    ), status


@bp.post("/challenges/<int:challenge_id>/fits/<int:solution_id>")
def decide_for_challenge(challenge_id: int, solution_id: int):
    return _decide(
        challenge_id, solution_id, FeedbackSide.SERVICE, _challenge_page, challenge_id, solution_id
    )


def _decide(challenge_id, solution_id, side, page, page_id, other_id):
    """One decision from a fit card; on bad input the same page again, with the card's errors."""
    form = DecisionForm()
    try:
        feedback = services.decide_fit(
            db.session,
            current_user,
            challenge_id,
            solution_id,
            side,
            form.status.data,
            form.reason.data,
            form_version(form),
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return page(page_id, 422, failed=(other_id, form))
    db.session.commit()
    flash(DECISION_MESSAGES[feedback.status.value], "success")
    if side == FeedbackSide.SERVICE:
        return redirect(url_for("matches.for_challenge", challenge_id=challenge_id))
    return redirect(url_for("matches.for_solution", solution_id=solution_id))


@bp.get("/solutions/<int:solution_id>/fits")
def for_solution(solution_id: int):
    return _solution_page(solution_id)


def _solution_page(solution_id: int, status: int = 200, failed: tuple | None = None):
    theme = request.args.get("theme", type=int)
    theme = theme if theme and theme > 0 else None
    solution, fits = queries.fits_for_solution(db.session, current_user, solution_id, theme)
    return render_template(
        "matches/for_solution.html",
        solution=solution,
        fits=fits,
        theme_id=theme,
        themes=queries.live_themes(db.session),
        failed=failed,
        side=FeedbackSide.INNOVATOR,
        next_statuses=lifecycle.next_statuses,
    ), status


@bp.post("/solutions/<int:solution_id>/fits/<int:challenge_id>")
def decide_for_solution(solution_id: int, challenge_id: int):
    return _decide(
        challenge_id, solution_id, FeedbackSide.INNOVATOR, _solution_page, solution_id, challenge_id
    )


@bp.get("/matches")
def mine():
    """Challenges that fit your solutions."""
    return render_template(
        "matches/mine.html", lists=queries.fits_for_my_solutions(db.session, current_user)
    )


@bp.get("/matching/weights")
def weights_page():
    """The weights fits are ranked by, the sets learned from decisions, and going back."""
    return _weights_page()


def _weights_page(status: int = 200, problem: str | None = None):
    return render_template(
        "matches/weights.html",
        overview=weights.overview(db.session, current_user),
        labels=WEIGHT_LABELS,
        problem=problem,
    ), status


@bp.post("/matching/weights")
def use_weights():
    chosen = request.form.get("weights", "")
    if chosen != "built-in" and not chosen.isdigit():
        return _weights_page(422, "Choose a set of weights to use.")
    try:
        weights.put_in_use(db.session, current_user, None if chosen == "built-in" else int(chosen))
    except Conflict as error:
        db.session.rollback()
        return _weights_page(409, error.message)
    db.session.commit()
    flash(
        "Fits are now ranked by the built-in weights."
        if chosen == "built-in"
        else f"Fits are now ranked by weights {chosen}.",
        "success",
    )
    return redirect(url_for("matches.weights_page"))
