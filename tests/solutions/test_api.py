"""Solutions and responses through the JSON API."""

from __future__ import annotations

import pytest

from challenges.models import Response
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.solutions.models import Adoption, Enquiry, Solution
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


def test_adoptions_enquiries_and_the_catalogue_through_the_api(app, session, client):
    trust = factories.create_organisation(name="Eastvale Trust")
    buyer = factories.create_user(role=Role.ADOPTER, organisation=trust)
    product = factories.create_solution(title="FallAlert")
    headers = {"Authorization": f"Bearer {factories.create_token(buyer)}"}
    supplier_headers = {"Authorization": f"Bearer {factories.create_token(product.created_by)}"}

    recorded = client.post(
        "/api/v1/adoptions",
        headers=headers,
        json={
            "solution_id": product.id,
            "organisation_id": trust.id,
            "site": "Ward 3",
            "stage": "piloting",
            "start_date": "2026-05-01",
        },
    )
    reversed_dates = client.post(
        "/api/v1/adoptions",
        headers=headers,
        json={
            "solution_id": product.id,
            "organisation_id": trust.id,
            "site": "Ward 4",
            "stage": "piloting",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    moved_on = client.patch(
        f"/api/v1/adoptions/{recorded.json['id']}", headers=headers, json={"stage": "using"}
    )
    asked = client.post(
        f"/api/v1/solutions/{product.id}/enquiries",
        headers=headers,
        json={"organisation_id": trust.id, "message": "Price for 10 homes?"},
    )
    answered = client.post(
        f"/api/v1/enquiries/{asked.json['id']}/answer",
        headers=supplier_headers,
        json={"answer": "£60 a month."},
    )
    public = client.get("/api/v1/catalogue?adopted=yes")

    assert recorded.status_code == 201
    assert (
        reversed_dates.status_code == 422 and "end_date" in reversed_dates.json["error"]["fields"]
    )
    assert moved_on.json["stage"] == "using"
    assert answered.json["answer"] == "£60 a month."
    assert public.status_code == 200
    assert [p["title"] for p in public.json["items"]] == ["FallAlert"]
    assert {f["value"]: f["count"] for f in public.json["facets"]["adopted"]} == {"yes": 1}
    assert factories.count(Adoption) == 1


def test_enquiring_for_an_organisation_you_do_not_act_for_is_refused(api_client, session):
    product = factories.create_solution()
    other = factories.create_organisation()
    client, headers = api_client(Role.ADOPTER)

    response = client.post(
        f"/api/v1/solutions/{product.id}/enquiries",
        headers=headers,
        json={"organisation_id": other.id, "message": "Hello"},
    )

    assert response.status_code == 422
    assert "organisation_id" in response.json["error"]["fields"]
    assert factories.count(Enquiry) == 0
