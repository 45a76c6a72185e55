"""Adoption records, enquiries to suppliers, and the public catalogue with facets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from marketplace.errors import Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.solutions import adoption, catalogue
from marketplace.solutions.models import Adoption, Enquiry
from tests import factories
from tests.conftest import post_form

START = date(2026, 4, 1)


@pytest.fixture
def trust(app_context):
    return factories.create_organisation(name="Riverside Trust")


@pytest.fixture
def adopter(trust):
    return factories.create_user(
        role=Role.ADOPTER, organisation=trust, email="buyer@example.nhs.uk"
    )


@pytest.fixture
def product(app_context):
    return factories.create_solution(title="FallAlert")


def test_an_adopter_records_and_updates_use(session, adopter, trust, product):
    record = adoption.record_adoption(
        session, adopter, product.id, trust.id, "Ward 7", "piloting", START
    )
    adoption.update_adoption(session, adopter, record.id, "using", None)

    assert record.stage.value == "using"
    page = adoption.register(session, organisation_id=trust.id)
    assert [a.site for a in page.items] == ["Ward 7"]
    adoption.update_adoption(session, adopter, record.id, "stopped", START + timedelta(days=90))
    with pytest.raises(InvalidTransition):
        adoption.update_adoption(session, adopter, record.id, "using", None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"site": ""}, "site"),
        ({"site": "<b>Ward</b>"}, "site"),
        ({"stage": "dreaming"}, "stage"),
        ({"start_date": None}, "start_date"),
        ({"end_date": START - timedelta(days=1)}, "end_date"),
        ({"solution_id": 999999}, "solution_id"),
    ],
)
def test_bad_adoption_records_are_refused(session, adopter, trust, product, overrides, field):
    values = {
        "solution_id": product.id,
        "organisation_id": trust.id,
        "site": "Ward 7",
        "stage": "piloting",
        "start_date": START,
        "end_date": None,
        **overrides,
    }

    with pytest.raises(Invalid) as refused:
        adoption.record_adoption(session, adopter, **values)

    assert field in refused.value.fields
    assert factories.count(Adoption) == 0


def test_nobody_records_use_for_an_organisation_they_do_not_act_for(session, adopter, product):
    other_trust = factories.create_organisation()
    company = factories.create_organisation(kind=OrganisationKind.SME)
    innovator = factories.create_user(role=Role.INNOVATOR, organisation=company)

    for actor, organisation in ((adopter, other_trust), (innovator, company)):
        with pytest.raises(Invalid) as refused:
            adoption.record_adoption(
                session, actor, product.id, organisation.id, "Site", "using", START
            )
        assert "organisation_id" in refused.value.fields


def test_enquiries_are_sent_answered_once_and_private(session, adopter, trust, product):
    enquiry = adoption.send_enquiry(
        session, adopter, product.id, trust.id, "Could we pilot this on two wards in spring?"
    )
    supplier = product.created_by
    stranger = factories.create_user(role=Role.INNOVATOR)

    with pytest.raises(NotFound):
        adoption.answer_enquiry(session, stranger, enquiry.id, "Hello")
    with pytest.raises(Forbidden):
        adoption.answer_enquiry(session, adopter, enquiry.id, "Answering myself")
    with pytest.raises(Invalid):
        adoption.answer_enquiry(session, supplier, enquiry.id, "")
    adoption.answer_enquiry(session, supplier, enquiry.id, "Yes: we can start in March.")
    with pytest.raises(InvalidTransition):
        adoption.answer_enquiry(session, supplier, enquiry.id, "Again")

    received, _ = adoption.enquiries_for(session, supplier)
    _, sent = adoption.enquiries_for(session, adopter)
    assert received == sent == [enquiry]
    assert adoption.enquiries_for(session, stranger) == ([], [])


@pytest.mark.parametrize("message", ["", "m" * 3001, "<script>x</script>"])
def test_bad_enquiries_are_refused(session, adopter, trust, product, message):
    with pytest.raises(Invalid):
        adoption.send_enquiry(session, adopter, product.id, trust.id, message)
    assert factories.count(Enquiry) == 0


def test_only_market_ready_published_products_are_in_the_catalogue(session, product):
    factories.create_solution(title="Early idea", maturity="idea")
    factories.create_solution(title="Unfinished draft", status="complete")

    result = catalogue.search(session, catalogue.CatalogueFilters())

    assert [s.title for s in result.page.items] == ["FallAlert"]


def test_facets_count_what_the_other_filters_leave(session, adopter, trust, product):
    second = factories.create_solution(title="Rota helper")
    from marketplace.solutions import services

    services.save_section(
        session,
        second.created_by,
        second.id,
        "maturity",
        {
            **factories.COMPLETE_SOLUTION["maturity"],
            "theme_ids": factories.theme_ids("Workforce"),
            "care_settings": ["hospital"],
        },
    )
    adoption.record_adoption(session, adopter, product.id, trust.id, "Ward 7", "using", START)
    [workforce] = factories.theme_ids("Workforce")

    everything = catalogue.search(session, catalogue.CatalogueFilters())
    hospital = catalogue.search(
        session, catalogue.CatalogueFilters(chosen={"setting": frozenset({"hospital"})})
    )
    adopted = catalogue.search(
        session, catalogue.CatalogueFilters(chosen={"adopted": frozenset({"yes"})})
    )

    counts = {f.value: f.count for f in everything.facets["theme"]}
    assert counts[str(workforce)] == 1
    assert [s.title for s in hospital.page.items] == ["Rota helper"]
    settings = {f.value: f.count for f in hospital.facets["setting"]}
    assert settings["home"] == 1 and settings["hospital"] == 1  # own facet ignores itself
    assert [s.title for s in adopted.page.items] == ["FallAlert"]


def test_assurance_complete_needs_everything_in_date(session, product):
    assert catalogue.assured_ids(session, [product.id]) == {product.id}
    product.cyber_essentials_date = uk_today() - timedelta(days=400)
    product.cyber_essentials_expiry = uk_today() - timedelta(days=35)

    session.flush()
    assert catalogue.assured_ids(session, [product.id]) == set()


def test_the_catalogue_is_public_and_survives_odd_queries(client, product):
    assert "FallAlert" in client.get("/catalogue").text
    assert "FallAlert" in client.get(f"/catalogue/{product.id}").text
    for query in ("theme=abc", "setting=moon", "page=-4", "q=%25", "esf_tier=" + "x" * 500):
        assert client.get(f"/catalogue?{query}").status_code == 200


def test_compare_shows_up_to_four_listed_products(client, session):
    ids = [factories.create_solution(title=f"Product {n}").id for n in range(5)]
    idea = factories.create_solution(title="Not ready", maturity="idea")

    page = client.get("/catalogue/compare?" + "&".join(f"ids={i}" for i in [*ids, idea.id])).text

    assert page.count('<th scope="col" class="nhsuk-table__header"><a href') == 4
    assert "Only 4 at a time" in page
    assert "Not ready" not in page


def test_a_product_not_on_public_view_is_not_found(client, session):
    idea = factories.create_solution(title="Idea", maturity="idea")

    assert client.get(f"/catalogue/{idea.id}").status_code == 404


def test_express_interest_through_the_pages(app, client, session, adopter, trust, product):
    assert client.get(f"/solutions/{product.id}/enquire").status_code == 302  # sign in first
    buyer = factories.sign_in_as(app, adopter.email)

    empty = post_form(
        buyer, f"/solutions/{product.id}/enquire", {"organisation_id": str(trust.id), "message": ""}
    )
    sent = post_form(
        buyer,
        f"/solutions/{product.id}/enquire",
        {"organisation_id": str(trust.id), "message": "Two wards, from March?"},
    )

    assert empty.status_code == 422 and "Enter your message" in empty.text
    assert sent.status_code == 302
    supplier = factories.sign_in_as(app, product.created_by.email)
    assert "Two wards, from March?" in supplier.get("/enquiries").text


def test_recording_use_through_the_pages(app, session, adopter, trust, product):
    buyer = factories.sign_in_as(app, adopter.email)
    url = f"/solutions/{product.id}/adoptions/new"

    bad = post_form(
        buyer,
        url,
        {
            "organisation_id": str(trust.id),
            "site": "Ward 7",
            "stage": "piloting",
            "start_date[day]": "31",
            "start_date[month]": "2",
            "start_date[year]": "2026",
        },
    )
    good = post_form(
        buyer,
        url,
        {
            "organisation_id": str(trust.id),
            "site": "Ward 7",
            "stage": "piloting",
            "start_date[day]": "1",
            "start_date[month]": "3",
            "start_date[year]": "2026",
        },
    )

    assert bad.status_code == 422 and "must be a real date" in bad.text
    assert good.status_code == 302
    assert "Ward 7" in buyer.get("/adoptions").text
    assert "Riverside Trust" in buyer.get(f"/catalogue/{product.id}").text


def test_an_empty_answer_is_shown_beside_its_enquiry(app, session, adopter, trust, product):
    enquiry = adoption.send_enquiry(session, adopter, product.id, trust.id, "Price?")
    session.commit()
    supplier = factories.sign_in_as(app, product.created_by.email)

    page = post_form(
        supplier, f"/enquiries/{enquiry.id}/answer", {"answer": " "}, form_page="/enquiries"
    )

    assert page.status_code == 422
    assert f'href="#answer-{enquiry.id}"' in page.text
    session.expire_all()
    assert session.get(Enquiry, enquiry.id).answered_at is None


def test_the_register_filter_lists_every_adopting_organisation(app, session, product):
    for n in range(30):  # more records than fit on one page of the register
        trust = factories.create_organisation(name=f"Trust {n:02d}")
        buyer = factories.create_user(role=Role.ADOPTER, organisation=trust)
        adoption.record_adoption(session, buyer, product.id, trust.id, "Site", "using", START)
    session.commit()
    viewer = factories.sign_in_as(app, buyer.email)

    page = viewer.get("/adoptions").text

    assert 'value="' + str(trust.id) + '"' in page
    assert "Trust 00" in page and "Trust 29" in page
