"""Funding records: the innovation team records them against a solution, a fellow or both; the
team and the partner organisations read them. Every bad input is refused, named, and stores
nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.audit import AuditEvent
from marketplace.db import uk_today
from marketplace.errors import Forbidden, Invalid
from marketplace.extensions import db
from marketplace.impact import funding
from marketplace.impact.models import FundingKind, FundingRecord
from tests import factories
from tests.conftest import csrf_from, sign_in
from tests.test_impact import an_application, fellow_of, form_panel, open_cohort


def tomorrow() -> date:
    """Worked out when a test runs, not when the module is collected, so that a run passing
    midnight still asks about a day in the future. Parameters may name it; `valid` and
    `_json` call it."""
    return uk_today() + timedelta(days=1)


def _resolved(changes: dict) -> dict:
    return {key: value() if callable(value) else value for key, value in changes.items()}


@pytest.fixture
def people(session):
    """The team, a partner (a trust's service lead), a supplier, a solution and a fellow."""
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = open_cohort(session, team, 2026)
    panel = form_panel(session, team, cohort)
    fellow = fellow_of(
        session,
        an_application(
            session,
            team,
            cohort,
            panel,
            "accepted",
            applicant=factories.create_user(role=Role.SERVICE_LEAD, name="Samira Haddad"),
        ),
    )
    solution = factories.create_solution(title="Sepsis alerting")
    partner = factories.create_user(role=Role.SERVICE_LEAD)
    supplier = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )
    session.commit()
    return {
        "team": team,
        "partner": partner,
        "supplier": supplier,
        "solution_id": solution.id,
        "fellow_id": fellow.id,
    }


def valid(people, **changes) -> dict:
    data = {
        "solution_id": people["solution_id"],
        "funder": "National Institute for Health and Care Research",
        "kind": "grant",
        "amount": 150_000,
        "received_on": date(2025, 9, 1),
        "note": "Invention for Innovation, stage 1",
    }
    data.update(_resolved(changes))
    return {k: v for k, v in data.items() if v is not ...}


def stored() -> int:
    return factories.count(FundingRecord)


# --- services ------------------------------------------------------------------------------


def test_the_team_records_funding_against_a_solution_a_fellow_or_both(session, people):
    team = people["team"]
    for_solution = funding.record_funding(session, team, valid(people))
    for_fellow = funding.record_funding(
        session, team, valid(people, solution_id=None, fellow_id=people["fellow_id"])
    )
    for_both = funding.record_funding(
        session, team, valid(people, fellow_id=people["fellow_id"], amount="£12,500")
    )
    session.commit()

    assert (for_solution.amount, for_solution.kind) == (150_000, FundingKind.GRANT)
    assert (for_fellow.solution_id, for_fellow.fellow_id) == (None, people["fellow_id"])
    assert for_both.amount == 12_500 and for_both.recorded_by_id == team.id
    events = session.scalars(sa.select(AuditEvent).filter_by(action="funding.recorded")).all()
    assert len(events) == 3 and events[0].data["amount"] == 150_000


def test_totals_and_listing(session, people):
    team = people["team"]
    funding.record_funding(session, team, valid(people))
    funding.record_funding(
        session, team, valid(people, kind="in_kind", amount=2_000, received_on=uk_today())
    )

    totals = funding.totals(session)
    page = funding.listing(session, people["partner"])
    grants = funding.listing(session, team, kind=FundingKind.GRANT)

    assert (totals.overall, totals.records) == (152_000, 2)
    assert totals.by_kind[0] == (FundingKind.GRANT, 150_000, 1)
    assert [r.amount for r in page.items] == [2_000, 150_000]  # newest first
    assert [r.amount for r in grants.items] == [150_000]
    with pytest.raises(Forbidden):
        funding.listing(session, people["supplier"])


BAD_INPUT = [
    ({"solution_id": None}, "solution_id", "Choose the solution or the fellow"),
    ({"solution_id": 999_999}, "solution_id", "Choose a solution from the list"),
    ({"solution_id": 2**40}, "solution_id", "Choose a solution from the list"),
    ({"solution_id": "1; DROP TABLE solutions"}, "solution_id", "Choose a solution"),
    ({"fellow_id": 999_999}, "fellow_id", "Choose a fellow from the list"),
    ({"fellow_id": -1}, "fellow_id", "Choose a fellow from the list"),
    ({"funder": ...}, "funder", "Enter the funder"),
    ({"funder": "   "}, "funder", "Enter the funder"),
    ({"funder": "x" * 201}, "funder", "200 characters or fewer"),
    ({"funder": "<script>alert(1)</script>"}, "funder", "must not contain < or >"),
    ({"kind": ...}, "kind", "Choose the kind of funding"),
    ({"kind": "bribe"}, "kind", "Choose the kind of funding"),
    ({"amount": ...}, "amount", "Enter the amount in whole pounds"),
    ({"amount": 0}, "amount", "from £1 to £1,000,000,000"),
    ({"amount": -5}, "amount", "from £1 to £1,000,000,000"),
    ({"amount": "-5"}, "amount", "from £1 to £1,000,000,000"),
    ({"amount": 1_000_000_001}, "amount", "from £1 to £1,000,000,000"),
    ({"amount": 10**30}, "amount", "from £1 to £1,000,000,000"),
    ({"amount": "9" * 40}, "amount", "Enter the amount in whole pounds"),
    ({"amount": 12.5}, "amount", "Enter the amount in whole pounds"),
    ({"amount": "12.50"}, "amount", "Enter the amount in whole pounds"),
    ({"amount": "lots"}, "amount", "Enter the amount in whole pounds"),
    ({"amount": True}, "amount", "Enter the amount in whole pounds"),
    ({"amount": [5]}, "amount", "Enter the amount in whole pounds"),
    ({"received_on": ...}, "received_on", "Enter the date it was received"),
    ({"received_on": tomorrow}, "received_on", "today or in the past"),
    ({"received_on": "2025-02-30"}, "received_on", "Enter the date it was received"),
    ({"received_on": date(1900, 1, 1)}, "received_on", "1990 or later"),
    ({"note": "<script>alert(1)</script>"}, "note", "must be plain text"),
    ({"note": "x" * 2001}, "note", "2,000 characters or fewer"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_stored(session, people, changes, field, message):
    with pytest.raises(Invalid) as error:
        funding.record_funding(session, people["team"], valid(people, **changes))

    assert message in " ".join(error.value.fields[field])
    session.rollback()
    assert stored() == 0


def test_a_withdrawn_solution_is_refused(session, people):
    solution = factories.create_solution(title="Retired sensor")
    solution.withdrawn_at = factories.utcnow()
    session.commit()

    with pytest.raises(Invalid) as error:
        funding.record_funding(session, people["team"], valid(people, solution_id=solution.id))

    assert error.value.fields == {
        "solution_id": ["That solution has been withdrawn: choose another"]
    }
    session.rollback()
    assert stored() == 0


@pytest.mark.parametrize("who", ["partner", "supplier"])
def test_only_the_team_records_funding(session, people, who):
    with pytest.raises(Forbidden, match="Only the innovation team"):
        funding.record_funding(session, people[who], valid(people))

    session.rollback()
    assert stored() == 0


# --- pages ---------------------------------------------------------------------------------


def _client(app, user):
    return sign_in(app.test_client(), user.email)


def _form(people, **changes) -> dict:
    form = {
        "solution_id": str(people["solution_id"]),
        "fellow_id": "",
        "funder": "Riverside Hospitals Charity",
        "kind": "grant",
        "amount": "25,000",
        "received_on[day]": "3",
        "received_on[month]": "2",
        "received_on[year]": "2026",
        "note": "Match-funded: < £5k & 'quoted'",
    }
    form.update(changes)
    return form


def _post(client, data):
    page = client.get("/impact/funding/new")
    return client.post("/impact/funding/new", data={"csrf_token": csrf_from(page.text), **data})


def test_the_team_finds_the_solution_records_funding_and_partners_read_it_escaped(app, people):
    team = _client(app, people["team"])

    empty = team.get("/impact/funding/new")
    found = team.get("/impact/funding/new?solution_q=sepsis")
    done = _post(team, _form(people, fellow_id=str(people["fellow_id"])))
    listed = _client(app, people["partner"]).get("/impact/funding")
    listed_for_team = team.get("/impact/funding")

    assert empty.status_code == 200 and found.status_code == 200
    assert _offered(empty.text) == [] and SEARCH_HINT in empty.text
    assert _offered(found.text) == [str(people["solution_id"])]
    assert "Samira Haddad (2026 cohort)" in empty.text
    assert done.status_code == 302 and done.headers["Location"].endswith("/impact/funding")
    assert listed.status_code == 200 and "£25,000" in listed.text
    assert "Match-funded: &lt; £5k &amp; &#39;quoted&#39;" in listed.text
    assert "A fellow of the 2026 cohort" in listed.text  # partners do not see the name
    assert "Samira Haddad" not in listed.text and "Samira Haddad" in listed_for_team.text
    assert "Record funding" not in listed.text and "Record funding" in listed_for_team.text
    with app.app_context():
        assert stored() == 1
        record = db.session.scalars(sa.select(FundingRecord)).one()
        assert (record.solution_id, record.fellow_id) == (
            people["solution_id"],
            people["fellow_id"],
        )


PAGE_BAD_INPUT = [
    ({"solution_id": ""}, "Choose the solution or the fellow"),
    ({"solution_id": "999999"}, "Choose a solution from the list"),
    ({"solution_id": "<script>"}, "Choose the solution or the fellow"),
    ({"solution_id": str(2**40)}, "Choose a solution from the list"),
    ({"fellow_id": "99999999999999"}, "Choose a fellow from the list"),
    ({"funder": ""}, "Enter the funder"),
    ({"funder": "<script>alert(1)</script>"}, "must not contain &lt; or &gt;"),
    ({"kind": ""}, "Choose the kind of funding"),
    ({"kind": "bribe"}, "Choose the kind of funding"),
    ({"amount": ""}, "Enter the amount in whole pounds"),
    ({"amount": "0"}, "from £1 to £1,000,000,000"),
    ({"amount": "-250"}, "from £1 to £1,000,000,000"),
    ({"amount": "1000000001"}, "from £1 to £1,000,000,000"),
    ({"amount": "12.50"}, "Enter the amount in whole pounds"),
    ({"amount": "ten pounds"}, "Enter the amount in whole pounds"),
    ({"received_on[year]": str(uk_today().year + 1)}, "today or in the past"),
    ({"received_on[day]": "31", "received_on[month]": "2"}, "must be a real date"),
    ({"received_on[day]": "", "received_on[month]": "", "received_on[year]": ""}, "Enter the date"),
    ({"note": "<script>alert(1)</script>"}, "must be plain text"),
]


@pytest.mark.parametrize(("changes", "message"), PAGE_BAD_INPUT)
def test_the_page_names_each_problem_and_stores_nothing(app, people, changes, message):
    response = _post(_client(app, people["team"]), _form(people, **changes))

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert "<script>alert(1)</script>" not in response.text
    with app.app_context():
        assert stored() == 0


def test_a_form_without_its_csrf_token_is_refused(app, people):
    response = _client(app, people["team"]).post("/impact/funding/new", data=_form(people))

    assert response.status_code in (400, 422)
    with app.app_context():
        assert stored() == 0


def test_pages_are_for_the_team_and_partners_only(app, people):
    partner, supplier = _client(app, people["partner"]), _client(app, people["supplier"])

    assert partner.get("/impact/funding/new").status_code == 403
    assert partner.post("/impact/funding/new", data=_form(people)).status_code in (400, 403)
    assert supplier.get("/impact/funding").status_code == 403
    assert app.test_client().get("/impact/funding").status_code == 302
    with app.app_context():
        assert stored() == 0


def test_the_list_filters_by_kind_and_ignores_unknown_kinds(app, people):
    with app.app_context():
        funding.record_funding(db.session, people["team"], valid(people))
        funding.record_funding(db.session, people["team"], valid(people, kind="contract"))
        db.session.commit()
    client = _client(app, people["partner"])

    contracts = client.get("/impact/funding?kind=contract")
    unknown = client.get("/impact/funding?kind=<script>&page=-4")

    assert contracts.text.count("Contract income</td>") == 1
    assert "2 funding records" in unknown.text and "<script>" not in unknown.text


# --- finding the solution on the page ----------------------------------------------------------

SEARCH_HINT = "Search for the solution by its name, its supplier or a word from its description"
RADIO = re.compile(
    r'<input class="nhsuk-radios__input" id="solution_id[^"]*" name="solution_id"'
    r' type="radio" value="(\d+)"( checked)?'
)


def _offered(html: str) -> list[str]:
    """The ids of the solutions the page offers as radios, in order."""
    return [value for value, _ in RADIO.findall(html)]


def _checked(html: str) -> list[str]:
    return [value for value, checked in RADIO.findall(html) if checked]


@pytest.fixture
def catalogue(session, people):
    """Solutions to search: one by a word of its title, one by its supplier's name only, one
    withdrawn and a draft (drafts may be funded, as a fellow's idea may be)."""
    supplier = factories.create_user(
        role=Role.INNOVATOR,
        organisation=factories.create_organisation(
            kind=OrganisationKind.SME, name="Brightwater Diagnostics"
        ),
    )
    ward = factories.create_solution(supplier, title="Ward deterioration scores")
    withdrawn = factories.create_solution(title="Sepsis screening kiosk")
    withdrawn.withdrawn_at = factories.utcnow()
    draft = factories.create_solution(status="draft", title="Sepsis pathway app")
    session.commit()
    return {"ward": ward.id, "withdrawn": withdrawn.id, "draft": draft.id}


def test_the_search_finds_a_solution_by_a_word_of_its_title_or_its_supplier(app, people, catalogue):
    team = _client(app, people["team"])

    by_title = team.get("/impact/funding/new?solution_q=Sepsis")
    by_supplier = team.get("/impact/funding/new?solution_q=brightwater")

    assert by_title.status_code == by_supplier.status_code == 200
    assert set(_offered(by_title.text)) == {str(people["solution_id"]), str(catalogue["draft"])}
    assert _offered(by_supplier.text) == [str(catalogue["ward"])]
    assert "Ward deterioration scores (Brightwater Diagnostics)" in by_supplier.text
    assert "2 solutions match “Sepsis”" in by_title.text
    assert _checked(by_title.text) == []  # nothing is chosen for the team


def test_a_withdrawn_solution_is_not_offered_nor_carried_as_the_chosen_one(app, people, catalogue):
    team = _client(app, people["team"])

    searched = team.get("/impact/funding/new?solution_q=kiosk")
    carried = team.get(f"/impact/funding/new?solution_id={catalogue['withdrawn']}")

    assert _offered(searched.text) == [] and "No solution matches “kiosk”" in searched.text
    assert "Sepsis screening kiosk" not in searched.text + carried.text
    assert _offered(carried.text) == []


def test_the_search_offers_the_best_matches_first_and_at_most_twenty(session, people):
    """A word in the title counts for more than the same word in the description."""
    in_descriptions = [
        factories.create_solution(status="draft", title=f"Ward tool {n}") for n in range(21)
    ]
    for solution in in_descriptions:
        solution.description = "Alerts for telemetry on the ward."
    in_title = factories.create_solution(status="draft", title="Telemetry hub")
    session.commit()

    found = funding.find_solutions(session, "telemetry")

    assert len(found.choices) == funding.SOLUTIONS_FOUND and found.more
    assert found.choices[0] == (in_title.id, f"Telemetry hub ({in_title.organisation.name})")
    assert funding.find_solutions(session, "telemetry hub").more is False


def test_an_empty_search_offers_nothing_but_the_hint(app, people):
    page = _client(app, people["team"]).get("/impact/funding/new?solution_q=+++")

    assert page.status_code == 200
    assert _offered(page.text) == [] and SEARCH_HINT in page.text
    assert "There is a problem" not in page.text and "No solution matches" not in page.text


HOSTILE_SEARCHES = [
    ("%", "Search for a word that describes what you are looking for"),
    ("_", "Search for a word that describes what you are looking for"),
    ("'\"", "Search for a word that describes what you are looking for"),
    ("%' OR 1=1 --", "No solution matches"),
    ("x" * 10_000, "Search for 200 characters or fewer"),
    ("<script>alert(1)</script>", "No solution matches"),
    ('sepsis\\* OR ("', "1 solution matches"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_SEARCHES)
def test_hostile_search_text_gets_a_clear_answer_never_an_error(app, people, text, message):
    response = _client(app, people["team"]).get(
        "/impact/funding/new", query_string={"solution_q": text}
    )

    assert response.status_code == 200
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    if message.startswith("Search for"):
        assert "There is a problem" in response.text and 'href="#solution_q"' in response.text
        assert _offered(response.text) == []


def test_a_search_keeps_the_solution_already_chosen(app, people, catalogue):
    """The search form carries the chosen one; it stays chosen beside the new results."""
    page = _client(app, people["team"]).get(
        f"/impact/funding/new?solution_q=brightwater&solution_id={people['solution_id']}"
    )

    assert _offered(page.text) == [str(people["solution_id"]), str(catalogue["ward"])]
    assert _checked(page.text) == [str(people["solution_id"])]
    assert f'type="hidden" name="solution_id" value="{people["solution_id"]}"' in page.text


def test_a_form_with_errors_keeps_the_chosen_solution_chosen(app, people, catalogue):
    team = _client(app, people["team"])

    response = _post(team, _form(people, amount="lots", solution_q="brightwater"))

    assert response.status_code == 422 and "There is a problem" in response.text
    assert _offered(response.text) == [str(people["solution_id"]), str(catalogue["ward"])]
    assert _checked(response.text) == [str(people["solution_id"])]
    assert 'name="solution_q" value="brightwater"' in response.text  # the search, carried on


@pytest.mark.parametrize("which", ["withdrawn", "missing"])
def test_posting_a_withdrawn_or_missing_solution_is_refused_and_stores_nothing(
    app, people, catalogue, which
):
    solution_id = catalogue["withdrawn"] if which == "withdrawn" else 999_999
    message = {
        "withdrawn": "That solution has been withdrawn: choose another",
        "missing": "Choose a solution from the list",
    }[which]

    response = _post(
        _client(app, people["team"]), _form(people, solution_id=str(solution_id), solution_q="")
    )

    assert response.status_code == 422
    assert response.text.count(message) == 2  # in the summary, and by the search box
    assert 'href="#solution_q"' in response.text  # nothing to choose from: the search box
    assert _offered(response.text) == [] and "Sepsis screening kiosk" not in response.text
    with app.app_context():
        assert stored() == 0


def test_a_refusal_with_results_shown_points_at_the_radios(app, people, catalogue):
    response = _post(
        _client(app, people["team"]),
        _form(people, solution_id=str(catalogue["withdrawn"]), solution_q="sepsis"),
    )

    assert response.status_code == 422
    assert 'href="#solution_id"' in response.text
    assert 'id="solution_id-error"' in response.text and _checked(response.text) == []
    with app.app_context():
        assert stored() == 0


def test_not_for_a_solution_stays_chosen_on_a_form_with_errors(app, people):
    response = _post(
        _client(app, people["team"]),
        _form(people, solution_id="", solution_q="sepsis", fellow_id="", funder=""),
    )

    assert response.status_code == 422
    assert re.search(
        r'id="solution_id-none" name="solution_id" type="radio" value="" checked', response.text
    )


def test_the_picker_is_labelled(app, people):
    page = _client(app, people["team"]).get("/impact/funding/new?solution_q=sepsis").text

    assert '<label class="nhsuk-label" for="solution_q">Find the solution</label>' in page
    assert 'aria-describedby="solution_q-hint"' in page
    legend = re.search(r"<legend[^>]*>\s*Choose the solution\s*</legend>", page)
    assert legend and page.index("<fieldset") < legend.start()


# --- API -----------------------------------------------------------------------------------


def _api(app, user):
    with app.app_context():
        secret = factories.create_token(db.session.merge(user))
    return app.test_client(), {"Authorization": f"Bearer {secret}"}


def _json(people, **changes) -> dict:
    body = {
        "solution_id": people["solution_id"],
        "funder": "Angel investors",
        "kind": "investment",
        "amount": 400_000,
        "received_on": "2026-01-15",
    }
    body.update(_resolved(changes))
    return {k: v for k, v in body.items() if v is not ...}


def test_the_api_records_and_lists_funding(app, people):
    client, headers = _api(app, people["team"])
    partner, partner_headers = _api(app, people["partner"])

    created = client.post("/api/v1/funding", json=_json(people), headers=headers)
    listed = partner.get("/api/v1/funding?kind=investment", headers=partner_headers)

    assert created.status_code == 201, created.json
    assert created.json["amount"] == 400_000 and created.json["kind"] == "investment"
    assert listed.status_code == 200 and listed.json["total"] == 1
    assert listed.json["items"][0]["solution_title"] == "Sepsis alerting"
    assert "recorded_by_id" not in listed.json["items"][0]


def test_the_api_refuses_a_withdrawn_solution(app, people):
    with app.app_context():
        solution = factories.create_solution(title="Retired sensor")
        solution.withdrawn_at = factories.utcnow()
        db.session.commit()
        solution_id = solution.id
    client, headers = _api(app, people["team"])

    response = client.post(
        "/api/v1/funding", json=_json(people, solution_id=solution_id), headers=headers
    )

    assert response.status_code == 422
    assert response.json["error"]["fields"]["solution_id"] == [
        "That solution has been withdrawn: choose another"
    ]
    with app.app_context():
        assert stored() == 0


API_BAD_INPUT = [
    ({"funder": ...}, "funder"),
    ({"kind": ...}, "kind"),
    ({"amount": ...}, "amount"),
    ({"received_on": ...}, "received_on"),
    ({"solution_id": "1"}, "solution_id"),
    ({"solution_id": 2**40}, "solution_id"),
    ({"solution_id": 0}, "solution_id"),
    ({"solution_id": 999_999}, "solution_id"),
    ({"solution_id": None}, "solution_id"),
    ({"fellow_id": 1.5}, "fellow_id"),
    ({"fellow_id": 999_999}, "fellow_id"),
    ({"funder": 42}, "funder"),
    ({"funder": "<b>Bold</b>"}, "funder"),
    ({"kind": "bribe"}, "kind"),
    ({"kind": ["grant"]}, "kind"),
    ({"amount": 0}, "amount"),
    ({"amount": -1}, "amount"),
    ({"amount": 1_000_000_001}, "amount"),
    ({"amount": 2**70}, "amount"),
    ({"amount": 1.5}, "amount"),
    ({"amount": "many"}, "amount"),
    ({"amount": True}, "amount"),
    ({"amount": {"pounds": 5}}, "amount"),
    ({"received_on": lambda: tomorrow().isoformat()}, "received_on"),
    ({"received_on": "yesterday"}, "received_on"),
    ({"received_on": 20250101}, "received_on"),
    ({"note": "<script>alert(1)</script>"}, "note"),
    ({"note": 7}, "note"),
]


@pytest.mark.parametrize(("changes", "field"), API_BAD_INPUT)
def test_the_api_refuses_bad_input_and_stores_nothing(app, people, changes, field):
    client, headers = _api(app, people["team"])

    response = client.post("/api/v1/funding", json=_json(people, **changes), headers=headers)

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    with app.app_context():
        assert stored() == 0


def test_the_api_refuses_a_body_that_is_not_an_object(app, people):
    client, headers = _api(app, people["team"])

    responses = [
        client.post("/api/v1/funding", json=[_json(people)], headers=headers),
        client.post("/api/v1/funding", data="amount=5", headers=headers),
    ]

    assert all(r.status_code in (400, 415, 422) for r in responses)
    with app.app_context():
        assert stored() == 0


def test_the_api_is_for_the_team_to_record_and_partners_to_read(app, people):
    partner, headers = _api(app, people["partner"])
    supplier, supplier_headers = _api(app, people["supplier"])

    refused = partner.post("/api/v1/funding", json=_json(people), headers=headers)
    unread = supplier.get("/api/v1/funding", headers=supplier_headers)
    anonymous = app.test_client().post("/api/v1/funding", json=_json(people))

    assert refused.status_code == 403 and "innovation team" in refused.json["error"]["message"]
    assert unread.status_code == 403
    assert anonymous.status_code == 401
    with app.app_context():
        assert stored() == 0


def test_a_draft_solutions_title_is_shown_only_to_those_who_may_view_it(app, people):
    """Funding may be recorded against a draft (a fellow's idea, say); its title stays with its
    organisation and the team, on the page and in the API, as everywhere else."""
    with app.app_context():
        owner = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        )
        draft = factories.create_solution(owner, status="draft", title="Stealth wearable")
        funding.record_funding(
            db.session, db.session.merge(people["team"]), valid(people, solution_id=draft.id)
        )
        db.session.commit()
        db.session.remove()

    partner_page = _client(app, people["partner"]).get("/impact/funding").text
    team_page = _client(app, people["team"]).get("/impact/funding").text
    titles = {}
    for who, user in (("partner", people["partner"]), ("team", people["team"])):
        client, headers = _api(app, user)
        items = client.get("/api/v1/funding", headers=headers).json["items"]
        titles[who] = [item["solution_title"] for item in items]

    assert "Stealth wearable" not in partner_page and funding.UNPUBLISHED in partner_page
    assert "Stealth wearable" in team_page
    assert titles == {"partner": [funding.UNPUBLISHED], "team": ["Stealth wearable"]}


def test_the_lists_responsive_headings_are_hidden_from_screen_readers(app, people):
    """The column headers already name each cell; the headings shown on narrow screens would
    be read twice."""
    with app.app_context():
        funding.record_funding(db.session, db.session.merge(people["team"]), valid(people))
        db.session.commit()
        db.session.remove()

    page = _client(app, people["partner"]).get("/impact/funding").text

    assert page.count('<span class="nhsuk-table-responsive__heading" aria-hidden="true">') == 6
    assert '<span class="nhsuk-table-responsive__heading">' not in page
