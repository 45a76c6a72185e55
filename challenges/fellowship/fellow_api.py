"""JSON API for fellows: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from challenges.fellowship import fellow_queries as queries
from challenges.fellowship import fellows as services
from challenges.fellowship.fellow_schemas import (
    AttendanceInputSchema,
    AttendanceSchema,
    CohortFellowsSchema,
    CompleteInputSchema,
    ContinueInputSchema,
    EndInputSchema,
    FellowRecordSchema,
    FellowSchema,
    IdeaInputSchema,
    LearningSessionInputSchema,
    LearningSessionSchema,
    MentorInputSchema,
    MilestoneInputSchema,
    MilestoneSchema,
    ProgressInputSchema,
    ProgressRowSchema,
    ProgressUpdateSchema,
)
from marketplace.extensions import db
from marketplace.solutions.schemas import SolutionSchema

fellows = Blueprint(
    "fellows_api",
    __name__,
    url_prefix="/api/v1/fellows",
    description="Fellows: mentors, milestones, progress, learning sessions and continuation",
)
blueprints = [fellows]


def _done(result):
    db.session.commit()
    return result


@fellows.get("/mine")
@fellows.response(200, FellowSchema(many=True))
def mine():
    """Your own fellowship places, latest first."""
    return queries.my_fellowship(db.session, current_user)


@fellows.get("/mentees")
@fellows.response(200, ProgressRowSchema(many=True))
def mentees():
    """The fellows you mentor, with their progress."""
    return queries.mentees(db.session, current_user)


@fellows.get("/cohorts/<int:cohort_id>")
@fellows.response(200, CohortFellowsSchema)
def cohort(cohort_id):
    """A cohort's fellows with milestones done, overdue and attendance (innovation team)."""
    found, rows = queries.cohort_fellows(db.session, current_user, cohort_id)
    return {"cohort": found, "fellows": rows}


@fellows.get("/<int:fellow_id>")
@fellows.response(200, FellowRecordSchema)
def fellow(fellow_id):
    """A fellow's record across every year (the fellow, their mentor and the team)."""
    years = queries.history(db.session, current_user, fellow_id)
    return {"fellow": next(y.fellow for y in years if y.fellow.id == fellow_id), "years": years}


@fellows.put("/<int:fellow_id>/mentor")
@fellows.arguments(MentorInputSchema)
@fellows.response(200, FellowSchema)
def assign_mentor(data, fellow_id):
    """Appoint a mentor: an active person other than the fellow (innovation team)."""
    return _done(services.assign_mentor(db.session, current_user, fellow_id, data["mentor_id"]))


@fellows.post("/<int:fellow_id>/milestones")
@fellows.arguments(MilestoneInputSchema)
@fellows.response(201, MilestoneSchema)
def add_milestone(data, fellow_id):
    """Set a milestone (the team or the fellow's mentor)."""
    return _done(
        services.add_milestone(db.session, current_user, fellow_id, data["title"], data["due_on"])
    )


@fellows.post("/milestones/<int:milestone_id>/complete")
@fellows.arguments(CompleteInputSchema)
@fellows.response(200, MilestoneSchema)
def complete_milestone(data, milestone_id):
    """Mark a milestone done, today unless a past date is given."""
    return _done(
        services.complete_milestone(
            db.session, current_user, milestone_id, data.get("completed_on")
        )
    )


@fellows.post("/<int:fellow_id>/progress")
@fellows.arguments(ProgressInputSchema)
@fellows.response(201, ProgressUpdateSchema)
def report_progress(data, fellow_id):
    """Report progress, optionally against one of this fellow's milestones."""
    return _done(
        services.report_progress(
            db.session, current_user, fellow_id, data["text"], data.get("milestone_id")
        )
    )


@fellows.post("/<int:fellow_id>/continuation")
@fellows.arguments(ContinueInputSchema)
@fellows.response(201, FellowSchema)
def continue_fellowship(data, fellow_id):
    """Carry on into a later year's cohort with the same mentor, solution and history."""
    return _done(
        services.continue_fellowship(db.session, current_user, fellow_id, data["cohort_id"])
    )


@fellows.post("/<int:fellow_id>/end")
@fellows.arguments(EndInputSchema)
@fellows.response(200, FellowSchema)
def end_fellowship(data, fellow_id):
    """End an active place as completed or withdrawn (innovation team)."""
    return _done(services.end_fellowship(db.session, current_user, fellow_id, data["status"]))


@fellows.post("/<int:fellow_id>/solution")
@fellows.arguments(IdeaInputSchema)
@fellows.response(201, SolutionSchema)
def idea_to_solution(data, fellow_id):
    """The fellow records their idea as a solution (published at once with ``publish``)."""
    return _done(services.create_solution_from_idea(db.session, current_user, fellow_id, data))


@fellows.get("/cohorts/<int:cohort_id>/sessions")
@fellows.response(200, LearningSessionSchema(many=True))
def learning_sessions(cohort_id):
    """A cohort's learning sessions (innovation team)."""
    return queries.learning_sessions(db.session, current_user, cohort_id)[1]


@fellows.post("/cohorts/<int:cohort_id>/sessions")
@fellows.arguments(LearningSessionInputSchema)
@fellows.response(201, LearningSessionSchema)
def schedule_session(data, cohort_id):
    """Schedule a learning session for a cohort (innovation team)."""
    return _done(
        services.schedule_learning_session(
            db.session,
            current_user,
            cohort_id,
            data["title"],
            data["held_on"],
            data.get("description"),
        )
    )


@fellows.put("/sessions/<int:session_id>/attendance")
@fellows.arguments(AttendanceInputSchema)
@fellows.response(200, AttendanceSchema)
def record_attendance(data, session_id):
    """Record (or correct) whether a fellow of the session's cohort attended."""
    return _done(
        services.record_attendance(
            db.session, current_user, session_id, data["fellow_id"], data["attended"]
        )
    )
