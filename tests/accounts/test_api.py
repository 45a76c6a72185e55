"""The accounts and organisations JSON API: same services, same rules, JSON errors."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Membership, Organisation, OrganisationKind, Role
from tests import factories


@pytest.fixture
def team(api_client):
    return api_client(Role.INNOVATION_TEAM)


@pytest.fixture
def innovator(api_client):
    return api_client(Role.INNOVATOR)


def test_me_shows_the_user_and_their_roles(innovator):
    client, headers = innovator

    body = client.get("/api/v1/me", headers=headers).json

    [membership] = body["memberships"]
    assert membership["role"] == "innovator"
    assert membership["status"] == "granted"
    assert "password_hash" not in body


def test_proposing_an_organisation_then_the_team_approves_and_grants(innovator, team, session):
    client, headers = innovator
    proposal = {
        "name": "Harbour Health Tech Ltd",
        "kind": "sme",
        "companies_house_number": "09876543",
        "role": "innovator",
    }

    created = client.post("/api/v1/organisations", json=proposal, headers=headers)
    assert created.status_code == 201
    assert created.json["status"] == "pending"
    organisation_id = created.json["id"]

    team_client, team_headers = team
    queue = team_client.get("/api/v1/memberships?status=requested", headers=team_headers).json
    [request] = [m for m in queue["items"] if m["organisation"]["id"] == organisation_id]
    approved = team_client.post(
        f"/api/v1/organisations/{organisation_id}/approve", headers=team_headers
    )
    granted = team_client.post(f"/api/v1/memberships/{request['id']}/grant", headers=team_headers)

    assert approved.json["status"] == "approved"
    assert granted.json["status"] == "granted"


def test_a_pending_organisation_is_hidden_from_others(innovator, api_client, session):
    client, headers = innovator
    created = client.post(
        "/api/v1/organisations",
        headers=headers,
        json={
            "name": "Quiet Ltd",
            "kind": "sme",
            "companies_house_number": "11112222",
            "role": "innovator",
        },
    )
    other_client, other_headers = api_client(Role.ADOPTER)

    own = client.get(f"/api/v1/organisations/{created.json['id']}", headers=headers)
    other = other_client.get(f"/api/v1/organisations/{created.json['id']}", headers=other_headers)

    assert own.status_code == 200
    assert other.status_code == 404
    assert other.json["error"]["code"] == "not_found"


def test_only_approved_organisations_are_listed_to_non_team_members(innovator, session):
    factories.create_organisation(name="Visible Trust")
    factories.create_organisation(approved=False, name="Hidden Ltd", kind=OrganisationKind.SME)
    client, headers = innovator

    names = [
        o["name"]
        for o in client.get("/api/v1/organisations?per_page=100", headers=headers).json["items"]
    ]
    pending = client.get("/api/v1/organisations?status=pending", headers=headers)

    assert "Visible Trust" in names
    assert "Hidden Ltd" not in names
    assert pending.status_code == 403


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/organisations/{id}/approve", None),
        ("/api/v1/organisations/{id}/reject", {"reason": "no"}),
        ("/api/v1/organisations/{id}/roles", {"email": "a@example.org", "role": "adopter"}),
    ],
)
def test_team_actions_are_forbidden_to_others_and_change_nothing(innovator, session, path, body):
    pending = factories.create_organisation(approved=False, kind=OrganisationKind.SME)
    client, headers = innovator

    response = client.post(path.format(id=pending.id), json=body, headers=headers)

    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    session.expire_all()
    assert session.get(Organisation, pending.id).status == "pending"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"kind": "sme", "companies_house_number": "12345678", "role": "innovator"},
            "name",
            "Missing data",
        ),
        (
            {"name": "X Ltd", "kind": "spaceship", "role": "innovator"},
            "kind",
            "Select the kind of organisation",
        ),
        (
            {"name": "Y Trust", "kind": "nhs_trust", "ods_code": "no spaces!", "role": "innovator"},
            "ods_code",
            "ODS code must be",
        ),
        ({"name": "<script>", "kind": "academic", "role": "innovator"}, "name", "must not contain"),
        (
            {"name": "Z" * 300, "kind": "academic", "role": "innovator"},
            "name",
            "200 characters or fewer",
        ),
        ({"name": "Fine", "kind": "academic", "role": 7}, "role", "Not a valid string"),
    ],
)
def test_bad_proposals_get_field_errors_and_store_nothing(innovator, session, body, field, message):
    client, headers = innovator
    before = factories.count(Organisation)

    response = client.post("/api/v1/organisations", json=body, headers=headers)

    assert response.status_code == 422
    assert any(message in m for m in response.json["error"]["fields"][field])
    assert factories.count(Organisation) == before


def test_declining_needs_a_reason(team, session):
    person = factories.create_user()
    membership = factories.request_role(person, factories.create_organisation(), Role.ADOPTER)
    client, headers = team

    response = client.post(
        f"/api/v1/memberships/{membership.id}/decline", json={"reason": ""}, headers=headers
    )

    assert response.status_code == 422
    assert response.json["error"]["fields"]["reason"] == [
        "Give a reason, which the person asking will see"
    ]
    session.expire_all()
    assert session.get(Membership, membership.id).status == "requested"


def test_unknown_ids_are_404(team):
    client, headers = team

    assert client.post("/api/v1/memberships/999999/grant", headers=headers).status_code == 404
    assert client.get("/api/v1/organisations/999999", headers=headers).status_code == 404


def test_the_audit_api_filters_by_object(team, session):
    organisation = factories.create_organisation(name="Audited Trust")
    client, headers = team

    body = client.get(
        f"/api/v1/audit-events?target_type=organisations&target_id={organisation.id}",
        headers=headers,
    ).json

    assert [e["action"] for e in body["items"]] == [
        "organisation.approved",
        "organisation.proposed",
    ]


@pytest.mark.parametrize("query", ["per_page=1000", "page=0", "status=maybe", "kind=castle"])
def test_bad_query_parameters_are_422(team, query):
    client, headers = team

    response = client.get(f"/api/v1/organisations?{query}", headers=headers)

    assert response.status_code == 422
    assert response.json["error"]["fields"]


def test_unauthenticated_post_gets_401_not_a_csrf_error(client):
    response = client.post("/api/v1/organisations", json={"name": "x"})

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_wrong_method_is_405_json(innovator):
    client, headers = innovator

    response = client.delete("/api/v1/me", headers=headers)

    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_the_openapi_document_describes_the_api_and_its_security(client):
    spec = client.get("/api/v1/openapi.json").json

    assert spec["openapi"].startswith("3.")
    assert "/api/v1/organisations" in spec["paths"]
    assert "/api/v1/registrations" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_api_docs_page_is_served_from_our_own_assets(client):
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
