"""Fellows' pages and JSON API: who may do what, hostile input refused with nothing stored, and
the happy paths (a second year carrying the first, an idea that reaches the catalogue)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship import fellows, services
from challenges.fellowship.models import (
    Attendance,
    Fellow,
    LearningSession,
    Milestone,
    ProgressUpdate,
)
from marketplace.accounts.models import Role
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.solutions.models import Solution
from tests import factories
from tests.challenges.test_fellows import complete_solution_input, enrol
from tests.challenges.test_fellowship import COHORT
from tests.conftest import post_form


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _client(app, user):
    return factories.sign_in_as(app, user.email)


def _token(user) -> dict:
    return {"Authorization": f"Bearer {factories.create_token(user)}"}


@pytest.fixture
def world(app_context):
    """A cohort with two fellows (the first mentored), a later cohort, a past learning session,
    and the people around them."""
    session = db.session
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    fellow = enrol(session, team, cohort)
    other = enrol(session, team, cohort)
    mentor = factories.create_user(role=Role.SERVICE_LEAD)
    fellows.assign_mentor(session, team, fellow.id, mentor.id)
    milestone = fellows.add_milestone(session, team, fellow.id, "Survey", uk_today())
    theirs = fellows.add_milestone(session, team, other.id, "Theirs", uk_today())
    later = services.open_cohort(session, team, {**COHORT, "year": 2028, "title": "Cohort 2028"})
    earlier = services.open_cohort(session, team, {**COHORT, "year": 2026, "title": "Cohort 2026"})
    learning = fellows.schedule_learning_session(session, team, cohort.id, "Spread", uk_today())
    elsewhere = enrol(session, team, later)
    stranger = factories.create_user(role=Role.SERVICE_LEAD)
    session.commit()
    return {
        "team": team,
        "cohort": cohort,
        "fellow": fellow,
        "other": other,
        "mentor": mentor,
        "milestone": milestone,
        "theirs": theirs,
        "later": later,
        "earlier": earlier,
        "learning": learning,
        "elsewhere": elsewhere,
        "stranger": stranger,
    }


def url(fellow_id, rest=""):
    return f"/fellowship/fellows/{fellow_id}{rest}"


# --- pages: reading -------------------------------------------------------------------------


def test_the_fellow_mentor_and_team_read_the_record_and_others_are_refused(app, world):
    page = url(world["fellow"].id)
    for who in ("fellow", "mentor", "team"):
        user = world[who].user if who == "fellow" else world[who]
        response = _client(app, user).get(page)
        assert response.status_code == 200, who
        assert "Survey" in response.text
    response = _client(app, world["stranger"]).get(page)
    assert response.status_code == 403
    assert "Survey" not in response.text
    assert _client(app, world["team"]).get(url(999_999)).status_code == 404


def test_overdue_milestones_are_said_in_words(app, world):
    fellows.add_milestone(
        db.session, world["team"], world["fellow"].id, "Late one", uk_today() - timedelta(days=2)
    )
    db.session.commit()

    text = _client(app, world["team"]).get(url(world["fellow"].id)).text

    assert "Overdue: was due" in text
    cohort_page = _client(app, world["team"]).get(
        f"/fellowship/fellows/cohorts/{world['cohort'].id}"
    )
    assert cohort_page.status_code == 200
    assert "1 overdue" in cohort_page.text and "0 of 2" in cohort_page.text


def test_my_fellowship_and_my_mentees(app, world):
    mine = _client(app, world["fellow"].user).get("/fellowship/fellows/mine")
    mentees = _client(app, world["mentor"]).get("/fellowship/fellows/mentees")
    nobody = _client(app, world["stranger"]).get("/fellowship/fellows/mentees")

    assert world["cohort"].title in mine.text
    assert world["fellow"].user.name in mentees.text
    assert "not mentoring any fellows" in nobody.text


def _second_year_with_a_new_mentor(world):
    """The first fellow carries on into the later cohort, where the team appoints a new mentor
    who sets a milestone."""
    session, team = db.session, world["team"]
    second = fellows.continue_fellowship(session, team, world["fellow"].id, world["later"].id)
    successor = factories.create_user(role=Role.SERVICE_LEAD)
    fellows.assign_mentor(session, team, second.id, successor.id)
    fellows.add_milestone(session, successor, second.id, "Year two plan", uk_today())
    session.commit()
    return second, successor


def test_a_replaced_mentor_reads_only_the_year_they_mentored(app, world):
    first = world["fellow"]
    second, successor = _second_year_with_a_new_mentor(world)
    former = _client(app, world["mentor"])

    page = former.get(url(first.id))
    assert page.status_code == 200
    assert "Survey" in page.text and "Year two plan" not in page.text
    assert "Fellowship across the years" not in page.text
    assert former.get(url(second.id)).status_code == 403
    record = app.test_client().get(f"{API}/{first.id}", headers=_token(world["mentor"]))
    assert record.status_code == 200
    assert [y["fellow"]["id"] for y in record.json["years"]] == [first.id]
    assert "Year two plan" not in record.text
    theirs = app.test_client().get(f"{API}/{second.id}", headers=_token(successor)).json
    assert [y["fellow"]["id"] for y in theirs["years"]] == [second.id]
    both = _client(app, first.user).get(url(second.id)).text
    assert "Survey" in both and "Year two plan" in both


def test_each_milestones_done_form_names_its_milestone(app, world):
    fellows.add_milestone(db.session, world["team"], world["fellow"].id, "Pilot", uk_today())
    db.session.commit()
    client = _client(app, world["fellow"].user)
    milestone_id = world["milestone"].id

    text = client.get(url(world["fellow"].id)).text

    for title in ("Survey", "Pilot"):
        assert f"When was “{title}” done?" in text
        assert f'Mark as done<span class="nhsuk-u-visually-hidden">: “{title}”</span>' in text
    assert text.count("Record a different date") == 2
    assert '<details class="nhsuk-details nhsuk-u-margin-bottom-2" open>' not in text
    future = uk_today() + timedelta(days=3)
    refused = post_form(
        client,
        f"/fellowship/fellows/milestones/{milestone_id}/complete",
        {
            f"m{milestone_id}-completed_on[day]": str(future.day),
            f"m{milestone_id}-completed_on[month]": str(future.month),
            f"m{milestone_id}-completed_on[year]": str(future.year),
        },
        form_page=url(world["fellow"].id),
    )
    assert refused.status_code == 422
    assert refused.text.count('<details class="nhsuk-details nhsuk-u-margin-bottom-2" open>') == 1
    assert f'href="#m{milestone_id}-completed_on-day"' in refused.text


def test_responsive_table_headings_are_hidden_from_screen_readers(app, world):
    for client, path in (
        (_client(app, world["team"]), f"/fellowship/fellows/cohorts/{world['cohort'].id}"),
        (_client(app, world["mentor"]), "/fellowship/fellows/mentees"),
    ):
        text = client.get(path).text
        assert text.count('class="nhsuk-table-responsive__heading" aria-hidden="true"') >= 6
        assert 'class="nhsuk-table-responsive__heading">' not in text


def test_milestone_form_follows_the_policy(app, world, monkeypatch):
    from marketplace.accounts import policy

    page = url(world["fellow"].id)
    monkeypatch.setattr(policy, "may_set_milestones", lambda user, fellow: False)
    assert "Add a milestone" not in _client(app, world["mentor"]).get(page).text
    monkeypatch.setattr(policy, "may_set_milestones", lambda user, fellow: True)
    assert "Add a milestone" in _client(app, world["fellow"].user).get(page).text


def test_the_register_loads_its_fellows_names_in_a_fixed_number_of_queries(app, world):
    client = _client(app, world["team"])
    page = f"/fellowship/fellows/cohorts/{world['cohort'].id}/sessions"
    statements = []

    def counted(*args):
        statements.append(args[2])

    def queries_for_page() -> int:
        db.session.expire_all()  # nothing served from the identity map
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", counted)
        try:
            response = client.get(page)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counted)
        assert response.status_code == 200
        return len(statements)

    with_two = queries_for_page()
    for _ in range(3):
        enrol(db.session, world["team"], world["cohort"])
    db.session.commit()
    with_five = queries_for_page()

    assert with_five == with_two


def test_mentors_who_are_not_fellows_get_a_link_to_their_mentees(app, world):
    link = 'href="/fellowship/fellows/mentees"'

    assert link in _client(app, world["mentor"]).get("/account").text
    assert link not in _client(app, world["stranger"]).get("/account").text
    fellows.end_fellowship(db.session, world["team"], world["fellow"].id, "completed")
    db.session.commit()
    assert link not in _client(app, world["mentor"]).get("/account").text


def test_the_idea_is_recorded_from_the_current_year_only(app, world):
    first = world["fellow"]
    second = fellows.continue_fellowship(db.session, world["team"], first.id, world["later"].id)
    db.session.commit()
    client = _client(app, first.user)

    assert "Turn your idea into a solution record" not in client.get(url(first.id)).text
    assert "Turn your idea into a solution record" in client.get(url(second.id)).text
    refused = post_form(
        client, url(first.id, "/solution"), {"title": "Early"}, form_page=url(second.id)
    )
    assert refused.status_code == 409 and count(Solution) == 0

    made = post_form(client, url(second.id, "/solution"), {"title": "Text reminders"})
    assert made.status_code == 302
    solution = db.session.scalar(sa.select(Solution))
    db.session.expire_all()
    assert db.session.get(Fellow, first.id).solution_id == solution.id
    again = client.get(url(first.id, "/solution"))
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/solutions/{solution.id}")


# --- pages: hostile input ----------------------------------------------------------------


def test_a_mentor_who_is_the_fellow_is_refused_on_the_page(app, world):
    client = _client(app, world["team"])
    other = world["other"]

    response = post_form(
        client, url(other.id, "/mentor"), {"mentor_id": other.user_id}, form_page=url(other.id)
    )

    assert response.status_code == 422
    assert "cannot be their own mentor" in response.text
    assert "There is a problem" in response.text
    db.session.expire_all()
    assert db.session.get(Fellow, other.id).mentor_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the milestone"),
        ({"title": "x" * 201}, "200 characters"),
        ({"title": "<script>alert(1)</script>"}, "must not contain"),
        (
            {"title": "Fine", "due_on[day]": "31", "due_on[month]": "2", "due_on[year]": "2027"},
            "real date",
        ),
        (
            {"title": "Fine", "due_on[day]": "x", "due_on[month]": "2", "due_on[year]": "2027"},
            "in numbers",
        ),
    ],
)
def test_bad_milestones_on_the_page_store_nothing(app, world, data, message):
    client = _client(app, world["mentor"])
    page = url(world["fellow"].id)

    response = post_form(client, url(world["fellow"].id, "/milestones"), data, form_page=page)

    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert count(Milestone) == 2


def test_the_fellow_cannot_add_milestones_or_a_stranger_progress(app, world):
    page = url(world["fellow"].id)
    fellow_client = _client(app, world["fellow"].user)
    response = post_form(
        fellow_client,
        url(world["fellow"].id, "/milestones"),
        {"title": "Easy", "due_on[day]": "1", "due_on[month]": "1", "due_on[year]": "2027"},
        form_page=page,
    )
    assert response.status_code == 403
    stranger = _client(app, world["stranger"])
    response = post_form(
        stranger, url(world["fellow"].id, "/progress"), {"text": "Hi"}, form_page="/account"
    )
    assert response.status_code == 403
    assert count(Milestone) == 2 and count(ProgressUpdate) == 0


def test_progress_naming_another_fellows_milestone_is_refused(app, world):
    client = _client(app, world["fellow"].user)
    page = url(world["fellow"].id)

    response = post_form(
        client,
        url(world["fellow"].id, "/progress"),
        {"text": "Done", "milestone_id": world["theirs"].id},
        form_page=page,
    )

    assert response.status_code == 422
    assert "own milestones" in response.text
    assert count(ProgressUpdate) == 0


def test_progress_and_completing_a_milestone_on_the_page(app, world):
    client = _client(app, world["fellow"].user)
    page = url(world["fellow"].id)
    milestone_id = world["milestone"].id

    response = post_form(
        client,
        url(world["fellow"].id, "/progress"),
        {"text": "Forty replies <b>so far</b>", "milestone_id": milestone_id},
        form_page=page,
    )
    assert response.status_code == 422 and "plain text" in response.text
    response = post_form(
        client,
        url(world["fellow"].id, "/progress"),
        {"text": "Forty replies so far", "milestone_id": milestone_id},
        form_page=page,
    )
    assert response.status_code == 302
    future = uk_today() + timedelta(days=3)
    response = post_form(
        client,
        f"/fellowship/fellows/milestones/{milestone_id}/complete",
        {
            f"m{milestone_id}-completed_on[day]": str(future.day),
            f"m{milestone_id}-completed_on[month]": str(future.month),
            f"m{milestone_id}-completed_on[year]": str(future.year),
        },
        form_page=page,
    )
    assert response.status_code == 422 and "cannot be in the future" in response.text
    assert db.session.get(Milestone, milestone_id).completed_on is None
    response = post_form(
        client, f"/fellowship/fellows/milestones/{milestone_id}/complete", {}, form_page=page
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Milestone, milestone_id).completed_on == uk_today()
    assert "Forty replies so far" in client.get(page).text


def test_continuing_into_an_earlier_cohort_is_refused_then_a_later_one_carries_history(app, world):
    client = _client(app, world["team"])
    first = world["fellow"]
    page = url(first.id)

    response = post_form(
        client, url(first.id, "/continue"), {"cohort_id": world["earlier"].id}, form_page=page
    )
    assert response.status_code == 422
    assert "later year than 2027" in response.text
    assert count(Fellow) == 3

    response = post_form(
        client, url(first.id, "/continue"), {"cohort_id": world["later"].id}, form_page=page
    )
    assert response.status_code == 302
    second = db.session.scalar(sa.select(Fellow).filter_by(continues_from_id=first.id))
    assert second.year_of_fellowship == 2 and second.mentor_id == world["mentor"].id
    text = client.get(url(second.id)).text
    assert "Fellowship across the years" in text and "Survey" in text
    mentor_view = _client(app, world["mentor"]).get(url(second.id))
    assert mentor_view.status_code == 200


def test_ending_a_place_needs_a_choice(app, world):
    client = _client(app, world["team"])
    page = url(world["other"].id)

    response = post_form(
        client, url(world["other"].id, "/end"), {"status": "expelled"}, form_page=page
    )
    assert response.status_code == 422 and "completed or withdrawn" in response.text
    response = post_form(
        client, url(world["other"].id, "/end"), {"status": "withdrawn"}, form_page=page
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Fellow, world["other"].id).status.value == "withdrawn"


def test_attendance_register_refuses_another_cohorts_fellow(app, world):
    client = _client(app, world["team"])
    register = f"/fellowship/fellows/cohorts/{world['cohort'].id}/sessions"
    action = f"/fellowship/fellows/sessions/{world['learning'].id}/attendance"

    response = post_form(
        client, action, {"fellow_id": world["elsewhere"].id, "attended": "yes"}, form_page=register
    )
    assert response.status_code == 422
    assert "Choose a fellow of this session" in response.text
    response = post_form(
        client, action, {"fellow_id": world["fellow"].id, "attended": "maybe"}, form_page=register
    )
    assert response.status_code == 422
    assert count(Attendance) == 0

    response = post_form(
        client, action, {"fellow_id": world["fellow"].id, "attended": "yes"}, form_page=register
    )
    assert response.status_code == 302
    assert "Attended" in client.get(register).text
    assert count(Attendance) == 1


def test_scheduling_a_session_checks_its_input(app, world):
    client = _client(app, world["team"])
    page = f"/fellowship/fellows/cohorts/{world['cohort'].id}/sessions"

    response = post_form(client, page, {"title": "<script>x</script>", "description": "y" * 5001})
    assert response.status_code == 422
    assert "must not contain" in response.text and "5,000 characters" in response.text
    assert count(LearningSession) == 1
    assert _client(app, world["fellow"].user).get(page).status_code == 403


def test_the_idea_becomes_a_draft_solution_record_from_the_page(app, world):
    fellow = world["fellow"]
    client = _client(app, fellow.user)
    page = url(fellow.id, "/solution")

    assert _client(app, world["mentor"]).get(page).status_code == 403
    form = client.get(page)
    assert "A reminder written with young adults" in form.text
    response = post_form(client, page, {"title": "<script>x</script>"})
    assert response.status_code == 422 and count(Solution) == 0

    response = post_form(client, page, {"title": "Text reminders"})

    assert response.status_code == 302
    solution = db.session.scalar(sa.select(Solution))
    assert response.headers["Location"].endswith(f"/solutions/{solution.id}")
    db.session.expire_all()
    assert db.session.get(Fellow, fellow.id).solution_id == solution.id
    assert client.get(page).status_code == 302  # already has one: shown it


# --- API -----------------------------------------------------------------------------------


API = "/api/v1/fellows"


def test_api_reads_follow_the_same_rules(app, world):
    client = app.test_client()
    fellow_id = world["fellow"].id

    got = client.get(f"{API}/{fellow_id}", headers=_token(world["mentor"]))
    assert got.status_code == 200
    assert got.json["years"][0]["milestones"][0]["title"] == "Survey"
    assert client.get(f"{API}/{fellow_id}", headers=_token(world["stranger"])).status_code == 403
    assert client.get(f"{API}/{fellow_id}").status_code == 401
    rows = client.get(f"{API}/cohorts/{world['cohort'].id}", headers=_token(world["team"])).json
    assert {r["fellow"]["id"] for r in rows["fellows"]} == {fellow_id, world["other"].id}
    mine = client.get(f"{API}/mine", headers=_token(world["fellow"].user)).json
    assert [f["id"] for f in mine] == [fellow_id]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/mentor", {"mentor_id": "self"}, "mentor_id"),
        ("/mentor", {"mentor_id": "7"}, "mentor_id"),
        ("/mentor", {}, "mentor_id"),
        ("/milestones", {"title": "T", "due_on": "tomorrow"}, "due_on"),
        ("/milestones", {"title": "<script>x</script>", "due_on": "2027-01-01"}, "title"),
        ("/milestones", {"title": "x" * 201, "due_on": "2027-01-01"}, "title"),
        ("/milestones", {"title": 5, "due_on": "2027-01-01"}, "title"),
        ("/progress", {"text": ""}, "text"),
        ("/progress", {"text": "ok", "milestone_id": "theirs"}, "milestone_id"),
        ("/continuation", {"cohort_id": "earlier"}, "cohort_id"),
        ("/end", {"status": "expelled"}, "status"),
    ],
)
def test_api_hostile_input_is_refused_and_nothing_changes(app, world, path, body, field):
    fellow = world["fellow"]
    special = {
        "self": fellow.user_id,
        "theirs": world["theirs"].id,
        "earlier": world["earlier"].id,
    }
    body = {k: special.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = (count(Fellow), count(Milestone), count(ProgressUpdate))

    response = app.test_client().open(
        f"{API}/{fellow.id}{path}",
        method="PUT" if path == "/mentor" else "POST",
        json=body,
        headers=_token(world["team"]),
    )

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert (count(Fellow), count(Milestone), count(ProgressUpdate)) == before
    db.session.expire_all()
    assert db.session.get(Fellow, fellow.id).mentor_id == world["mentor"].id


def test_api_attendance_and_sessions(app, world):
    client, headers = app.test_client(), _token(world["team"])
    action = f"{API}/sessions/{world['learning'].id}/attendance"

    wrong = client.put(
        action, json={"fellow_id": world["elsewhere"].id, "attended": True}, headers=headers
    )
    typed = client.put(
        action, json={"fellow_id": world["fellow"].id, "attended": "yes"}, headers=headers
    )
    assert wrong.status_code == 422 and "fellow_id" in wrong.json["error"]["fields"]
    assert typed.status_code == 422 and "attended" in typed.json["error"]["fields"]
    assert count(Attendance) == 0
    ok = client.put(
        action, json={"fellow_id": world["fellow"].id, "attended": True}, headers=headers
    )
    assert ok.status_code == 200 and ok.json["attended"] is True
    made = client.post(
        f"{API}/cohorts/{world['cohort'].id}/sessions",
        json={"title": "Evaluating", "held_on": "2027-03-01"},
        headers=headers,
    )
    assert made.status_code == 201
    refused = client.post(
        f"{API}/cohorts/{world['cohort'].id}/sessions",
        json={"title": "Evaluating", "held_on": "2027-03-01"},
        headers=_token(world["fellow"].user),
    )
    assert refused.status_code == 403


def test_api_second_year_and_milestone_completion(app, world):
    client, team = app.test_client(), _token(world["team"])
    fellow = world["fellow"]

    done = client.post(
        f"{API}/milestones/{world['milestone'].id}/complete",
        json={},
        headers=_token(fellow.user),
    )
    assert done.status_code == 200 and done.json["completed_on"] == uk_today().isoformat()
    later = client.post(
        f"{API}/{fellow.id}/continuation", json={"cohort_id": world["later"].id}, headers=team
    )
    assert later.status_code == 201
    assert later.json["year_of_fellowship"] == 2 and later.json["continues_from_id"] == fellow.id
    record = client.get(f"{API}/{later.json['id']}", headers=team).json
    assert [y["fellow"]["year_of_fellowship"] for y in record["years"]] == [1, 2]


def test_api_idea_to_published_solution_appears_in_the_catalogue(app, world):
    client = app.test_client()
    fellow = world["fellow"]
    data = complete_solution_input()
    data.update(maturity="market_ready", evidence="Used on two wards for a year.")
    data["dcb0129_in_place"] = True

    refused = client.post(
        f"{API}/{fellow.id}/solution", json={"title": "Ours"}, headers=_token(world["team"])
    )
    assert refused.status_code == 403
    made = client.post(f"{API}/{fellow.id}/solution", json=data, headers=_token(fellow.user))

    assert made.status_code == 201, made.json
    assert made.json["status"] == "published"
    catalogue = client.get("/catalogue", query_string={"q": "reminders"})
    assert "Text reminders for young adults" in catalogue.text
