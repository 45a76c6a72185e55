"""Solutions and responses through the JSON API."""

from __future__ import annotations

import pytest

from challenges.models import Response
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.solutions.models import Solution
from tests import factories


@pytest.fixture
def innovator(app, app_context):
    company = factories.create_organisation(kind=OrganisationKind.SME)
    user = factories.create_user(role=Role.INNOVATOR, organisation=company)
    return user, app.test_client(), {"Authorization": f"Bearer {factories.create_token(user)}"}


def test_a_solution_through_the_api(innovator):
    user, client, headers = innovator
    organisation_id = user.active_memberships[0].organisation_id

    created = client.post(
        "/api/v1/solutions",
        headers=headers,
        json={"organisation_id": organisation_id, "title": "Rota helper"},
    )
    url = f"/api/v1/solutions/{created.json['id']}"
    early = client.post(f"{url}/publish", headers=headers)
    for section, values in factories.COMPLETE_SOLUTION.items():
        body = dict(values)
        if section == "maturity":
            body["theme_ids"] = factories.theme_ids("Workforce")
        saved = client.put(f"{url}/sections/{section}", headers=headers, json=body)
        assert saved.status_code == 200, saved.json
    published = client.post(f"{url}/publish", headers=headers)

    assert created.status_code == 201
    assert early.status_code == 422 and "maturity" in early.json["error"]["fields"]
    assert published.json["status"] == "published"
    assert published.json["care_settings"] == ["care_home", "home"]
    listed = client.get("/api/v1/solutions?maturity=market_ready", headers=headers).json
    assert [s["title"] for s in listed["items"]] == [published.json["title"]]


@pytest.mark.parametrize(
    ("section", "body", "field"),
    [
        ("overview", {"title": ""}, "title"),
        ("overview", {}, "title"),
        ("maturity", {"care_settings": ["spaceship"]}, "care_settings"),
        ("maturity", {"theme_ids": ["one"]}, "theme_ids"),
        ("assurance", {"dtac_date": "2999-01-01"}, "dtac_date"),
        ("assurance", {"dcb0129_in_place": "perhaps"}, "dcb0129_in_place"),
        ("commercial", {"contact_email": "@@"}, "contact_email"),
    ],
)
def test_bad_sections_are_refused(innovator, session, section, body, field):
    user, client, headers = innovator
    solution = factories.create_solution(user, status="draft")

    response = client.put(
        f"/api/v1/solutions/{solution.id}/sections/{section}", headers=headers, json=body
    )

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    session.expire_all()
    assert session.get(Solution, solution.id).version == 1


def test_a_solution_you_do_not_own_cannot_be_changed(innovator, session):
    _user, client, headers = innovator
    someone_elses = factories.create_solution()

    response = client.put(
        f"/api/v1/solutions/{someone_elses.id}/sections/overview",
        headers=headers,
        json={"title": "Mine now"},
    )

    assert response.status_code == 403
    session.expire_all()
    assert session.get(Solution, someone_elses.id).title != "Mine now"


def test_responding_and_hearing_back_through_the_api(innovator, session, app):
    user, client, headers = innovator
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    challenge = factories.create_challenge(lead, status="open")
    solution = factories.create_solution(user)
    lead_headers = {"Authorization": f"Bearer {factories.create_token(lead)}"}

    sent = client.post(
        f"/api/v1/challenges/{challenge.id}/responses",
        headers=headers,
        json={"solution_id": solution.id, "pitch": "It fits."},
    )
    again = client.post(
        f"/api/v1/challenges/{challenge.id}/responses",
        headers=headers,
        json={"solution_id": solution.id, "pitch": "Again."},
    )
    no_reason = client.post(
        f"/api/v1/responses/{sent.json['id']}/decline", headers=lead_headers, json={"reason": ""}
    )
    declined = app.test_client().post(
        f"/api/v1/responses/{sent.json['id']}/decline",
        headers=lead_headers,
        json={"reason": "Not offline."},
    )
    mine = client.get("/api/v1/responses/mine", headers=headers).json

    assert sent.status_code == 201
    assert again.status_code == 409
    assert no_reason.status_code == 422
    assert declined.json["status"] == "not_taken_forward"
    assert mine[0]["decision_reason"] == "Not offline."
    assert factories.count(Response) == 1
