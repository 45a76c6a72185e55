"""Challenge pages, through HTTP as a browser would post them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from challenges.models import Challenge
from marketplace.accounts.models import Role
from marketplace.db import uk_today
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def lead_user(app_context):
    return factories.create_user(role=Role.SERVICE_LEAD, email="lead@example.nhs.uk")


@pytest.fixture
def lead(app, lead_user):
    return factories.sign_in_as(app, lead_user.email)


@pytest.fixture
def team(signed_in):
    return signed_in(Role.INNOVATION_TEAM)


def form_data(**overrides):
    closing = uk_today() + timedelta(days=45)
    data = {
        "title": "Falls at home among frail older people",
        "need": "Older people fall at home at night and lie undiscovered.",
        "evidence": "412 falls reported last year; 30% at night.",
        "evidence_source": "Community falls service audit, 2026",
        "affected": "People over 75 living alone.",
        "outcomes": "Halve the time a person lies on the floor after a fall.",
        "theme_ids": [str(i) for i in factories.theme_ids("Frailty")],
        "stage_wanted": "prototype",
        "budget_range": "10k_50k",
        "closing_date[day]": str(closing.day),
        "closing_date[month]": str(closing.month),
        "closing_date[year]": str(closing.year),
    }
    data.update(overrides)
    return data


def test_a_lead_drafts_checks_and_submits_then_the_team_publishes(lead, team, session):
    created = post_form(lead, "/challenges/new", form_data())
    assert created.status_code == 302
    challenge = session.scalars(session.query(Challenge).statement).one()
    url = f"/challenges/{challenge.id}"

    check = lead.get(f"{url}/submit")
    assert "Everything needed for review is filled in" in check.text
    assert post_form(lead, f"{url}/submit", {}).status_code == 302
    assert "Falls at home" in team.get("/challenges/review").text

    published = post_form(team, f"{url}/publish", {}, form_page=url)
    assert published.status_code == 302
    assert "Falls at home" in lead.get("/challenges").text


def test_what_the_service_requires_is_asked_kept_and_shown(lead, session):
    form = lead.get("/challenges/new").text
    assert "NICE evidence standards the solution must meet" in form
    assert "Assurance the solution must have" in form

    post_form(
        lead,
        "/challenges/new",
        form_data(evidence_tier_wanted="b", assurance_wanted=["dtac", "device_class"]),
    )

    challenge = session.scalars(session.query(Challenge).statement).one()
    assert challenge.evidence_tier_wanted.value == "b"
    assert challenge.assurance_wanted == ["dtac", "device_class"]
    shown = lead.get(f"/challenges/{challenge.id}").text
    assert "Tier B: helps people manage their own health and wellness" in shown
    assert "A passed Digital Technology Assessment Criteria (DTAC) assessment" in shown
    assert "Data Security and Protection Toolkit" not in shown
    edit = lead.get(f"/challenges/{challenge.id}/edit").text
    checked = re.findall(r'value="(\w+)" checked', edit)
    assert "device_class" in checked and "dtac" in checked and "dspt" not in checked


def test_a_draft_can_be_saved_with_only_a_title(lead, session):
    response = post_form(lead, "/challenges/new", {"title": "Just an idea for now"})

    assert response.status_code == 302
    challenge = session.scalars(session.query(Challenge).statement).one()
    check = lead.get(f"/challenges/{challenge.id}/submit")
    assert "Describe the need in your service" in check.text
    refused = post_form(lead, f"/challenges/{challenge.id}/submit", {})
    assert refused.status_code == 422
    assert "This challenge is not ready to submit" in refused.text
    session.expire_all()
    assert session.get(Challenge, challenge.id).status == "draft"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 10_000}, "150 characters or fewer"),
        ({"need": "<script>alert('x')</script>"}, "must be plain text"),
        ({"closing_date[day]": "31", "closing_date[month]": "2"}, "must be a real date"),
        ({"closing_date[year]": ""}, "must include a year"),
        ({"closing_date[day]": "x"}, "in numbers"),
        ({"closing_date[year]": "2020"}, "must be in the future"),
        ({"theme_ids": ["abc"]}, "Choose themes from the list"),
        ({"theme_ids": ["999999"]}, "Choose themes from the list"),
        ({"organisation_id": "999999"}, "Choose an organisation you are a service lead for"),
        ({"stage_wanted": "tomorrow"}, "Choose a kind of solution from the list"),
        ({"evidence_tier_wanted": "z"}, "Choose a NICE evidence tier from the list"),
        ({"assurance_wanted": ["dtac", "<b>iso</b>"]}, "Choose assurance from the list"),
    ],
)
def test_bad_challenge_input_is_refused_and_nothing_is_stored(lead, session, overrides, message):
    response = post_form(lead, "/challenges/new", form_data(**overrides))

    assert response.status_code == 422
    assert message in response.text
    assert "There is a problem" in response.text
    assert factories.count(Challenge) == 0


def test_the_form_keeps_what_was_typed_when_it_has_errors(lead):
    response = post_form(lead, "/challenges/new", form_data(title="", need="Keep this text"))

    assert "Keep this text" in response.text


def test_another_organisation_cannot_see_a_draft(app, lead, session, signed_in):
    post_form(lead, "/challenges/new", form_data())
    challenge = session.scalars(session.query(Challenge).statement).one()
    other_lead = signed_in(Role.SERVICE_LEAD)

    assert other_lead.get(f"/challenges/{challenge.id}").status_code == 404
    assert other_lead.get(f"/challenges/{challenge.id}/edit").status_code == 404


def test_returning_without_comments_is_refused(team, session):
    challenge = factories.create_challenge(status="submitted")
    url = f"/challenges/{challenge.id}"

    response = post_form(team, f"{url}/return", {"comments": ""}, form_page=url)

    assert response.status_code == 422
    assert "Enter your comments" in response.text
    session.expire_all()
    assert session.get(Challenge, challenge.id).status == "submitted"


def test_the_service_sees_the_reviewers_comments(app, lead_user, lead, team, session):
    challenge = factories.create_challenge(lead_user, status="submitted")
    url = f"/challenges/{challenge.id}"

    post_form(
        team, f"{url}/return", {"comments": "Add the number of falls per month."}, form_page=url
    )

    page = lead.get(url)
    assert "Returned for changes" in page.text
    assert "Add the number of falls per month." in page.text


def test_editing_with_a_stale_version_is_refused(lead_user, lead, session):
    challenge = factories.create_challenge(lead_user)
    url = f"/challenges/{challenge.id}/edit"
    opened_at = str(challenge.version)  # both editors opened the same version
    post_form(lead, url, form_data(title="Saved first", version=opened_at))

    response = post_form(lead, url, form_data(title="Saved second", version=opened_at))

    assert response.status_code == 409
    assert "Someone else saved this challenge" in response.text
    session.expire_all()
    assert session.get(Challenge, challenge.id).title == "Saved first"


def test_browse_searches_and_filters(lead, session):
    factories.create_challenge(
        status="open",
        title="Waiting lists for autism assessment",
        need="Children wait two years for an autism assessment.",
        theme_ids=factories.theme_ids("Children and young people"),
    )
    factories.create_challenge(
        status="open",
        title="Night-time falls",
        need="Falls at night in care homes.",
        theme_ids=factories.theme_ids("Frailty"),
        closing_date=uk_today() + timedelta(days=5),
    )
    [children] = factories.theme_ids("Children and young people")

    by_words = lead.get("/challenges?q=autism+children").text
    by_theme = lead.get(f"/challenges?theme={children}").text
    soon = lead.get("/challenges?closing_soon=1").text
    nothing = lead.get("/challenges?q=zebra").text

    assert "Waiting lists for <mark>autism</mark>" in by_words
    assert "Night-time falls" not in by_words
    assert "Waiting lists for autism" in by_theme and "Night-time falls" not in by_theme
    assert "Night-time falls" in soon and "Waiting lists" not in soon
    assert "No challenges match" in nothing


@pytest.mark.parametrize(
    "query",
    [
        "q=%25%25%25",
        "q=_",
        "theme=abc",
        "organisation=-1",
        "status=everything",
        "sort=random",
        "page=-1",
        "q=" + "long+" * 500,
    ],
)
def test_browse_survives_odd_queries(lead, query):
    assert lead.get(f"/challenges?{query}").status_code == 200


def test_drafts_and_submitted_challenges_are_not_listed(lead_user, lead):
    factories.create_challenge(lead_user, title="A private draft")
    factories.create_challenge(lead_user, status="submitted", title="Waiting for review")

    page = lead.get("/challenges?status=all").text

    assert "A private draft" not in page
    assert "Waiting for review" not in page
    mine = lead.get("/challenges/mine").text
    assert "A private draft" in mine and "Waiting for review" in mine


def test_only_service_leads_may_post(signed_in):
    assert signed_in(Role.INNOVATOR).get("/challenges/new").status_code == 403


def test_the_team_manages_themes(team, session):
    added = post_form(team, "/challenges/themes", {"action": "add", "name": "Prevention"})
    duplicate = post_form(team, "/challenges/themes", {"action": "add", "name": "prevention"})
    hostile = post_form(team, "/challenges/themes", {"action": "add", "name": "<i>x</i>"})

    assert added.status_code == 302
    assert duplicate.status_code == 422 and "already a theme" in duplicate.text
    assert hostile.status_code == 422 and "must not contain" in hostile.text
    assert "Prevention" in team.get("/challenges/themes").text
