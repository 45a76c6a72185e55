"""Registration through the page and the API: the happy path and every kind of bad input."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.audit import AuditEvent
from tests import factories
from tests.conftest import post_form

STRONG = "violet-ferry-tundra-38"


@pytest.fixture
def trust(app_context):
    return factories.create_organisation(name="Riverside Hospitals NHS Trust")


def form(trust, **overrides):
    data = {
        "name": "Asha Green",
        "email": "asha.green@example.nhs.uk",
        "password": STRONG,
        "confirm_password": STRONG,
        "organisation_id": str(trust.id),
        "role": Role.SERVICE_LEAD.value,
    }
    data.update(overrides)
    return data


def stored(session) -> tuple[int, int, int]:
    return (factories.count(User), factories.count(Membership), factories.count(Organisation))


def test_registering_creates_a_user_with_a_role_request(client, session, trust):
    response = post_form(client, "/register", form(trust), follow_redirects=True)

    assert "If this email address is new to us" in response.text
    user = session.scalar(
        session.query(User).filter_by(email="asha.green@example.nhs.uk").statement
    )
    assert user.name == "Asha Green"
    assert user.password_hash.startswith("$argon2id$")
    [membership] = user.memberships
    assert (membership.role, membership.status) == (Role.SERVICE_LEAD, "requested")
    actions = {e.action for e in session.scalars(session.query(AuditEvent).statement)}
    assert {"user.registered", "membership.requested"} <= actions


def test_registering_a_new_organisation_leaves_it_pending(client, session, trust):
    data = form(
        trust,
        organisation_id="new",
        organisation_name="Northgate Digital Ltd",
        organisation_kind="sme",
        companies_house_number="12345678",
        role=Role.INNOVATOR.value,
    )
    response = post_form(client, "/register", data)

    assert response.status_code == 302
    organisation = session.scalar(
        session.query(Organisation).filter_by(name="Northgate Digital Ltd").statement
    )
    assert organisation.status == "pending"
    assert organisation.proposed_by.email == "asha.green@example.nhs.uk"


BAD_INPUT = [
    ({"name": ""}, "Enter your full name"),
    ({"email": ""}, "Enter your email address"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"email": "a@b@example.org"}, "Enter an email address in the correct format"),
    ({"password": "", "confirm_password": ""}, "Enter a password"),
    ({"password": "short", "confirm_password": "short"}, "at least 12 characters"),
    (
        {"password": "password1234", "confirm_password": "password1234"},
        "Choose a stronger password",
    ),
    ({"confirm_password": "something-else-entirely"}, "The passwords do not match"),
    ({"name": "x" * 10_000}, "must be 200 characters or fewer"),
    ({"name": "<script>alert(1)</script>"}, "must not contain &lt; or &gt;"),
    ({"name": "Bad\x07Name"}, "must not contain"),
    ({"organisation_id": ""}, "Select your organisation"),
    ({"organisation_id": "99999"}, "Select an organisation from the list"),
    ({"role": ""}, "Select the role you need"),
    ({"role": "superuser"}, "Select the role you need"),
    ({"role": "innovation_team"}, "Select the role you need"),
    ({"organisation_id": "new", "organisation_name": ""}, "Enter the organisation"),
    (
        {
            "organisation_id": "new",
            "organisation_name": "A Trust",
            "organisation_kind": "nhs_trust",
        },
        "Enter the organisation&#39;s ODS code",
    ),
    (
        {
            "organisation_id": "new",
            "organisation_name": "A Company",
            "organisation_kind": "sme",
            "companies_house_number": "12",
        },
        "Companies House number must be 8 digits",
    ),
    (
        {"organisation_id": "new", "organisation_name": "<b>Co</b>", "organisation_kind": "sme"},
        "must not contain &lt; or &gt;",
    ),
    (
        {
            "organisation_id": "new",
            "organisation_name": "Riverside Hospitals NHS Trust",
            "organisation_kind": "nhs_trust",
            "ods_code": "ZZ9",
        },
        "already registered",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    client, session, trust, overrides, message
):
    before = stored(session)

    response = post_form(client, "/register", form(trust, **overrides))

    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert message in response.text
    assert stored(session) == before


def test_every_problem_is_reported_at_once(client, trust):
    response = post_form(client, "/register", form(trust, name="", email="nope", role=""))

    assert response.text.count('class="nhsuk-error-message"') >= 3


def test_an_email_already_registered_gets_the_same_answer_and_changes_nothing(
    client, session, trust
):
    factories.create_user(email="taken@example.org", name="First Owner")
    before = stored(session)

    response = post_form(
        client,
        "/register",
        form(trust, email="Taken@Example.org", name="Someone Else"),
        follow_redirects=True,
    )

    assert "If this email address is new to us" in response.text
    assert "already" not in response.text.lower().split("if you already have an account")[0]
    assert stored(session) == before
    owner = session.scalar(session.query(User).filter_by(email="taken@example.org").statement)
    assert owner.name == "First Owner"


def test_a_wrong_csrf_token_is_refused(client, session, trust):
    client.get("/register")
    before = stored(session)

    response = client.post("/register", data={**form(trust), "csrf_token": "forged"})

    assert response.status_code == 400
    assert "Your form expired or was sent from another site" in response.text
    assert stored(session) == before


def test_registration_is_rate_limited(client, trust, app):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    try:
        for n in range(2):
            post_form(client, "/register", form(trust, email=f"p{n}@example.org"))
        response = post_form(client, "/register", form(trust, email="p3@example.org"))
    finally:
        app.config["REGISTER_RATE_LIMIT"] = "10 per hour"
    assert response.status_code == 429
    assert "Too many attempts" in response.text


# --- the same rules through the JSON API ---------------------------------------------------


def api_body(trust, **overrides):
    body = {
        "name": "Asha Green",
        "email": "asha.green@example.nhs.uk",
        "password": STRONG,
        "organisation_id": trust.id,
        "role": "service_lead",
    }
    body.update(overrides)
    return body


def test_api_registration_accepts_and_answers_neutrally(client, session, trust):
    response = client.post("/api/v1/registrations", json=api_body(trust))

    assert response.status_code == 202
    assert "If this email address is new to us" in response.json["message"]
    assert factories.count(User) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "nope"}, "email", "Enter an email address in the correct format"),
        ({"name": "n" * 10_000}, "name", "200 characters or fewer"),
        ({"name": "<script>x</script>"}, "name", "must not contain < or >"),
        ({"password": "abc"}, "password", "at least 12 characters"),
        ({"role": "admin"}, "role", "Select the role you need"),
        ({"organisation_id": "one"}, "organisation_id", "Not a valid integer"),
        ({"email": None}, "email", "Field may not be null"),
        (
            {"organisation_id": None, "new_organisation": {"name": "Co", "kind": "sme"}},
            "new_organisation.companies_house_number",
            "Enter the company's Companies House number",
        ),
    ],
)
def test_api_registration_rejects_bad_input(client, session, trust, overrides, field, message):
    response = client.post("/api/v1/registrations", json=api_body(trust, **overrides))

    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] in {"invalid", "unprocessable_entity"}
    assert any(message in m for m in error["fields"][field])
    assert factories.count(User) == 0


def test_api_registration_with_missing_fields(client, session):
    response = client.post("/api/v1/registrations", json={})

    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) >= {"email", "name", "password", "role"}
    assert factories.count(User) == 0


def test_api_registration_with_a_body_that_is_not_json(client, session):
    response = client.post(
        "/api/v1/registrations", data="<xml/>", headers={"Content-Type": "application/xml"}
    )

    assert response.status_code in {400, 415, 422}
    assert "error" in response.json
    assert factories.count(User) == 0


def test_oversized_request_bodies_are_refused(client, session, trust):
    response = client.post(
        "/api/v1/registrations", json=api_body(trust, name="n" * (2 * 1024 * 1024))
    )

    assert response.status_code == 413
    assert response.json["error"]["message"] == "What you sent is too large"
    assert factories.count(User) == 0
