"""Fellows after selection, through the services: mentors, milestones, progress, learning
sessions and attendance, a second year that carries the first with it, ending a place, and an
idea that becomes a solution record in matching."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship import fellow_queries as queries
from challenges.fellowship import fellows, services
from challenges.fellowship.models import (
    Attendance,
    Fellow,
    LearningSession,
    Milestone,
    ProgressUpdate,
)
from marketplace.accounts.models import Role
from marketplace.audit import AuditEvent
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.solutions.models import Solution
from tests import factories
from tests.challenges.test_fellowship import COHORT, IDEA


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def enrol(session, team, cohort, idea=None):
    """An applicant accepted into ``cohort``: returns their Fellow."""
    applicant = factories.create_user(role=Role.SERVICE_LEAD)
    application = services.apply(session, applicant, cohort.id, idea or IDEA)
    reviewers = [factories.create_user(role=Role.PANEL_PATIENT) for _ in range(2)]
    panel = services.form_panel(session, team, cohort.id, "Panel", [r.id for r in reviewers])
    services.assign(session, team, application.id, panel.id)
    for reviewer in reviewers:
        services.submit_review(session, reviewer, application.id, {"Need": 4, "Feasibility": 4})
    services.decide(session, team, application.id, "accepted", "A clear need.")
    session.commit()
    return session.scalar(sa.select(Fellow).filter_by(application_id=application.id))


@pytest.fixture
def team(session):
    return factories.create_user(role=Role.INNOVATION_TEAM)


@pytest.fixture
def cohort(session, team):
    return services.open_cohort(session, team, COHORT)


@pytest.fixture
def fellow(session, team, cohort):
    return enrol(session, team, cohort)


@pytest.fixture
def mentor(session):
    return factories.create_user(role=Role.SERVICE_LEAD)


@pytest.fixture
def mentored(session, team, fellow, mentor):
    fellows.assign_mentor(session, team, fellow.id, mentor.id)
    session.commit()
    return fellow


def messages_to(session, user) -> list[str]:
    return list(session.scalars(sa.select(Notification.message).filter_by(user_id=user.id)))


# --- mentors --------------------------------------------------------------------------------


def test_the_team_assigns_a_mentor_who_and_the_fellow_are_told(session, team, fellow, mentor):
    fellows.assign_mentor(session, team, fellow.id, mentor.id)

    assert fellow.mentor_id == mentor.id
    assert any("You are now mentoring" in m for m in messages_to(session, mentor))
    assert any(mentor.name in m for m in messages_to(session, fellow.user))
    assert session.scalar(sa.select(AuditEvent.id).filter_by(action="fellowship.mentor_assigned"))


@pytest.mark.parametrize("who", ["self", "missing", "disabled", "text", "bool"])
def test_a_mentor_must_be_an_active_person_other_than_the_fellow(session, team, fellow, who):
    disabled = factories.create_user()
    disabled.disabled_at = factories.utcnow()
    session.commit()
    mentor_id = {
        "self": fellow.user_id,
        "missing": 999_999,
        "disabled": disabled.id,
        "text": "7",
        "bool": True,
    }[who]

    with pytest.raises(Invalid) as error:
        fellows.assign_mentor(session, team, fellow.id, mentor_id)

    expected = "their own mentor" if who == "self" else "active people"
    assert expected in error.value.fields["mentor_id"][0]
    session.rollback()
    assert session.get(Fellow, fellow.id).mentor_id is None


def test_only_the_team_assigns_mentors(session, fellow, mentor):
    with pytest.raises(Forbidden):
        fellows.assign_mentor(session, fellow.user, fellow.id, mentor.id)
    with pytest.raises(Forbidden):
        fellows.assign_mentor(session, mentor, fellow.id, mentor.id)
    assert fellow.mentor_id is None


def test_an_unknown_fellow_is_not_found(session, team, mentor):
    with pytest.raises(NotFound):
        fellows.assign_mentor(session, team, 424242, mentor.id)
    with pytest.raises(NotFound):
        fellows.add_milestone(session, team, "1; drop table", "Title", uk_today())


# --- milestones and progress ------------------------------------------------------------


def test_the_mentor_sets_milestones_and_the_fellow_completes_them(session, mentored, mentor):
    milestone = fellows.add_milestone(
        session, mentor, mentored.id, "Interview ten patients", uk_today() + timedelta(days=30)
    )
    fellows.complete_milestone(session, mentored.user, milestone.id)

    assert milestone.completed_on == uk_today()
    with pytest.raises(InvalidTransition, match="already completed"):
        fellows.complete_milestone(session, mentor, milestone.id)


def test_the_fellow_does_not_set_their_own_milestones(session, mentored):
    with pytest.raises(Forbidden):
        fellows.add_milestone(session, mentored.user, mentored.id, "Easy one", uk_today())
    assert count(Milestone) == 0


@pytest.mark.parametrize(
    ("title", "due_on", "field", "message"),
    [
        ("", uk_today(), "title", "Enter the milestone"),
        ("x" * 201, uk_today(), "title", "200 characters"),
        ("<script>alert(1)</script>", uk_today(), "title", "must not contain <"),
        ("Fine", "next week", "due_on", "real date"),
        ("Fine", None, "due_on", "real date"),
        ("Fine", 20270101, "due_on", "real date"),
        ("Fine", date(1999, 1, 1), "due_on", "between the years"),
    ],
)
def test_bad_milestones_are_refused(session, team, fellow, title, due_on, field, message):
    with pytest.raises(Invalid) as error:
        fellows.add_milestone(session, team, fellow.id, title, due_on)

    assert message in error.value.fields[field][0]
    session.rollback()
    assert count(Milestone) == 0


def test_a_milestone_is_not_completed_in_the_future(session, team, fellow):
    milestone = fellows.add_milestone(session, team, fellow.id, "Prototype", uk_today())
    session.commit()

    with pytest.raises(Invalid) as error:
        fellows.complete_milestone(session, team, milestone.id, uk_today() + timedelta(days=1))

    assert "future" in error.value.fields["completed_on"][0]
    session.rollback()
    assert session.get(Milestone, milestone.id).completed_on is None


def test_someone_unrelated_cannot_see_or_complete_a_milestone(session, team, fellow):
    milestone = fellows.add_milestone(session, team, fellow.id, "Prototype", uk_today())
    stranger = factories.create_user(role=Role.SERVICE_LEAD)

    with pytest.raises(Forbidden):
        fellows.complete_milestone(session, stranger, milestone.id)
    with pytest.raises(Forbidden):
        fellows.report_progress(session, stranger, fellow.id, "Hello")
    with pytest.raises(Forbidden):
        queries.history(session, stranger, fellow.id)
    with pytest.raises(NotFound):
        fellows.complete_milestone(session, stranger, 999_999)
    assert milestone.completed_on is None


def test_progress_against_a_milestone_reaches_the_mentor(session, mentored, mentor):
    milestone = fellows.add_milestone(session, mentor, mentored.id, "Survey", uk_today())

    update = fellows.report_progress(
        session, mentored.user, mentored.id, "Forty replies so far.", milestone.id
    )

    assert (update.milestone_id, update.author_id) == (milestone.id, mentored.user_id)
    assert any("reported progress" in m for m in messages_to(session, mentor))


def test_progress_cannot_name_another_fellows_milestone(session, team, cohort, fellow):
    other = enrol(session, team, cohort)
    theirs = fellows.add_milestone(session, team, other.id, "Theirs", uk_today())
    session.commit()

    with pytest.raises(Invalid) as error:
        fellows.report_progress(session, fellow.user, fellow.id, "Done it", theirs.id)

    assert "own milestones" in error.value.fields["milestone_id"][0]
    session.rollback()
    assert count(ProgressUpdate) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter your update"),
        ("   ", "Enter your update"),
        ("x" * 5001, "5,000 characters"),
        ("<script>alert(1)</script>", "plain text"),
        (None, "Enter your update"),
    ],
)
def test_bad_progress_is_refused(session, fellow, text, message):
    with pytest.raises(Invalid) as error:
        fellows.report_progress(session, fellow.user, fellow.id, text)

    assert message in error.value.fields["text"][0]
    session.rollback()
    assert count(ProgressUpdate) == 0


# --- learning sessions ------------------------------------------------------------------


def test_sessions_are_scheduled_and_attendance_recorded_then_corrected(session, team, fellow):
    learning = fellows.schedule_learning_session(
        session, team, fellow.cohort_id, "Spreading an innovation", uk_today() - timedelta(days=1)
    )
    fellows.record_attendance(session, team, learning.id, fellow.id, False)
    fellows.record_attendance(session, team, learning.id, fellow.id, True)

    assert count(Attendance) == 1
    assert session.get(Attendance, (learning.id, fellow.id)).attended is True
    assert any("Learning session" in m for m in messages_to(session, fellow.user))
    [row] = queries.cohort_fellows(session, team, fellow.cohort_id)[1]
    assert (row.sessions_attended, row.sessions_recorded, row.attendance_rate) == (1, 1, 100)


def test_attendance_is_only_for_the_sessions_cohort_and_after_it(session, team, fellow):
    later = services.open_cohort(session, team, {**COHORT, "year": 2028})
    outsider = enrol(session, team, later)
    past = fellows.schedule_learning_session(session, team, fellow.cohort_id, "Past", uk_today())
    coming = fellows.schedule_learning_session(
        session, team, fellow.cohort_id, "Coming", uk_today() + timedelta(days=7)
    )
    session.commit()

    with pytest.raises(Invalid) as error:
        fellows.record_attendance(session, team, past.id, outsider.id, True)
    assert "this session's cohort" in error.value.fields["fellow_id"][0]
    with pytest.raises(Invalid) as error:
        fellows.record_attendance(session, team, past.id, fellow.id, "yes")
    assert "attended" in error.value.fields
    with pytest.raises(InvalidTransition, match="once the session has been held"):
        fellows.record_attendance(session, team, coming.id, fellow.id, True)
    with pytest.raises(Forbidden):
        fellows.record_attendance(session, fellow.user, past.id, fellow.id, True)
    session.rollback()
    assert count(Attendance) == 0


def test_only_the_team_schedules_sessions_and_bad_input_is_refused(session, team, fellow):
    with pytest.raises(Forbidden):
        fellows.schedule_learning_session(session, fellow.user, fellow.cohort_id, "T", uk_today())
    with pytest.raises(NotFound):
        fellows.schedule_learning_session(session, team, 999_999, "T", uk_today())
    with pytest.raises(Invalid) as error:
        fellows.schedule_learning_session(
            session, team, fellow.cohort_id, "<b>T</b>", "soon", "<script>x</script>"
        )
    assert set(error.value.fields) == {"title", "held_on", "description"}
    session.rollback()
    assert count(LearningSession) == 0


# --- continuation and ending -------------------------------------------------------------


def test_a_second_year_carries_mentor_solution_and_history(session, team, mentored, mentor):
    first = mentored
    milestone = fellows.add_milestone(session, mentor, first.id, "Pilot on one ward", uk_today())
    fellows.complete_milestone(session, first.user, milestone.id)
    fellows.report_progress(session, first.user, first.id, "Pilot done.")
    later = services.open_cohort(
        session, team, {**COHORT, "year": 2028, "title": "Fellowship 2028"}
    )

    second = fellows.continue_fellowship(session, team, first.id, later.id)
    session.commit()

    assert (second.continues_from_id, second.year_of_fellowship) == (first.id, 2)
    assert (second.mentor_id, second.solution_id) == (first.mentor_id, first.solution_id)
    assert first.status.value == "completed" and first.ended_at is not None
    years = queries.history(session, mentor, second.id)
    assert [y.fellow.id for y in years] == [first.id, second.id]
    assert [m.title for m in years[0].milestones] == ["Pilot on one ward"]
    assert [u.text for u in years[0].updates] == ["Pilot done."]
    assert [y.fellow.id for y in queries.history(session, first.user, first.id)] == [
        first.id,
        second.id,
    ]
    assert queries.mentees(session, mentor)[0].fellow.id == second.id
    with pytest.raises(Conflict, match="already carries on"):
        fellows.continue_fellowship(session, team, first.id, later.id)


def second_year(session, team, first, **overrides):
    later = services.open_cohort(
        session, team, {**COHORT, "year": 2028, "title": "Fellowship 2028", **overrides}
    )
    second = fellows.continue_fellowship(session, team, first.id, later.id)
    session.commit()
    return second


def test_a_former_mentor_sees_only_the_years_they_mentored(session, team, mentored, mentor):
    first = mentored
    fellows.add_milestone(session, mentor, first.id, "Year one milestone", uk_today())
    second = second_year(session, team, first)
    successor = factories.create_user(role=Role.SERVICE_LEAD)
    fellows.assign_mentor(session, team, second.id, successor.id)
    fellows.add_milestone(session, successor, second.id, "Year two milestone", uk_today())
    fellows.report_progress(session, second.user, second.id, "Year two news")
    session.commit()

    years = queries.history(session, mentor, first.id)

    assert [y.fellow.id for y in years] == [first.id]
    assert [m.title for m in years[0].milestones] == ["Year one milestone"]
    with pytest.raises(Forbidden):
        queries.history(session, mentor, second.id)
    assert [y.fellow.id for y in queries.history(session, successor, second.id)] == [second.id]
    for who in (first.user, team):
        assert [y.fellow.id for y in queries.history(session, who, second.id)] == [
            first.id,
            second.id,
        ]


def test_continuing_audits_the_earlier_place_as_completed(session, team, mentored):
    second = second_year(session, team, mentored)

    events = {
        (e.action, e.target_id)
        for e in session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action.like("fellowship.%"))
        )
    }
    assert ("fellowship.fellow_completed", str(mentored.id)) in events
    assert ("fellowship.continued", str(second.id)) in events


def test_continuing_into_a_cohort_with_a_withdrawn_place_takes_that_place(session, team, fellow):
    later = services.open_cohort(
        session, team, {**COHORT, "year": 2028, "title": "Small 2028", "places": 1}
    )
    leaver = enrol(session, team, later)
    fellows.end_fellowship(session, team, leaver.id, "withdrawn")
    session.commit()

    second = fellows.continue_fellowship(session, team, fellow.id, later.id)

    assert second.cohort_id == later.id
    classmate = enrol(session, team, fellow.cohort)
    with pytest.raises(InvalidTransition, match="All 1 places in “Small 2028” are filled"):
        fellows.continue_fellowship(session, team, classmate.id, later.id)


def test_milestones_are_set_by_whoever_the_policy_allows(session, monkeypatch, mentored, mentor):
    from marketplace.accounts import policy

    monkeypatch.setattr(policy, "may_set_milestones", lambda user, fellow: False)
    with pytest.raises(Forbidden):
        fellows.add_milestone(session, mentor, mentored.id, "Pilot", uk_today())
    monkeypatch.setattr(policy, "may_set_milestones", lambda user, fellow: True)
    assert fellows.add_milestone(session, mentored.user, mentored.id, "Pilot", uk_today()).id


@pytest.mark.parametrize("year", [2026, 2027])
def test_continuing_into_an_earlier_or_the_same_year_is_refused(session, team, fellow, year):
    other = services.open_cohort(session, team, {**COHORT, "year": year})
    session.commit()

    with pytest.raises(Invalid) as error:
        fellows.continue_fellowship(session, team, fellow.id, other.id)

    assert "later year than 2027" in error.value.fields["cohort_id"][0]
    session.rollback()
    assert count(Fellow) == 1
    assert session.get(Fellow, fellow.id).status.value == "active"


def test_continuing_respects_places_and_one_place_per_cohort(session, team, cohort, fellow):
    full = services.open_cohort(session, team, {**COHORT, "year": 2028, "places": 1})
    enrol(session, team, full)

    with pytest.raises(InvalidTransition, match="All 1 places"):
        fellows.continue_fellowship(session, team, fellow.id, full.id)
    session.rollback()
    roomy = services.open_cohort(session, team, {**COHORT, "year": 2029})
    services.apply(session, fellow.user, roomy.id, IDEA)
    session.commit()
    with pytest.raises(Forbidden):
        fellows.continue_fellowship(session, fellow.user, fellow.id, roomy.id)
    with pytest.raises(Invalid):
        fellows.continue_fellowship(session, team, fellow.id, "roomy")
    assert count(Fellow) == 2


def test_ending_a_place(session, team, fellow):
    for status in ("expelled", ["completed"], None):
        with pytest.raises(Invalid) as error:
            fellows.end_fellowship(session, team, fellow.id, status)
        assert "completed or withdrawn" in error.value.fields["status"][0]

    fellows.end_fellowship(session, team, fellow.id, "withdrawn")

    assert fellow.status.value == "withdrawn"
    with pytest.raises(InvalidTransition, match="ended"):
        fellows.end_fellowship(session, team, fellow.id, "completed")
    with pytest.raises(InvalidTransition):
        fellows.report_progress(session, fellow.user, fellow.id, "Still here")
    later = services.open_cohort(session, team, {**COHORT, "year": 2028})
    with pytest.raises(InvalidTransition, match="withdrew"):
        fellows.continue_fellowship(session, team, fellow.id, later.id)


def test_cohort_progress_counts_done_total_and_overdue(session, team, fellow):
    fellows.add_milestone(session, team, fellow.id, "Late", uk_today() - timedelta(days=3))
    done = fellows.add_milestone(session, team, fellow.id, "Done", uk_today() - timedelta(days=3))
    fellows.add_milestone(session, team, fellow.id, "Later", uk_today() + timedelta(days=3))
    fellows.complete_milestone(session, team, done.id, uk_today() - timedelta(days=4))

    _, [row] = queries.cohort_fellows(session, team, fellow.cohort_id)

    assert (row.milestones_done, row.milestones_total, row.overdue) == (1, 3, 1)
    assert row.attendance_rate is None
    with pytest.raises(Forbidden):
        queries.cohort_fellows(session, fellow.user, fellow.cohort_id)
    assert [f.id for f in queries.my_fellowship(session, fellow.user)] == [fellow.id]


# --- idea to solution ------------------------------------------------------------------------


def complete_solution_input() -> dict:
    sections = factories.COMPLETE_SOLUTION
    data = {
        **sections["maturity"],
        **sections["assurance"],
        **sections["commercial"],
        "title": "Text reminders for young adults",
        "maturity": "prototype",
        "theme_ids": factories.theme_ids("Outpatients"),
        "publish": True,
    }
    return data


def test_a_draft_solution_is_prefilled_from_the_idea_and_linked(session, mentored):
    solution = fellows.create_solution_from_idea(
        session, mentored.user, mentored.id, {"title": "Text reminders"}
    )

    assert solution.status == "draft"
    assert solution.description == IDEA["idea"]
    assert IDEA["problem"] in solution.audience
    assert solution.maturity.value == "idea"
    assert solution.organisation.id == mentored.user.active_memberships[0].organisation_id
    assert mentored.solution_id == solution.id
    assert mentored.application.solution_id == solution.id
    with pytest.raises(Conflict, match="already has a solution record"):
        fellows.create_solution_from_idea(session, mentored.user, mentored.id, {"title": "Again"})


def test_only_the_fellow_turns_the_idea_into_a_solution(session, team, mentored, mentor):
    with pytest.raises(Forbidden):
        fellows.create_solution_from_idea(session, mentor, mentored.id, {"title": "Mine now"})
    with pytest.raises(Forbidden):
        fellows.create_solution_from_idea(session, team, mentored.id, {"title": "Ours"})
    with pytest.raises(Forbidden):
        fellows.create_solution_from_idea(
            session, factories.create_user(role=Role.FELLOW), mentored.id, {"title": "T"}
        )
    assert count(Solution) == 0


def test_an_idea_is_recorded_once_for_every_year_and_only_from_the_current_place(
    session, team, mentored
):
    first = mentored
    second = second_year(session, team, first)

    with pytest.raises(InvalidTransition, match="current fellowship place"):
        fellows.create_solution_from_idea(session, first.user, first.id, {"title": "Early"})
    session.rollback()
    assert count(Solution) == 0

    solution = fellows.create_solution_from_idea(
        session, second.user, second.id, {"title": "Text reminders"}
    )
    session.commit()

    assert (first.solution_id, second.solution_id) == (solution.id, solution.id)
    for place in (first, second):
        with pytest.raises(Conflict, match="already has a solution record"):
            fellows.create_solution_from_idea(session, place.user, place.id, {"title": "Again"})
    assert count(Solution) == 1


def test_a_solution_on_an_earlier_year_alone_still_counts_for_the_chain(session, team, mentored):
    """Records made before every year was linked: the earlier place holds the solution, the
    later one does not."""
    first = mentored
    second = second_year(session, team, first)
    solution = fellows.create_solution_from_idea(
        session, second.user, second.id, {"title": "Text reminders"}
    )
    second.solution_id = None
    session.commit()

    with pytest.raises(Conflict, match="already has a solution record"):
        fellows.create_solution_from_idea(session, second.user, second.id, {"title": "Again"})
    assert session.scalar(sa.select(sa.func.count()).select_from(Solution)) == 1
    assert first.solution_id == solution.id


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "title"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": "Fine", "maturity": "moonshot"}, "maturity"),
        ({"title": "Fine", "organisation_id": 999_999}, "organisation_id"),
        ({"title": "Fine", "publish": True}, "device_class"),
    ],
)
def test_bad_solution_input_stores_nothing(session, fellow, data, field):
    with pytest.raises(Invalid) as error:
        fellows.create_solution_from_idea(session, fellow.user, fellow.id, data)

    assert field in error.value.fields
    session.rollback()
    assert count(Solution) == 0
    assert session.get(Fellow, fellow.id).solution_id is None


def test_a_published_idea_enters_matching_like_any_solution(session, fellow):
    from marketplace.matches import queries as matching

    lead = factories.create_user(role=Role.SERVICE_LEAD)
    challenge = factories.create_challenge(
        lead,
        status="open",
        title="Young adults missing first outpatient appointments",
        need="Young adults miss first appointments; reminders do not reach them.",
    )

    solution = fellows.create_solution_from_idea(
        session, fellow.user, fellow.id, complete_solution_input()
    )
    session.commit()

    assert solution.status == "published"
    assert solution.summary == IDEA["idea"]
    _, fits = matching.fits_for_challenge(session, lead, challenge.id)
    assert fits.rows[0].other.id == solution.id


def fellowship_objects() -> dict:
    """A fellow with a milestone and a learning session held today, for the authorisation
    matrix (keys prefixed so they name only the fellows' routes' objects)."""
    session = db.session
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    fellow = enrol(session, team, cohort)
    milestone = fellows.add_milestone(session, team, fellow.id, "Survey", uk_today())
    learning = fellows.schedule_learning_session(session, team, cohort.id, "Spread", uk_today())
    session.commit()
    return {
        "fellows_cohort_id": cohort.id,
        "fellows_fellow_id": fellow.id,
        "fellows_milestone_id": milestone.id,
        "fellows_session_id": learning.id,
    }
