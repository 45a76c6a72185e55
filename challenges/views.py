"""Challenge pages: browse and search, the service's drafts, review, and each challenge."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from challenges import queries, responses, services
from challenges.forms import (
    ChallengeForm,
    CommentsForm,
    DeclineResponseForm,
    ReasonForm,
    RespondForm,
)
from challenges.models import Challenge
from marketplace.accounts import policy
from marketplace.accounts.models import Role
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import form_version, has_errors, show_errors
from marketplace.matches import queries as match_queries
from marketplace.solutions.queries import published_of_organisations

bp = Blueprint("challenges", __name__, url_prefix="/challenges", template_folder="templates")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


@bp.get("")
def browse():
    status = request.args.get("status", "open")
    filters = queries.ChallengeFilters(
        text=(request.args.get("q") or "").strip() or None,
        theme_id=_int_arg("theme"),
        organisation_id=_int_arg("organisation"),
        status=status if status in {"open", "closed", "all"} else "open",
        closing_soon=request.args.get("closing_soon") == "1",
        sort=request.args.get("sort") if request.args.get("sort") in queries.SORTS else "relevance",
    )
    found = queries.published(db.session, filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "challenges/browse.html",
        found=found,
        page=found.page,
        filters=filters,
        themes=queries.all_themes(db.session),
        organisations=queries.organisations_with_challenges(db.session),
        sorts=queries.SORTS,
    )


def _lead_organisations():
    return [m.organisation for m in current_user.active_memberships if m.role == Role.SERVICE_LEAD]


@bp.get("/mine")
def mine():
    organisations = _lead_organisations()
    challenges = queries.of_organisations(db.session, [o.id for o in organisations])
    return render_template(
        "challenges/mine.html", challenges=challenges, organisations=organisations
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisations = _lead_organisations()
    if not organisations:
        raise Forbidden("Only service leads can post challenges")
    form = ChallengeForm()
    form.set_choices(queries.active_themes(db.session), organisations)
    if len(organisations) == 1 and not form.organisation_id.data:
        form.organisation_id.data = organisations[0].id
    if form.is_submitted() and form.validate():
        try:
            challenge = services.create_challenge(
                db.session, current_user, form.organisation_id.data, form.to_input()
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(
                "Your draft is saved. Only your organisation and the innovation team can see it.",
                "success",
            )
            return redirect(url_for("challenges.show", challenge_id=challenge.id))
    return _form_page(form, None)


def _form_page(form, challenge):
    status = 422 if has_errors(form) else 200
    return render_template("challenges/form.html", form=form, challenge=challenge), status


def _challenge(challenge_id: int) -> Challenge:
    challenge = get_by_id(db.session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(current_user, challenge):
        raise NotFound("No such challenge")
    return challenge


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
def edit(challenge_id: int):
    challenge = _challenge(challenge_id)
    if not policy.may_edit_challenge(current_user, challenge):
        raise Forbidden("Only a draft can be changed, by a service lead of its organisation")
    form = ChallengeForm(
        obj=challenge,
        data={"theme_ids": [t.id for t in challenge.themes], "version": challenge.version},
    )
    form.set_choices(queries.active_themes(db.session), [challenge.organisation])
    if form.is_submitted() and form.validate():
        try:
            services.update_challenge(
                db.session, current_user, challenge_id, form.to_input(), form_version(form)
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Your changes are saved.", "success")
            return redirect(url_for("challenges.show", challenge_id=challenge_id))
    return _form_page(form, challenge)


@bp.get("/<int:challenge_id>")
def show(challenge_id: int):
    return _show(_challenge(challenge_id))


def _show(challenge: Challenge, status: int = 200, **forms):
    """The challenge page, with any form that came back with errors in place of a blank one."""
    respond_form = forms.get("respond_form") or RespondForm()
    own_solutions = published_of_organisations(
        db.session,
        [
            m.organisation_id
            for m in current_user.active_memberships
            if policy.may_manage_solutions_for(current_user, m.organisation_id)
        ],
    )
    respond_form.set_solutions(own_solutions)
    return render_template(
        "challenges/show.html",
        challenge=challenge,
        comments_form=forms.get("comments_form") or CommentsForm(),
        reason_form=forms.get("reason_form") or ReasonForm(),
        respond_form=respond_form,
        can_respond=challenge.status == "open" and bool(own_solutions),
        responses=responses.for_challenge(db.session, current_user, challenge),
        decline_errors=forms.get("decline_errors") or {},
        top_fits=_top_fits(challenge),
    ), status


def _top_fits(challenge: Challenge):
    if not policy.may_see_fits_for_challenge(current_user, challenge):
        return None
    return match_queries.fits_for_challenge(db.session, current_user, challenge.id, k=3)[1]


@bp.route("/<int:challenge_id>/submit", methods=["GET", "POST"])
def submit(challenge_id: int):
    """Check, then submit: missing parts and similar published challenges come first."""
    challenge = _challenge(challenge_id)
    if not policy.may_submit_challenge(current_user, challenge):
        raise Forbidden("Only a service lead of this organisation can submit its draft")
    problems = {}
    if request.method == "POST":
        try:
            services.submit_challenge(db.session, current_user, challenge_id)
        except Invalid as error:
            db.session.rollback()
            problems = error.fields
        else:
            db.session.commit()
            flash(
                "Submitted. The innovation team will review it and publish it or reply with "
                "comments.",
                "success",
            )
            return redirect(url_for("challenges.show", challenge_id=challenge_id))
    similar = match_queries.similar_challenges(db.session, challenge)
    return (
        render_template(
            "challenges/submit.html",
            challenge=challenge,
            similar=similar,
            problems=problems,
            missing=services.missing_parts(challenge),
        ),
        422 if problems else 200,
    )


@bp.post("/<int:challenge_id>/publish")
def publish(challenge_id: int):
    services.publish_challenge(db.session, current_user, challenge_id)
    db.session.commit()
    flash("Published. Everyone signed in can now find it and respond.", "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/<int:challenge_id>/return")
def return_to_service(challenge_id: int):
    form = CommentsForm()
    try:
        services.return_challenge(db.session, current_user, challenge_id, form.comments.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_challenge(challenge_id), 422, comments_form=form)
    db.session.commit()
    flash("Returned to the service with your comments.", "success")
    return redirect(url_for("challenges.review"))


@bp.post("/<int:challenge_id>/withdraw")
def withdraw(challenge_id: int):
    form = ReasonForm()
    try:
        services.withdraw_challenge(db.session, current_user, challenge_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_challenge(challenge_id), 422, reason_form=form)
    db.session.commit()
    flash("The challenge is withdrawn.", "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/<int:challenge_id>/close")
def close(challenge_id: int):
    services.close_challenge(db.session, current_user, challenge_id)
    db.session.commit()
    flash("The challenge is closed to new responses.", "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/<int:challenge_id>/archive")
def archive(challenge_id: int):
    services.archive_challenge(db.session, current_user, challenge_id)
    db.session.commit()
    flash("The challenge is archived.", "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.get("/review")
def review():
    if not policy.may_review_challenge(current_user):
        raise Forbidden("Only the innovation team reviews challenges")
    return render_template("challenges/review.html", queue=queries.review_queue(db.session))


@bp.route("/themes", methods=["GET", "POST"])
def themes():
    if not policy.may_manage_themes(current_user):
        raise Forbidden("Only the innovation team can manage themes")
    errors = {}
    if request.method == "POST":
        action, theme_id = request.form.get("action"), request.form.get("theme_id", type=int)
        try:
            if action == "add":
                services.add_theme(db.session, current_user, request.form.get("name"))
            elif action == "rename":
                services.rename_theme(db.session, current_user, theme_id, request.form.get("name"))
            elif action in {"retire", "restore"}:
                services.set_theme_retired(db.session, current_user, theme_id, action == "retire")
            else:
                abort(400)
        except Invalid as error:
            db.session.rollback()
            errors = error.fields
        else:
            db.session.commit()
            flash("Themes updated.", "success")
            return redirect(url_for("challenges.themes"))
    return (
        render_template(
            "challenges/themes.html", themes=queries.all_themes(db.session), errors=errors
        ),
        422 if errors else 200,
    )


@bp.post("/<int:challenge_id>/responses")
def respond(challenge_id: int):
    form = RespondForm()
    try:
        responses.respond(
            db.session, current_user, challenge_id, form.solution_id.data, form.pitch.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_challenge(challenge_id), 422, respond_form=form)
    db.session.commit()
    flash("Your response is sent. The service will shortlist it or tell you why not.", "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/responses/<int:response_id>/shortlist")
def shortlist_response(response_id: int):
    response = responses.shortlist(db.session, current_user, response_id)
    db.session.commit()
    flash(f"{response.solution.title} is shortlisted.", "success")
    return redirect(url_for("challenges.show", challenge_id=response.challenge_id))


@bp.post("/responses/<int:response_id>/decline")
def decline_response(response_id: int):
    form = DeclineResponseForm()
    try:
        response = responses.not_taken_forward(
            db.session, current_user, response_id, form.reason.data
        )
    except Invalid as error:
        db.session.rollback()
        response = responses.visible_response(db.session, current_user, response_id)
        return _show(
            _challenge(response.challenge_id),
            422,
            decline_errors={response_id: error.fields.get("reason", [error.message])},
        )
    db.session.commit()
    flash(f"{response.solution.title} is not taken forward; they will see your reason.", "success")
    return redirect(url_for("challenges.show", challenge_id=response.challenge_id))


@bp.get("/responses/mine")
def my_responses():
    return render_template(
        "challenges/my_responses.html",
        responses=responses.of_user_organisations(db.session, current_user),
    )
