"""Fellows once selected: mentors, milestones, progress, learning sessions and attendance,
carrying on into a later cohort, ending a fellowship, and turning the idea into a solution record.

policy check → guard → change → audit → flush; never commit. A fellow's record (milestones,
progress, attendance) is for the fellow, their mentor and the innovation team only.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.fellowship import services as selection
from challenges.fellowship.models import (
    Attendance,
    Cohort,
    Fellow,
    FellowStatus,
    IdeaStage,
    LearningSession,
    Milestone,
    ProgressUpdate,
)
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Role, User
from marketplace.db import flush_or_conflict, get_by_id, uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.services import notify
from marketplace.solutions import services as solutions
from marketplace.solutions.models import Solution
from marketplace.validation import FieldErrors, clean_date, clean_line, clean_text

LONG_TEXT = 5000
ENDINGS = {"completed": FellowStatus.COMPLETED, "withdrawn": FellowStatus.WITHDRAWN}
# How far an idea had got, as a solution's maturity.
MATURITY_OF_IDEA = {
    IdeaStage.CONCEPT: "idea",
    IdeaStage.PROTOTYPE: "prototype",
    IdeaStage.TESTED: "piloted",
    IdeaStage.MARKETABLE: "market_ready",
}
SECTION_FIELDS = {
    "overview": ("title", "summary", "description", "audience"),
    "maturity": ("theme_ids", "care_settings", "maturity", "evidence", "evidence_sites"),
    "assurance": (
        "device_class",
        "device_marking",
        "dtac_status",
        "dtac_date",
        "dcb0129_in_place",
        "clinical_safety_officer",
        "dcb0129_date",
        "dspt_status",
        "dspt_date",
        "dspt_expiry",
        "cyber_essentials",
        "cyber_essentials_date",
        "cyber_essentials_expiry",
        "esf_tier",
    ),
    "commercial": ("pricing_model", "contact_name", "contact_email"),
}


def link_to(fellow: Fellow) -> str:
    return f"/fellowship/fellows/{fellow.id}"


# --- finding things -----------------------------------------------------------------------


def visible_fellow(session: Session, actor: User, fellow_id) -> Fellow:
    """The fellow, their mentor and the team see a fellow's record; anyone else is refused."""
    fellow = get_by_id(session, Fellow, fellow_id)
    if fellow is None:
        raise NotFound("There is no such fellow")
    if not policy.may_view_fellow(actor, fellow):
        raise Forbidden("Only the fellow, their mentor and the innovation team see this record")
    return fellow


def chain_of(session: Session, fellow: Fellow) -> list[Fellow]:
    """Every place of this person's fellowship that leads to or from this one, earliest first."""
    chain = [fellow]
    while chain[0].continues_from is not None:
        chain.insert(0, chain[0].continues_from)
    while True:
        later = session.scalar(sa.select(Fellow).filter_by(continues_from_id=chain[-1].id))
        if later is None:
            return chain
        chain.append(later)


def _team_only(actor: User, what: str) -> None:
    if not policy.may_run_fellowship(actor):
        raise Forbidden(f"Only the innovation team {what}")


def _team_fellow(session: Session, actor: User, fellow_id, what: str) -> Fellow:
    _team_only(actor, what)
    fellow = get_by_id(session, Fellow, fellow_id)
    if fellow is None:
        raise NotFound("There is no such fellow")
    return fellow


def _active(fellow: Fellow) -> None:
    if fellow.status != FellowStatus.ACTIVE:
        raise InvalidTransition(f"This fellowship has ended ({fellow.status.label.lower()})")


def _reporting(actor: User, fellow: Fellow) -> None:
    """The fellow, their mentor or the team, while the fellowship is active."""
    _active(fellow)
    if not policy.may_report_progress(actor, fellow):
        raise Forbidden("Only the fellow, their mentor and the innovation team can do that")


def _others(fellow: Fellow, actor: User) -> list[User]:
    """The fellow and their mentor, except whoever acted."""
    people = [fellow.user] + ([fellow.mentor] if fellow.mentor else [])
    return [p for p in people if p.id != getattr(actor, "id", None)]


# --- mentors, milestones and progress -----------------------------------------------------


def assign_mentor(session: Session, actor: User, fellow_id, mentor_id) -> Fellow:
    fellow = _team_fellow(session, actor, fellow_id, "appoints mentors")
    _active(fellow)
    errors = FieldErrors()
    mentor = get_by_id(session, User, mentor_id)
    if mentor is None or not mentor.is_active:
        errors.add("mentor_id", "Choose a mentor from the list of active people")
    elif mentor.id == fellow.user_id:
        errors.add("mentor_id", "A fellow cannot be their own mentor: choose someone else")
    elif mentor.id == fellow.mentor_id:
        errors.add("mentor_id", f"{mentor.name} is already this fellow's mentor")
    errors.raise_if_any()
    previous = fellow.mentor_id
    fellow.mentor_id = mentor.id
    fellow.mentor = mentor
    flush_or_conflict(session, "fellow")
    audit.record(
        session, actor, "fellowship.mentor_assigned", fellow, {"mentor": mentor.id, "was": previous}
    )
    notify(
        session,
        [mentor],
        f"You are now mentoring {fellow.user.name} ({fellow.cohort.title}).",
        link_to(fellow),
    )
    notify(session, [fellow.user], f"{mentor.name} is now your fellowship mentor.", link_to(fellow))
    return fellow


def add_milestone(session: Session, actor: User, fellow_id, title, due_on) -> Milestone:
    """The team or the fellow's mentor sets milestones."""
    fellow = visible_fellow(session, actor, fellow_id)
    if not policy.may_set_milestones(actor, fellow):
        raise Forbidden("Only the fellow's mentor and the innovation team set milestones")
    _active(fellow)
    errors = FieldErrors()
    title = clean_line(errors, "title", title, label="the milestone", max_length=200)
    due_on = clean_date(errors, "due_on", due_on, label="the date it is due")
    errors.raise_if_any()
    milestone = Milestone(fellow=fellow, title=title, due_on=due_on)
    session.add(milestone)
    session.flush()
    audit.record(session, actor, "fellowship.milestone_added", fellow, {"milestone": milestone.id})
    notify(
        session,
        _others(fellow, actor),
        f"New milestone for {fellow.user.name}: {title}, due {due_on:%-d %B %Y}.",
        link_to(fellow),
    )
    return milestone


def complete_milestone(session: Session, actor: User, milestone_id, completed_on=None) -> Milestone:
    milestone = get_by_id(session, Milestone, milestone_id)
    if milestone is None:
        raise NotFound("There is no such milestone")
    visible_fellow(session, actor, milestone.fellow_id)
    _reporting(actor, milestone.fellow)
    if milestone.completed_on is not None:
        raise InvalidTransition(
            f"This milestone was already completed on {milestone.completed_on:%-d %B %Y}"
        )
    errors = FieldErrors()
    if completed_on in (None, ""):
        completed_on = uk_today()
    completed_on = clean_date(
        errors, "completed_on", completed_on, label="the date it was completed"
    )
    if completed_on and completed_on > uk_today():
        errors.add("completed_on", "The date it was completed cannot be in the future")
    errors.raise_if_any()
    milestone.completed_on = completed_on
    session.flush()
    audit.record(
        session,
        actor,
        "fellowship.milestone_completed",
        milestone.fellow,
        {"milestone": milestone.id, "on": completed_on.isoformat()},
    )
    return milestone


def report_progress(
    session: Session, actor: User, fellow_id, text, milestone_id=None
) -> ProgressUpdate:
    fellow = visible_fellow(session, actor, fellow_id)
    _reporting(actor, fellow)
    errors = FieldErrors()
    text = clean_text(
        errors, "text", text, label="your update", max_length=LONG_TEXT, required=True
    )
    milestone = None
    if milestone_id not in (None, ""):
        milestone = get_by_id(session, Milestone, milestone_id)
        if milestone is None or milestone.fellow_id != fellow.id:
            errors.add("milestone_id", "Choose one of this fellow's own milestones, or none")
    errors.raise_if_any()
    update = ProgressUpdate(fellow_id=fellow.id, milestone=milestone, author_id=actor.id, text=text)
    session.add(update)
    session.flush()
    audit.record(session, actor, "fellowship.progress_reported", fellow, {"update": update.id})
    notify(
        session,
        _others(fellow, actor),
        f"{actor.name} reported progress on {fellow.user.name}'s fellowship.",
        link_to(fellow),
    )
    return update


# --- learning sessions --------------------------------------------------------------------


def schedule_learning_session(
    session: Session, actor: User, cohort_id, title, held_on, description=None
) -> LearningSession:
    _team_only(actor, "schedules learning sessions")
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    errors = FieldErrors()
    title = clean_line(errors, "title", title, label="the session's title", max_length=200)
    held_on = clean_date(errors, "held_on", held_on, label="the date it is held")
    description = clean_text(
        errors, "description", description, label="the description", max_length=LONG_TEXT
    )
    errors.raise_if_any()
    learning = LearningSession(
        cohort_id=cohort.id, title=title, held_on=held_on, description=description
    )
    session.add(learning)
    session.flush()
    audit.record(session, actor, "fellowship.session_scheduled", learning, {"cohort": cohort.id})
    fellows = session.scalars(
        sa.select(Fellow).filter_by(cohort_id=cohort.id, status=FellowStatus.ACTIVE)
    )
    notify(
        session,
        [f.user for f in fellows],
        f"Learning session: {title}, {held_on:%-d %B %Y}.",
        "/fellowship/fellows/mine",
    )
    return learning


def record_attendance(session: Session, actor: User, session_id, fellow_id, attended) -> Attendance:
    """Recording again for the same fellow and session corrects the earlier record."""
    _team_only(actor, "keeps the attendance register")
    learning = get_by_id(session, LearningSession, session_id)
    if learning is None:
        raise NotFound("There is no such learning session")
    errors = FieldErrors()
    fellow = get_by_id(session, Fellow, fellow_id)
    if fellow is None or fellow.cohort_id != learning.cohort_id:
        errors.add("fellow_id", "Choose a fellow of this session's cohort")
    if not isinstance(attended, bool):
        errors.add("attended", "Say whether they attended: yes or no")
    errors.raise_if_any()
    if learning.held_on > uk_today():
        raise InvalidTransition("Attendance is recorded once the session has been held")
    record = session.get(Attendance, (learning.id, fellow.id))
    if record is None:
        record = Attendance(session_id=learning.id, fellow_id=fellow.id, attended=attended)
        session.add(record)
    else:
        record.attended, record.recorded_at = attended, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "fellowship.attendance_recorded",
        fellow,
        {"session": learning.id, "attended": attended},
    )
    return record


# --- carrying on, ending ------------------------------------------------------------------


def continue_fellowship(session: Session, actor: User, fellow_id, cohort_id) -> Fellow:
    """A new place in a later year's cohort that points back at this one, with the same mentor
    and solution; this place is then complete."""
    fellow = _team_fellow(session, actor, fellow_id, "carries fellows on into a later cohort")
    if fellow.status == FellowStatus.WITHDRAWN:
        raise InvalidTransition("A fellow who withdrew cannot carry on: they would apply again")
    following = session.scalar(sa.select(Fellow).filter_by(continues_from_id=fellow.id))
    if following is not None:
        raise Conflict(f"This fellowship already carries on in “{following.cohort.title}”")
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise Invalid({"cohort_id": "Choose the cohort they carry on into"})
    if cohort.year <= fellow.cohort.year:
        raise Invalid({"cohort_id": f"Choose a cohort in a later year than {fellow.cohort.year}"})
    if session.scalar(sa.select(Fellow.id).filter_by(cohort_id=cohort.id, user_id=fellow.user_id)):
        raise Conflict(f"{fellow.user.name} already has a place in “{cohort.title}”")
    selection.check_a_place_is_free(session, cohort)
    later = Fellow(
        cohort_id=cohort.id,
        user_id=fellow.user_id,
        application_id=fellow.application_id,
        continues_from_id=fellow.id,
        year_of_fellowship=fellow.year_of_fellowship + 1,
        mentor_id=fellow.mentor_id,
        solution_id=fellow.solution_id,
    )
    session.add(later)
    completing = fellow.status == FellowStatus.ACTIVE
    if completing:
        fellow.status, fellow.ended_at = FellowStatus.COMPLETED, utcnow()
    flush_or_conflict(session, "fellow")
    if completing:
        audit.record(
            session,
            actor,
            "fellowship.fellow_completed",
            fellow,
            {"status": FellowStatus.COMPLETED.value, "continued_in": later.id},
        )
    audit.record(
        session, actor, "fellowship.continued", later, {"from": fellow.id, "cohort": cohort.id}
    )
    notify(
        session,
        [later.user] + ([fellow.mentor] if fellow.mentor else []),
        f"{later.user.name}'s fellowship carries on into “{cohort.title}” "
        f"(year {later.year_of_fellowship}).",
        link_to(later),
    )
    return later


def end_fellowship(session: Session, actor: User, fellow_id, status) -> Fellow:
    fellow = _team_fellow(session, actor, fellow_id, "ends fellowships")
    ending = ENDINGS.get(status) if isinstance(status, str) else None
    if ending is None:
        raise Invalid({"status": "Choose completed or withdrawn"})
    _active(fellow)
    fellow.status, fellow.ended_at = ending, utcnow()
    flush_or_conflict(session, "fellow")
    audit.record(session, actor, "fellowship.ended", fellow, {"status": ending.value})
    notify(
        session,
        [fellow.user] + ([fellow.mentor] if fellow.mentor else []),
        f"{fellow.user.name}'s place in “{fellow.cohort.title}” is now {ending.label.lower()}.",
        link_to(fellow),
    )
    return fellow


# --- from idea to solution record ---------------------------------------------------------


def idea_defaults(fellow: Fellow) -> dict:
    """What the application already says, as the first draft of a solution record."""
    application = fellow.application
    if application is None:
        return {}
    return {
        "summary": application.idea.split("\n")[0][:300],
        "description": application.idea,
        "audience": f"{application.service}: {application.problem}"[:LONG_TEXT]
        if application.service
        else application.problem,
        "maturity": MATURITY_OF_IDEA.get(application.idea_stage),
    }


def solution_of_chain(chain: list[Fellow]) -> int | None:
    """The solution record of any year of the fellowship: one idea, one record."""
    return next((place.solution_id for place in chain if place.solution_id is not None), None)


def idea_place(session: Session, actor: User, fellow_id) -> Fellow:
    """The fellow's own place: only they turn their idea into a solution record."""
    fellow = visible_fellow(session, actor, fellow_id)
    if not policy.may_turn_idea_into_solution(actor, fellow):
        raise Forbidden("Only the fellow themselves turns their idea into a solution record")
    return fellow


def check_idea_place_is_current(fellow: Fellow) -> None:
    """An idea is recorded from the fellow's current (active) place; the record is then linked
    to every year of the fellowship."""
    if fellow.status != FellowStatus.ACTIVE:
        raise InvalidTransition(
            "Record the idea from your current fellowship place: this one has ended "
            f"({fellow.status.label.lower()})"
        )


def _solution_organisation(actor: User, organisation_id) -> int | None:
    """The organisation named, or else the one where the actor holds the fellow role."""
    if organisation_id not in (None, ""):
        return organisation_id
    return next(
        (m.organisation_id for m in actor.active_memberships if m.role == Role.FELLOW), None
    )


def create_solution_from_idea(session: Session, actor: User, fellow_id, data: dict) -> Solution:
    """The fellow records their idea as a solution of their organisation through the solution
    services, pre-filled from the application. Any section's fields may be given as well, and
    ``publish`` set, so that it is published (and enters matching) at once; otherwise it is a
    draft that the fellow completes and publishes like any other solution."""
    fellow = idea_place(session, actor, fellow_id)
    chain = chain_of(session, fellow)
    if solution_of_chain(chain):
        raise Conflict("This fellowship's idea already has a solution record")
    check_idea_place_is_current(fellow)
    data = data if isinstance(data, dict) else {}
    values = {**idea_defaults(fellow), **{k: v for k, v in data.items() if v not in (None, "")}}
    solution = solutions.create_solution(
        session,
        actor,
        _solution_organisation(actor, data.get("organisation_id")),
        data.get("title"),
    )
    session.flush()
    for section, names in SECTION_FIELDS.items():
        given = {name: values[name] for name in names if name in values}
        if section in ("overview", "maturity") or given:
            try:
                solutions.save_section(session, actor, solution.id, section, given)
            except Invalid as error:
                raise Invalid(error.fields, "There is a problem with the solution record") from None
    if data.get("publish") is True:
        solutions.publish_solution(session, actor, solution.id)
    for place in chain:
        place.solution_id = solution.id
    if fellow.application is not None and fellow.application.solution_id is None:
        fellow.application.solution_id = solution.id
    flush_or_conflict(session, "fellow")
    audit.record(
        session, actor, "fellowship.idea_recorded_as_solution", fellow, {"solution": solution.id}
    )
    notify(
        session,
        _others(fellow, actor),
        f"{actor.name} recorded their fellowship idea as the solution “{solution.title}”.",
        f"/solutions/{solution.id}",
    )
    return solution
