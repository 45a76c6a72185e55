"""Fellows' pages: a cohort's fellows with their progress, one fellow's record across years with
the forms each person may use, a fellow's own places, a mentor's mentees, learning sessions
with their attendance register, and turning an idea into a solution record."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from challenges.fellowship import fellow_queries as queries
from challenges.fellowship import fellows as services
from challenges.fellowship.fellow_forms import (
    AttendanceForm,
    CompleteMilestoneForm,
    ContinueForm,
    EndForm,
    IdeaForm,
    LearningSessionForm,
    MentorForm,
    MilestoneForm,
    ProgressForm,
)
from challenges.fellowship.models import LearningSession, Milestone
from marketplace.accounts import policy
from marketplace.accounts.models import Role
from marketplace.db import get_by_id, uk_today
from marketplace.errors import Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import show_errors

bp = Blueprint("fellows", __name__, url_prefix="/fellowship/fellows", template_folder="templates")


# --- lists ------------------------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int):
    found, rows = queries.cohort_fellows(db.session, current_user, cohort_id)
    return render_template("fellows/cohort.html", cohort=found, rows=rows)


@bp.get("/mine")
def mine():
    return render_template(
        "fellows/mine.html", places=queries.my_fellowship(db.session, current_user)
    )


@bp.get("/mentees")
def mentees():
    return render_template("fellows/mentees.html", rows=queries.mentees(db.session, current_user))


# --- one fellow -------------------------------------------------------------------------------


@bp.get("/<int:fellow_id>")
def fellow(fellow_id: int):
    return _show(fellow_id)


def _show(fellow_id: int, status: int = 200, **forms):
    years = queries.history(db.session, current_user, fellow_id)
    place = next(y for y in years if y.fellow.id == fellow_id)
    current = place.fellow
    team = policy.may_run_fellowship(current_user)
    mentor_form = forms.get("mentor_form") or MentorForm()
    continue_form = forms.get("continue_form") or ContinueForm()
    progress_form = forms.get("progress_form") or ProgressForm()
    if team:
        mentor_form.set_people(queries.active_people(db.session, exclude=current.user_id))
        continue_form.set_cohorts(queries.later_cohorts(db.session, current))
    progress_form.set_milestones(place.milestones)
    return render_template(
        "fellows/fellow.html",
        fellow=current,
        place=place,
        years=years,
        today=uk_today(),
        team=team,
        may_set_milestones=policy.may_set_milestones(current_user, current),
        mentor_form=mentor_form,
        milestone_form=forms.get("milestone_form") or MilestoneForm(),
        complete_forms=forms.get("complete_forms") or {},
        complete_form_for=lambda m_id: (
            (forms.get("complete_forms") or {}).get(m_id)
            or CompleteMilestoneForm(prefix=f"m{m_id}", formdata=None)
        ),
        progress_form=progress_form,
        continue_form=continue_form,
        end_form=forms.get("end_form") or EndForm(),
    ), status


def _done(message: str, fellow_id: int, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("fellows.fellow", fellow_id=fellow_id) + anchor)


def _refused(form, error: Invalid, fellow_id: int, name: str):
    db.session.rollback()
    show_errors(form, error)
    return _show(fellow_id, 422, **{name: form})


@bp.post("/<int:fellow_id>/mentor")
def assign_mentor(fellow_id: int):
    form = MentorForm()
    try:
        done = services.assign_mentor(db.session, current_user, fellow_id, form.mentor_id.data)
    except Invalid as error:
        return _refused(form, error, fellow_id, "mentor_form")
    return _done(f"{done.mentor.name} is now the mentor. Both have been told.", fellow_id)


@bp.post("/<int:fellow_id>/milestones")
def add_milestone(fellow_id: int):
    form = MilestoneForm()
    if not form.validate():
        return _show(fellow_id, 422, milestone_form=form)
    try:
        services.add_milestone(
            db.session, current_user, fellow_id, form.title.data, form.due_on.data
        )
    except Invalid as error:
        return _refused(form, error, fellow_id, "milestone_form")
    return _done("Milestone added.", fellow_id, "#milestones")


@bp.post("/milestones/<int:milestone_id>/complete")
def complete_milestone(milestone_id: int):
    milestone = get_by_id(db.session, Milestone, milestone_id)
    if milestone is None:
        raise NotFound("There is no such milestone")
    fellow_id = milestone.fellow_id
    form = CompleteMilestoneForm(prefix=f"m{milestone_id}")
    if not form.validate():
        services.visible_fellow(db.session, current_user, fellow_id)
        return _show(fellow_id, 422, complete_forms={milestone_id: form})
    try:
        services.complete_milestone(db.session, current_user, milestone_id, form.completed_on.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(fellow_id, 422, complete_forms={milestone_id: form})
    return _done("Milestone marked as done.", fellow_id, "#milestones")


@bp.post("/<int:fellow_id>/progress")
def report_progress(fellow_id: int):
    form = ProgressForm()
    try:
        services.report_progress(
            db.session, current_user, fellow_id, form.text.data, form.milestone_id.data
        )
    except Invalid as error:
        return _refused(form, error, fellow_id, "progress_form")
    return _done("Progress reported.", fellow_id, "#progress")


@bp.post("/<int:fellow_id>/continue")
def continue_fellowship(fellow_id: int):
    form = ContinueForm()
    try:
        later = services.continue_fellowship(
            db.session, current_user, fellow_id, form.cohort_id.data
        )
    except Invalid as error:
        return _refused(form, error, fellow_id, "continue_form")
    return _done(f"Carried on into year {later.year_of_fellowship}, with their history.", later.id)


@bp.post("/<int:fellow_id>/end")
def end_fellowship(fellow_id: int):
    form = EndForm()
    try:
        ended = services.end_fellowship(db.session, current_user, fellow_id, form.status.data)
    except Invalid as error:
        return _refused(form, error, fellow_id, "end_form")
    return _done(f"This place is now {ended.status.label.lower()}.", fellow_id)


# --- learning sessions ------------------------------------------------------------------------


def _sessions(cohort_id: int, status: int = 200, form=None, attendance_form=None):
    found, sessions, fellows, register = queries.learning_sessions(
        db.session, current_user, cohort_id
    )
    return render_template(
        "fellows/sessions.html",
        cohort=found,
        sessions=sessions,
        fellows=fellows,
        register=register,
        today=uk_today(),
        form=form or LearningSessionForm(),
        attendance_form=attendance_form,
    ), status


@bp.get("/cohorts/<int:cohort_id>/sessions")
def learning_sessions(cohort_id: int):
    return _sessions(cohort_id)


@bp.post("/cohorts/<int:cohort_id>/sessions")
def schedule_session(cohort_id: int):
    form = LearningSessionForm()
    if not form.validate():
        return _sessions(cohort_id, 422, form)
    try:
        services.schedule_learning_session(
            db.session,
            current_user,
            cohort_id,
            form.title.data,
            form.held_on.data,
            form.description.data,
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _sessions(cohort_id, 422, form)
    db.session.commit()
    flash("Learning session scheduled. The cohort's fellows have been told.", "success")
    return redirect(url_for("fellows.learning_sessions", cohort_id=cohort_id))


@bp.post("/sessions/<int:session_id>/attendance")
def record_attendance(session_id: int):
    form = AttendanceForm()
    try:
        services.record_attendance(
            db.session, current_user, session_id, form.fellow_id.data, form.attended.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        learning = get_by_id(db.session, LearningSession, session_id)
        return _sessions(learning.cohort_id, 422, attendance_form=form)
    db.session.commit()
    learning = db.session.get(LearningSession, session_id)
    flash("Attendance recorded.", "success")
    return redirect(
        url_for("fellows.learning_sessions", cohort_id=learning.cohort_id)
        + f"#session-{session_id}"
    )


# --- idea to solution -------------------------------------------------------------------------


@bp.route("/<int:fellow_id>/solution", methods=["GET", "POST"])
def idea_to_solution(fellow_id: int):
    place = services.idea_place(db.session, current_user, fellow_id)
    existing = services.solution_of_chain(services.chain_of(db.session, place))
    if existing is not None:
        flash("Your idea already has a solution record: this is it.", "info")
        return redirect(url_for("solutions.show", solution_id=existing))
    services.check_idea_place_is_current(place)
    organisations = [
        m.organisation for m in current_user.active_memberships if m.role == Role.FELLOW
    ]
    form = IdeaForm(data=services.idea_defaults(place))
    form.set_organisations(organisations)
    if form.is_submitted():
        try:
            solution = services.create_solution_from_idea(
                db.session, current_user, fellow_id, form.to_data()
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(
                "Your idea is now a draft solution record. Complete each section and publish "
                "it: it then appears in matching like any other solution.",
                "success",
            )
            return redirect(url_for("solutions.show", solution_id=solution.id))
    return render_template(
        "fellows/idea.html", fellow=place, form=form, organisations=organisations
    ), (422 if form.is_submitted() else 200)
