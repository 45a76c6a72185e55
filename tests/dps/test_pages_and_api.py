"""Onboarding through HTTP: a supplier applies on the page, an officer decides, the public
register and its CSV show the result; the API follows the same rules."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.extensions import db
from procurement.dps.models import Application, PurchasingSystem
from tests import factories
from tests.conftest import csrf_from, sign_in


@pytest.fixture
def setup(app):
    with app.app_context():
        system, officer = factories.create_system()
        supplier = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        )
        ids = {
            "system": system.id,
            "categories": [c.id for c in system.categories],
            "officer": officer.email,
            "officer_token": factories.create_token(officer),
            "supplier": supplier.email,
            "supplier_token": factories.create_token(supplier),
            "organisation": supplier.active_memberships[0].organisation_id,
        }
        db.session.remove()
    return ids


def _applications(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (a.organisation.name, a.status.value)
            for a in db.session.scalars(sa.select(Application))
        ]


def test_a_supplier_applies_and_an_officer_admits_through_the_pages(app, setup):
    supplier = sign_in(app.test_client(), setup["supplier"])
    url = f"/dps/{setup['system']}/apply/{setup['organisation']}"
    form = supplier.get(url)
    applied = supplier.post(
        url,
        data={
            "csrf_token": csrf_from(form.text),
            "category_ids": setup["categories"][0],
            **factories.GOOD_ANSWERS,
        },
    )
    officer = sign_in(app.test_client(), setup["officer"])
    queue = officer.get(f"/dps/{setup['system']}/queue")
    application_url = applied.location
    page = officer.get(application_url)
    decided = officer.post(
        application_url + "/decision",
        data={"csrf_token": csrf_from(page.text), "decision": "admit", "version": 1},
    )
    register = app.test_client().get(f"/dps/categories/{setup['categories'][0]}")
    exported = app.test_client().get(f"/dps/categories/{setup['categories'][0]}/register.csv")

    assert form.status_code == 200 and "At least £5,000,000" in form.text
    assert 'name="category_ids"' in form.text and "Apply to join" in form.text
    assert applied.status_code == 302 and "To decide (1)" in queue.text
    assert "Pass" in page.text and "For the officer" in page.text
    assert decided.status_code == 302
    name = _applications(app)[0][0]
    assert register.status_code == 200 and name in register.text  # public, no sign-in
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["supplier"], r["assurance"]) for r in rows] == [(name, "current")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"employers_liability": "plenty"}, "Enter an amount in whole pounds"),
        ({"category_ids": ""}, "Choose at least one category"),
        ({"insurance_expiry": "next year"}, "Enter a real date"),
        ({"companies_house": "<script>x</script>"}, "plain text"),
    ],
)
def test_bad_applications_are_explained_and_nothing_is_stored(app, setup, changes, message):
    supplier = sign_in(app.test_client(), setup["supplier"])
    url = f"/dps/{setup['system']}/apply/{setup['organisation']}"
    data = {
        "csrf_token": csrf_from(supplier.get(url).text),
        "category_ids": setup["categories"][0],
        **factories.GOOD_ANSWERS,
        **changes,
    }

    response = supplier.post(url, data=data)

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _applications(app) == []


def test_the_api_refuses_what_the_pages_refuse(app, setup):
    client = app.test_client()
    supplier = {"Authorization": f"Bearer {setup['supplier_token']}"}
    officer = {"Authorization": f"Bearer {setup['officer_token']}"}
    body = {
        "organisation_id": setup["organisation"],
        "category_ids": [setup["categories"][0]],
        "answers": factories.GOOD_ANSWERS,
    }
    url = f"/api/v1/dps/systems/{setup['system']}/applications"

    applied = client.post(url, json=body, headers=supplier)
    twice = client.post(url, json=body, headers=supplier)
    not_an_officer = client.post(
        f"/api/v1/dps/applications/{applied.json['id']}/decision",
        json={"decision": "admit"},
        headers=supplier,
    )
    no_reasons = client.post(
        f"/api/v1/dps/applications/{applied.json['id']}/decision",
        json={"decision": "reject"},
        headers=officer,
    )
    rejected = client.post(
        f"/api/v1/dps/applications/{applied.json['id']}/decision",
        json={"decision": "reject", "reasons": "No clinical safety officer", "version": 1},
        headers=officer,
    )
    register = client.get(f"/api/v1/dps/categories/{setup['categories'][0]}/register")

    assert applied.status_code == 201 and applied.json["status"] == "submitted"
    assert twice.status_code == 409
    assert not_an_officer.status_code == 403
    assert no_reasons.status_code == 422 and "reasons" in no_reasons.json["error"]["fields"]
    assert rejected.json["status"] == "rejected"
    assert rejected.json["reasons"] == "No clinical safety officer"
    assert register.status_code == 200 and register.json["items"] == []


def test_a_competitor_cannot_see_another_suppliers_application(app, setup):
    with app.app_context():
        system = db.session.get(PurchasingSystem, setup["system"])
        application, _ = factories.create_application(system)
        application_id = application.id
    competitor = sign_in(app.test_client(), setup["supplier"])
    headers = {"Authorization": f"Bearer {setup['supplier_token']}"}

    page = competitor.get(f"/dps/applications/{application_id}")
    api = app.test_client().get(f"/api/v1/dps/applications/{application_id}", headers=headers)

    assert page.status_code == 404 and api.status_code == 404
