"""Full-text search, through the pages and the API, on whichever database the suite runs on."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from challenges.models import Theme
from marketplace.accounts.models import Organisation, OrganisationKind, Role
from marketplace.extensions import db
from marketplace.search import index
from marketplace.search.engine import highlights, matching
from marketplace.search.models import SearchEntry
from marketplace.search.query import MAX_LENGTH, SearchQuery
from marketplace.solutions.models import Solution
from tests import factories

HOSTILE = [
    "%",
    "_",
    "\\",
    "100%_sure\\",
    "'; DROP TABLE solutions; --",
    '"unbalanced',
    "NEAR(fall sensor, 2)",
    "fall OR sensor NOT x",
    "fall* sen:* & ! | <-> (",
    "title:fall",
    "^fall",
    "x" * 10_000,
    "",
    "   ",
]
LISTINGS = ["/catalogue", "/solutions", "/challenges", "/testbeds"]
API_LISTINGS = ["/api/v1/solutions", "/api/v1/challenges", "/api/v1/testbeds", "/api/v1/catalogue"]


def _found(session, kind: str, text: str) -> list[int]:
    hits = matching(session, kind, SearchQuery.parse(text))
    return list(session.scalars(sa.select(hits.c.ref_id).order_by(hits.c.score.desc())))


def _supplier(name: str):
    organisation = factories.create_organisation(name=name, kind=OrganisationKind.SME)
    return factories.create_user(role=Role.INNOVATOR, organisation=organisation)


@pytest.fixture
def products(session):
    night = factories.create_solution(
        _supplier("Open Ledger Health"),
        title="Night sensor",
        summary="Calls for help when someone has a fall at home.",
        description="A radar in the bedroom.",
        audience="People living alone.",
    )
    rota = factories.create_solution(
        _supplier("Rostering Ltd"),
        title="Rota planner",
        summary="Plans ward shifts.",
        description="Fills gaps in the rota.",
        audience="Ward managers.",
    )
    return night, rota


def test_words_are_found_by_their_stem_prefix_supplier_and_theme(session, products):
    night, rota = products
    [frailty] = factories.theme_ids("Frailty")
    session.execute(sa.delete(SearchEntry).where(SearchEntry.kind == "solution"))
    rota_only = session.get(Solution, rota.id)
    rota_only.themes = [session.get(Theme, frailty)]
    session.get(Solution, night.id).themes = []
    session.commit()
    index.refresh(session.connection(), index.SOURCES["solution"], [night.id, rota.id])

    assert _found(session, "solution", "falls") == [night.id]  # "fall" in the summary
    assert _found(session, "solution", "Ledger") == [night.id]  # the supplier's name
    assert _found(session, "solution", "open ledger") == [night.id]
    assert _found(session, "solution", "frail") == [rota.id]  # the Frailty theme, by prefix
    assert _found(session, "solution", "planning") == [rota.id]  # "plans" and "planner"
    assert _found(session, "solution", "zebra") == []


def test_a_title_word_ranks_above_the_same_word_in_the_body(session):
    body = factories.create_solution(title="Ward helper", summary="Works with any sensor.")
    title = factories.create_solution(title="Sensor mat", summary="Lies under the mattress.")

    assert _found(session, "solution", "sensor")[:2] == [title.id, body.id]


def test_entries_follow_edits_renames_and_rollbacks(session, products):
    night, _rota = products
    from marketplace.solutions import services

    services.save_section(
        session,
        night.created_by,
        night.id,
        "overview",
        {**factories.COMPLETE_SOLUTION["overview"], "title": "Bedside beacon", "summary": "x"},
    )
    assert _found(session, "solution", "beacon") == [night.id]  # the same transaction sees it
    session.commit()
    assert _found(session, "solution", "beacon") == [night.id]

    supplier = session.get(Organisation, night.organisation_id)
    supplier.name = "Quillfeather Digital"
    session.commit()
    assert _found(session, "solution", "quillfeather") == [night.id]
    assert _found(session, "solution", "ledger") == []

    theme = session.get(Theme, factories.theme_ids("Patient safety")[0])
    theme.name = "Harm prevention"
    session.commit()
    assert set(_found(session, "solution", "harm prevention")) == set(products_ids(products))

    session.get(Solution, night.id).title = "Lantern"
    session.flush()
    assert _found(session, "solution", "lantern") == [night.id]
    session.rollback()
    assert _found(session, "solution", "lantern") == []
    assert _found(session, "solution", "beacon") == [night.id]


def products_ids(products) -> list[int]:
    return [p.id for p in products]


def test_rebuild_restores_entries_changed_behind_the_sessions_back(app, session, products):
    night, _rota = products
    session.execute(sa.update(Solution).where(Solution.id == night.id).values(title="Moonbeam"))
    session.commit()
    assert _found(session, "solution", "moonbeam") == []  # bulk SQL is not followed

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "solution: 2 records searchable" in result.output
    assert _found(session, "solution", "moonbeam") == [night.id]


def test_highlights_mark_the_words_and_escape_everything_else(session):
    risky = factories.create_solution(
        title='Mum & Dad\'s "sensor" kit',
        summary="Rings.",
        description="Rings when the sensor reads < 2 m.",
    )

    [marked] = highlights(session, "solution", SearchQuery.parse("sensor"), [risky.id]).values()

    assert str(marked.title) == "Mum &amp; Dad&#39;s &#34;<mark>sensor</mark>&#34; kit"
    assert "<mark>sensor</mark> reads &lt; 2 m" in marked.passage


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_searches_are_safe_on_every_listing(app, signed_in, products, text):
    client = signed_in(Role.SERVICE_LEAD)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))

    for path in LISTINGS:
        response = client.get(path, query_string={"q": text})
        assert response.status_code == 200, (path, response.status_code)
        if len(text) > MAX_LENGTH:
            assert f"Search for {MAX_LENGTH} characters or fewer" in response.text
        elif text.strip() and not SearchQuery.parse(text).words:
            assert "Search for a word that describes what you are looking for" in response.text

    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry)) == before


@pytest.mark.parametrize("text", ["%", "x" * 10_000, "the"])
def test_the_api_refuses_a_search_with_nothing_to_search_for(api_client, products, text):
    client, headers = api_client(Role.SERVICE_LEAD)

    for path in API_LISTINGS:
        response = client.get(path, query_string={"q": text}, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json["error"]["fields"]["q"], (path, response.json)


def test_pages_find_stems_suppliers_and_mark_them(signed_in, client, products):
    lead = signed_in(Role.SERVICE_LEAD)

    catalogue = client.get("/catalogue?q=falls").text
    solutions = lead.get("/solutions?q=ledger").text

    assert "<mark>fall</mark>" in catalogue and "Rota planner" not in catalogue
    assert "Night sensor" in solutions and "Rota planner" not in solutions


def test_the_dps_register_finds_a_supplier_by_name(app, client, session):
    system, _officer = factories.create_system()
    category = system.categories[0]
    first, second = (factories.admitted_supplier(system) for _ in range(2))
    first_name, second_name = (u.active_memberships[0].organisation.name for u in (first, second))
    number = first_name.rsplit(" ", 1)[-1]

    page = client.get(f"/dps/categories/{category.id}", query_string={"q": number}).text
    everyone = client.get(f"/dps/categories/{category.id}").text

    assert f"<mark>{number}</mark>" in page and second_name not in page
    assert first_name in everyone and second_name in everyone


def test_the_dps_register_api_pages_and_searches_the_same_way(app, client, session):
    system, _officer = factories.create_system()
    category = system.categories[0]
    suppliers = [factories.admitted_supplier(system) for _ in range(3)]
    names = sorted(u.active_memberships[0].organisation.name for u in suppliers)
    number = names[1].rsplit(" ", 1)[-1]
    url = f"/api/v1/dps/categories/{category.id}/register"

    first = client.get(url, query_string={"per_page": 2}).json
    second = client.get(url, query_string={"per_page": 2, "page": 2}).json
    found = client.get(url, query_string={"q": number}).json
    hostile = client.get(url, query_string={"q": "%_\\ ' \" OR NEAR("})
    no_words = client.get(url, query_string={"q": "%_\\"})
    too_long = client.get(url, query_string={"q": "x" * 10_000})

    assert [e["supplier"]["name"] for e in first["items"] + second["items"]] == names
    assert (first["total"], first["pages"]) == (3, 2)
    assert [e["supplier"]["name"] for e in found["items"]] == [names[1]]
    assert hostile.status_code == 200 and hostile.json["items"] == []
    assert no_words.status_code == 422 and "word" in no_words.json["error"]["fields"]["q"][0]
    assert too_long.status_code == 422 and "q" in too_long.json["error"]["fields"]


def test_search_results_page_and_count_past_the_last_page(session):
    from marketplace.solutions import queries

    for n in range(23):
        factories.create_solution(title=f"Sensor kit {n:02d}")
    search = queries.SolutionFilters(text="sensor kit")

    first, second, beyond = (queries.published(session, search, page) for page in (1, 2, 9))

    assert (first.page.total, second.page.total, beyond.page.total) == (23, 23, 23)
    assert len(first.page.items) == 20 and len(second.page.items) == 3 and beyond.page.items == []
    titles = [s.title for s in first.page.items + second.page.items]
    assert sorted(titles) == [f"Sensor kit {n:02d}" for n in range(23)]
