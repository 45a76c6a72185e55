"""Test beds through HTTP: pages and API share the services; bad input is explained and
changes nothing; two people saving the same draft cannot overwrite each other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.db import uk_today
from marketplace.extensions import db
from procurement.testbeds import services
from procurement.testbeds.models import Agreement, AgreementVersion, Signature
from tests import factories
from tests.conftest import csrf_from, sign_in
from tests.factories import COMPLETE_TERMS


@pytest.fixture
def negotiation(app):
    with app.app_context():
        agreement, lead, innovator = factories.create_agreement("negotiation")
        ids = {
            "id": agreement.id,
            "lead": lead.email,
            "innovator": innovator.email,
            "lead_id": lead.id,
            "innovator_id": innovator.id,
            "lead_token": factories.create_token(lead),
            "innovator_token": factories.create_token(innovator),
            "host": agreement.host_organisation_id,
            "supplier": agreement.innovator_organisation_id,
        }
        db.session.remove()
    return ids


def _form_terms(ids, **changes) -> dict:
    start = uk_today() + timedelta(days=10)
    end = uk_today() + timedelta(days=100)
    data = {
        **COMPLETE_TERMS,
        "host_lead_id": ids["lead_id"],
        "innovator_lead_id": ids["innovator_id"],
        "start_date[day]": start.day,
        "start_date[month]": start.month,
        "start_date[year]": start.year,
        "end_date[day]": end.day,
        "end_date[month]": end.month,
        "end_date[year]": end.year,
        "dpia_completed_on[day]": 1,
        "dpia_completed_on[month]": 1,
        "dpia_completed_on[year]": 2026,
    }
    data.update(changes)
    return data


def _service_terms(ids, **changes) -> dict:
    return {
        **COMPLETE_TERMS,
        "host_lead_id": ids["lead_id"],
        "innovator_lead_id": ids["innovator_id"],
        "dpia_completed_on": date(2026, 1, 1),
        **changes,
    }


def _versions(app, agreement_id) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AgreementVersion)
            .filter_by(agreement_id=agreement_id)
        )


def test_the_innovator_edits_the_terms_through_the_page(app, negotiation):
    client = sign_in(app.test_client(), negotiation["innovator"])
    url = f"/testbeds/{negotiation['id']}/terms"
    page = client.get(url)
    before = _versions(app, negotiation["id"])

    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(page.text),
            "version": _version_of(app, negotiation["id"]),
            **_form_terms(negotiation, costs="£1,500 for installation"),
        },
    )

    assert page.status_code == 200 and "Edit the terms" in page.text
    assert response.status_code == 302
    assert _versions(app, negotiation["id"]) == before + 1
    shown = client.get(f"/testbeds/{negotiation['id']}")
    assert "£1,500 for installation" in shown.text and "No commitment to purchase" in shown.text


def _version_of(app, agreement_id) -> int:
    with app.app_context():
        return db.session.get(Agreement, agreement_id).version


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date[year]": 2000}, "The end date must be after the start date"),
        ({"start_date[month]": 13}, "Start date must be a real date"),
        ({"host_lead_id": 999999}, "Choose someone from that party"),
        ({"title": ""}, "Enter the title"),
        ({"scope": "<img src=x onerror=alert(1)>"}, "must be plain text"),
        ({"costs": "x" * 5001}, "5,000 characters or fewer"),
        ({"patient_data": "perhaps"}, "Answer yes or no"),
    ],
)
def test_bad_terms_on_the_page_are_explained_and_change_nothing(app, negotiation, changes, message):
    client = sign_in(app.test_client(), negotiation["lead"])
    url = f"/testbeds/{negotiation['id']}/terms"
    token = csrf_from(client.get(url).text)
    before = _versions(app, negotiation["id"])

    response = client.post(url, data={"csrf_token": token, **_form_terms(negotiation, **changes)})

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _versions(app, negotiation["id"]) == before


def test_a_stale_page_save_is_a_conflict(app, negotiation):
    client = sign_in(app.test_client(), negotiation["lead"])
    url = f"/testbeds/{negotiation['id']}/terms"
    token = csrf_from(client.get(url).text)
    stale = _version_of(app, negotiation["id"])
    with app.test_request_context():
        innovator = db.session.scalar(
            sa.select(factories.User).filter_by(email=negotiation["innovator"])
        )
        services.save_terms(
            db.session,
            innovator,
            negotiation["id"],
            _service_terms(negotiation, title="The innovator's title"),
        )
        db.session.commit()

    response = client.post(
        url, data={"csrf_token": token, "version": stale, **_form_terms(negotiation)}
    )

    assert response.status_code == 409 and "Someone else changed" in response.text
    with app.app_context():
        assert db.session.get(Agreement, negotiation["id"]).title == "The innovator's title"


def test_two_sessions_saving_at_once_cannot_overwrite_each_other(app, negotiation):
    """Without any version from a form, the row's own version still stops a lost update."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.test_request_context(), Session(engine) as first, Session(engine) as second:
        lead = first.get(factories.User, negotiation["lead_id"])
        innovator = second.get(factories.User, negotiation["innovator_id"])
        # Both hold the agreement as read, before either saves.
        held = [s.get(Agreement, negotiation["id"]) for s in (first, second)]
        services.save_terms(
            first, lead, negotiation["id"], _service_terms(negotiation, title="First")
        )
        first.commit()
        with pytest.raises(Exception) as error:
            services.save_terms(
                second, innovator, negotiation["id"], _service_terms(negotiation, title="Second")
            )
        second.rollback()
    engine.dispose()

    assert held[0] is not held[1]
    assert type(error.value).__name__ == "Conflict"
    with app.app_context():
        assert db.session.get(Agreement, negotiation["id"]).title == "First"


def test_signing_through_the_api_by_both_parties(app, negotiation):
    client = app.test_client()
    lead = {"Authorization": f"Bearer {negotiation['lead_token']}"}
    innovator = {"Authorization": f"Bearer {negotiation['innovator_token']}"}
    base = f"/api/v1/testbeds/{negotiation['id']}"

    sent = client.post(f"{base}/send", headers=innovator)
    wrong_party = client.post(
        f"{base}/signatures", json={"organisation_id": negotiation["host"]}, headers=innovator
    )
    edit_now = client.put(f"{base}/terms", json={"title": "Changed"}, headers=lead)
    host = client.post(
        f"{base}/signatures", json={"organisation_id": negotiation["host"]}, headers=lead
    )
    twice = client.post(
        f"{base}/signatures", json={"organisation_id": negotiation["host"]}, headers=lead
    )
    supplier = client.post(
        f"{base}/signatures", json={"organisation_id": negotiation["supplier"]}, headers=innovator
    )
    printable = sign_in(app.test_client(), negotiation["lead"]).get(
        f"/testbeds/{negotiation['id']}/print"
    )

    assert sent.status_code == 200 and sent.json["status"] == "awaiting_signature"
    assert wrong_party.status_code == 403
    assert edit_now.status_code == 409 and "reopen it" in edit_now.json["error"]["message"]
    assert host.status_code == 200 and twice.status_code == 409
    assert supplier.status_code == 200 and supplier.json["status"] == "signed"
    signed_number = max(v["number"] for v in supplier.json["versions"] if v["signed_at"])
    version = client.get(f"{base}/versions/{signed_number}", headers=lead)
    assert version.json["terms"]["title"] == COMPLETE_TERMS["title"]
    assert "as signed" in printable.text and "For " in printable.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 2


def test_api_bad_input_is_refused_with_the_field_named(app, negotiation):
    client = app.test_client()
    lead = {"Authorization": f"Bearer {negotiation['lead_token']}"}
    base = f"/api/v1/testbeds/{negotiation['id']}"
    before = _versions(app, negotiation["id"])

    reversed_dates = client.put(
        f"{base}/terms",
        json={"title": "T", "start_date": "2027-05-01", "end_date": "2027-04-01"},
        headers=lead,
    )
    not_a_party = client.put(
        f"{base}/terms",
        json={"title": "T", "innovator_lead_id": negotiation["lead_id"]},
        headers=lead,
    )
    bad_measure = client.post(
        f"{base}/measures", json={"name": "M", "unit": "u", "target": "lots"}, headers=lead
    )
    complete_early = client.post(
        f"{base}/complete", json={"outcome": "met", "summary": "Done"}, headers=lead
    )
    unknown = client.get("/api/v1/testbeds/2147483647", headers=lead)

    assert (
        reversed_dates.status_code == 422 and "end_date" in reversed_dates.json["error"]["fields"]
    )
    assert not_a_party.status_code == 422
    assert "innovator_lead_id" in not_a_party.json["error"]["fields"]
    assert bad_measure.status_code == 422 and "target" in bad_measure.json["error"]["fields"]
    assert complete_early.status_code == 409
    assert unknown.status_code == 404
    assert _versions(app, negotiation["id"]) == before


def test_the_register_lists_agreements_past_their_draft(app):
    with app.app_context():
        draft, lead, _ = factories.create_agreement()
        live, _, _ = factories.create_agreement("live")
        titles = (draft.title, live.title)
        email = lead.email
    client = sign_in(app.test_client(), email)

    page = client.get("/testbeds")
    live_only = client.get("/testbeds?status=live")

    assert titles[1] in page.text and titles[0] not in page.text  # drafts are not listed
    assert live_only.status_code == 200 and titles[1] in live_only.text


def test_the_register_api_shows_only_what_is_public(app, api_client):
    with app.app_context():
        factories.create_agreement("live")
    client, headers = api_client()

    [item] = client.get("/api/v1/testbeds", headers=headers).json["items"]

    assert item["status"] == "live" and item["public_summary"]
    for private in ("costs", "measures", "signatures", "data_sharing", "host_lead_id"):
        assert private not in item


def test_the_trial_runs_to_an_outcome_through_the_api(app):
    with app.app_context():
        agreement, lead, innovator = factories.create_agreement("signed")
        ids = {
            "id": agreement.id,
            "solution": agreement.solution_id,
            "measure": agreement.measures[0].id,
            "lead": factories.create_token(lead),
            "innovator": factories.create_token(innovator),
        }
    client = app.test_client()
    lead = {"Authorization": f"Bearer {ids['lead']}"}
    innovator = {"Authorization": f"Bearer {ids['innovator']}"}
    base = f"/api/v1/testbeds/{ids['id']}"

    not_host = client.post(f"{base}/go-live", headers=innovator)
    live = client.post(f"{base}/go-live", headers=lead)
    actual = client.post(
        f"/api/v1/testbeds/measures/{ids['measure']}/actual", json={"actual": 12}, headers=innovator
    )
    evaluating = client.post(f"{base}/evaluate", headers=lead)
    done = client.post(
        f"{base}/complete", json={"outcome": "partly_met", "summary": "12 minutes"}, headers=lead
    )
    solution = client.get(f"/api/v1/solutions/{ids['solution']}", headers=lead)
    register = client.get("/api/v1/testbeds?outcome=partly_met", headers=innovator)

    assert not_host.status_code == 403 and live.json["status"] == "live"
    assert actual.json["actual"] == 12 and evaluating.json["status"] == "evaluation"
    assert done.json["status"] == "completed" and done.json["outcome"] == "partly_met"
    assert solution.json["maturity"] == "piloted"  # raised from prototype by the evaluation
    assert [a["id"] for a in register.json["items"]] == [ids["id"]]
