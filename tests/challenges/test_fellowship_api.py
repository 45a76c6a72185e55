"""Fellowship selection through the JSON API: the same journey as the pages, blind scoring,
and bad input refused with the field named and nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship.models import Cohort, FellowshipApplication, Panel, Review
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.challenges.test_fellowship_pages import IDEA, selection  # noqa: F401

BASE = "/api/v1/fellowship"
NEW_COHORT = {
    "title": "Fellowship 2028",
    "year": 2028,
    "themes": "Prevention",
    "eligibility": "Staff of partner organisations",
    "places": 4,
    "opens_on": (uk_today() - timedelta(days=1)).isoformat(),
    "closes_on": (uk_today() + timedelta(days=30)).isoformat(),
    "stages": [
        {"name": "Screening", "ends_on": (uk_today() + timedelta(days=40)).isoformat()},
        {"name": "Decision"},
    ],
    "criteria": [{"name": "Need", "weight": 40}, {"name": "Feasibility", "weight": 60}],
}


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _headers_for(app, user_ids) -> list[dict]:
    with app.app_context():
        people = [db.session.get(factories.User, i) for i in user_ids]
        headers = [{"Authorization": f"Bearer {factories.create_token(p)}"} for p in people]
        db.session.remove()
    return headers


def test_the_selection_journey_through_the_api(app, client):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        staff = factories.create_user(role=Role.SERVICE_LEAD)
        reviewers = [
            factories.create_user(role=Role.PANEL_PROFESSIONAL),
            factories.create_user(role=Role.PANEL_PROFESSIONAL),
            factories.create_user(role=Role.PANEL_PATIENT),
        ]
        reviewer_ids = [r.id for r in reviewers]
        team_id, staff_id = team.id, staff.id
        db.session.remove()
    team_h, staff_h = _headers_for(app, [team_id, staff_id])
    reviewer_h = _headers_for(app, reviewer_ids)

    opened = client.post(f"{BASE}/cohorts", json=NEW_COHORT, headers=team_h)
    assert opened.status_code == 201, opened.json
    cohort_id = opened.json["id"]
    assert opened.json["status"] == "open"
    assert opened.json["stages"][1] == {"name": "Decision", "ends_on": None}
    listed = client.get(f"{BASE}/cohorts")  # open calls need no token
    assert listed.status_code == 200 and listed.json[0]["criteria"][1]["weight"] == 60

    applied = client.post(f"{BASE}/cohorts/{cohort_id}/applications", json=IDEA, headers=staff_h)
    assert applied.status_code == 201, applied.json
    application_id = applied.json["id"]
    assert applied.json["stage"] == "Screening" and applied.json["outcome"] is None

    panel = client.post(
        f"{BASE}/cohorts/{cohort_id}/panels",
        json={"name": "Panel A", "member_ids": reviewer_ids},
        headers=team_h,
    )
    assert panel.status_code == 201, panel.json
    assert [m["patient_or_public"] for m in panel.json["members"]] == [False, False, True]
    assigned = client.post(
        f"{BASE}/applications/{application_id}/assignments",
        json={"panel_id": panel.json["id"]},
        headers=team_h,
    )
    assert assigned.status_code == 201 and len(assigned.json) == 3

    early = client.post(
        f"{BASE}/applications/{application_id}/decision",
        json={"outcome": "accepted", "reasons": "Strong"},
        headers=team_h,
    )
    assert early.status_code == 409 and "Not every reviewer" in early.json["error"]["message"]

    for headers, (need, feasibility) in zip(reviewer_h, [(4, 3), (5, 4), (5, 2)], strict=True):
        queue = client.get(f"{BASE}/reviews", headers=headers).json
        assert [r["application_id"] for r in queue["to_score"]] == [application_id]
        before = client.get(f"{BASE}/applications/{application_id}", headers=headers).json
        assert [r["scores"] for r in before["reviews"]] == [None]  # only their own, blind
        scored = client.post(
            f"{BASE}/applications/{application_id}/scores",
            json={"scores": {"Need": need, "Feasibility": feasibility}, "comment": "Seen"},
            headers=headers,
        )
        assert scored.status_code == 200, scored.json
        after = client.get(f"{BASE}/applications/{application_id}", headers=headers).json
        assert len(after["reviews"]) == 3

    advanced = client.post(f"{BASE}/applications/{application_id}/advance", headers=team_h)
    assert advanced.status_code == 200 and advanced.json["stage"] == "Decision"
    detail = client.get(f"{BASE}/applications/{application_id}", headers=team_h).json
    assert detail["weighted_score"] == 73.3
    decided = client.post(
        f"{BASE}/applications/{application_id}/decision",
        json={"outcome": "declined", "reasons": "Promising; apply again with a pilot site."},
        headers=team_h,
    )
    assert decided.status_code == 200, decided.json

    mine = client.get(f"{BASE}/applications/mine", headers=staff_h).json
    assert mine[0]["outcome"] == "declined"
    assert mine[0]["outcome_reasons"] == "Promising; apply again with a pilot site."
    own = client.get(f"{BASE}/applications/{application_id}", headers=staff_h).json
    assert own["reviews"] == [] and own["weighted_score"] is None
    assert _count(app, Notification, Notification.user_id == staff_id) == 1
    rows = client.get(f"{BASE}/cohorts/{cohort_id}/applications", headers=team_h).json
    assert rows[0]["score"] == 73.3 and rows[0]["scored"] == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": None}, "title", None),
        ({"year": "2028"}, "year", None),
        ({"places": 2.5}, "places", None),
        ({"opens_on": "yesterday"}, "opens_on", None),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        ({"themes": "<script>alert(1)</script>"}, "themes", "must be plain text"),
        ({"criteria": [{"name": "Need", "weight": 50}]}, "criteria", "they add up to 50"),
        ({"criteria": [{"name": "Need", "weight": "100"}]}, "criteria", None),
        ({"stages": [{"name": "Only"}]}, "stages", "at least two stages"),
        ({"stages": [{"name": "A"}] * 21}, "stages", None),
        ({"closes_on": (uk_today() - timedelta(days=9)).isoformat()}, "closes_on", "close after"),
    ],
)
def test_bad_cohorts_are_refused_and_not_stored(app, client, api_client, changes, field, message):
    _, headers = api_client(Role.INNOVATION_TEAM)

    response = client.post(f"{BASE}/cohorts", json={**NEW_COHORT, **changes}, headers=headers)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    if message:
        assert message in " ".join(response.json["error"]["fields"][field])
    assert _count(app, Cohort) == 0


def test_only_the_team_opens_cohorts_and_a_token_is_needed(app, client, api_client):
    _, headers = api_client(Role.SERVICE_LEAD)

    assert client.post(f"{BASE}/cohorts", json=NEW_COHORT, headers=headers).status_code == 403
    assert client.post(f"{BASE}/cohorts", json=NEW_COHORT).status_code == 401
    assert _count(app, Cohort) == 0


@pytest.fixture
def cohort_id(app, selection):  # noqa: F811
    return selection["cohort"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"problem": ""}, "problem", "Enter the problem"),
        ({"idea": 42}, "idea", None),
        ({"idea": "x" * 5001}, "idea", "5,000 characters or fewer"),
        ({"idea": "<script>alert(1)</script>"}, "idea", "must be plain text"),
        ({"idea_stage": "moonshot"}, "idea_stage", "Choose an answer from the list"),
        ({"challenge_id": "abc"}, "challenge_id", None),
        ({"challenge_id": 999_999}, "challenge_id", "Choose a challenge from the list"),
    ],
)
def test_bad_applications_are_refused_and_not_stored(
    app, client, api_client, cohort_id, changes, field, message
):
    _, headers = api_client(Role.SERVICE_LEAD)
    before = _count(app, FellowshipApplication)

    response = client.post(
        f"{BASE}/cohorts/{cohort_id}/applications", json={**IDEA, **changes}, headers=headers
    )

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    if message:
        assert message in " ".join(response.json["error"]["fields"][field])
    assert _count(app, FellowshipApplication) == before


def test_another_organisations_solution_or_a_supplier_is_refused(
    app, client, api_client, cohort_id
):
    with app.app_context():
        solution_id = factories.create_solution().id
        db.session.remove()
    _, staff = api_client(Role.SERVICE_LEAD)
    with app.app_context():
        sme = factories.create_organisation(kind=OrganisationKind.SME)
        person = factories.create_user(role=Role.INNOVATOR, organisation=sme)
        supplier = {"Authorization": f"Bearer {factories.create_token(person)}"}
        db.session.remove()
    before = _count(app, FellowshipApplication)
    url = f"{BASE}/cohorts/{cohort_id}/applications"

    linked = client.post(url, json={**IDEA, "solution_id": solution_id}, headers=staff)
    assert linked.status_code == 422
    assert "your organisation" in linked.json["error"]["fields"]["solution_id"][0]
    assert client.post(url, json=IDEA, headers=supplier).status_code == 403
    assert _count(app, FellowshipApplication) == before


def test_a_panel_without_a_patient_member_or_with_outsiders_is_refused(
    app, client, api_client, cohort_id
):
    with app.app_context():
        professionals = [factories.create_user(role=Role.PANEL_PROFESSIONAL).id for _ in range(2)]
        patient = factories.create_user(role=Role.PANEL_PATIENT).id
        outsider = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        ).id
        db.session.remove()
    _, headers = api_client(Role.INNOVATION_TEAM)
    before = _count(app, Panel)
    url = f"{BASE}/cohorts/{cohort_id}/panels"

    for body, message in [
        ({"name": "P", "member_ids": professionals}, "patient or public member"),
        ({"name": "P", "member_ids": [*professionals, patient, outsider]}, "from the list"),
        ({"name": "P", "member_ids": [*professionals, "x"]}, None),
        ({"name": "<b>P</b>", "member_ids": [*professionals, patient]}, "must not contain"),
        ({"name": "P", "member_ids": [*professionals, 10**12]}, None),
    ]:
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        assert (
            "member_ids" in response.json["error"]["fields"]
            or "name" in (response.json["error"]["fields"])
        )
        if message:
            assert message in str(response.json["error"]["fields"])
    assert _count(app, Panel) == before


@pytest.mark.parametrize(
    "body",
    [
        {"scores": {"Need": 6, "Feasibility": 3}},
        {"scores": {"Need": -1, "Feasibility": 3}},
        {"scores": {"Need": "4", "Feasibility": 3}},
        {"scores": {"Need": 4.5, "Feasibility": 3}},
        {"scores": {"Need": True, "Feasibility": 3}},
        {"scores": {"Need": 4}},
        {"scores": {"Need": 4, "Feasibility": 3, "Charm": 5}},
        {"scores": "high"},
        {},
        {"scores": {"Need": 4, "Feasibility": 3}, "comment": "<script>x</script>"},
    ],
)
def test_bad_scores_are_refused_and_not_stored(app, client, selection, body):  # noqa: F811
    (headers,) = _headers_for(app, selection["reviewer_ids"][:1])

    response = client.post(
        f"{BASE}/applications/{selection['application']}/scores", json=body, headers=headers
    )

    assert response.status_code == 422
    assert {"scores", "comment"} & set(response.json["error"]["fields"])
    assert _count(app, Review, Review.submitted_at.is_not(None)) == 0


def test_unassigned_and_recused_reviewers_cannot_score(app, client, api_client, selection):  # noqa: F811
    url = f"{BASE}/applications/{selection['application']}"
    good = {"scores": {"Need": 4, "Feasibility": 3}}
    _, outsider = api_client(Role.PANEL_PROFESSIONAL)
    (first,) = _headers_for(app, selection["reviewer_ids"][:1])

    assert client.post(f"{url}/scores", json=good, headers=outsider).status_code == 404
    huge = f"{BASE}/applications/{10**20}/scores"
    assert client.post(huge, json=good, headers=first).status_code == 404
    assert client.get(url, headers=outsider).status_code == 403
    assert client.post(f"{url}/conflict", json={"reason": ""}, headers=first).status_code == 422
    recused = client.post(f"{url}/conflict", json={"reason": "My manager"}, headers=first)
    assert recused.status_code == 200 and recused.json["recused"] is True
    refused = client.post(f"{url}/scores", json=good, headers=first)
    assert refused.status_code == 403 and "recused" in refused.json["error"]["message"]
    assert client.get(f"{BASE}/reviews", headers=first).json["recused"][0]["conflict"] == (
        "My manager"
    )
    assert _count(app, Review, Review.submitted_at.is_not(None)) == 0


def test_decisions_and_assignments_are_checked(app, client, selection):  # noqa: F811
    (team,) = _headers_for(app, [selection["team_id"]])
    url = f"{BASE}/applications/{selection['application']}"

    assert client.post(f"{url}/decision", json={"outcome": "accepted"}, headers=team).json["error"][
        "fields"
    ] == {"reasons": ["Missing data for required field."]}
    early = client.post(
        f"{url}/decision", json={"outcome": "accepted", "reasons": "Good"}, headers=team
    )
    assert early.status_code == 409
    again = client.post(f"{url}/assignments", json={"panel_id": selection["panel"]}, headers=team)
    assert again.status_code == 409
    other = client.post(f"{url}/assignments", json={"panel_id": 999_999}, headers=team)
    assert other.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(FellowshipApplication.outcome)) is None
    assert _count(app, Review) == 3
