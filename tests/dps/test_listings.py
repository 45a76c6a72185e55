"""Listings: only admitted suppliers, only products that are market-ready or have passed a
test bed, shown with that evidence in the category and the catalogue."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid
from procurement.dps import queries, services
from procurement.dps.models import Listing
from procurement.testbeds import services as testbeds
from tests import factories


def _list(session, supplier, system, solution):
    return services.list_product(
        session, supplier, system.categories[0].id, solution.id, "£1", "12 months", "Office hours"
    )


def test_an_admitted_supplier_lists_a_market_ready_product_once(session):
    system, _ = factories.create_system()
    listing = factories.create_listing(system)
    supplier = listing.solution.created_by

    with pytest.raises(Conflict, match="already listed"):
        _list(session, supplier, system, listing.solution)
    [shown] = queries.listings(session, system.categories[0])
    assert shown.listing.id == listing.id and shown.evidence == []


def test_a_supplier_not_admitted_cannot_list(session):
    system, _ = factories.create_system()
    _application, supplier = factories.create_application(system)  # applied, not yet admitted
    solution = factories.create_solution(supplier)

    with pytest.raises(Forbidden, match="not admitted"):
        _list(session, supplier, system, solution)
    assert session.scalar(sa.select(sa.func.count()).select_from(Listing)) == 0


def test_the_evidence_gate(session):
    """A prototype cannot be listed until a test bed of it is evaluated as met."""
    agreement, lead, innovator = factories.create_agreement("evaluation")
    system, officer = factories.create_system()
    application, _ = factories.create_application(system, innovator)
    services.decide(session, officer, application.id, "admit")
    solution = agreement.solution
    solution.maturity = None  # a prototype with no stated maturity at all
    session.flush()

    with pytest.raises(Invalid) as error:
        _list(session, innovator, system, solution)
    testbeds.record_actual(session, lead, agreement.measures[0].id, "9")
    testbeds.complete(session, lead, agreement.id, "met", "Met every target")
    listing = _list(session, innovator, system, solution)

    assert "evaluated as met" in error.value.fields["solution_id"][0]
    [shown] = queries.listings(session, system.categories[0])
    assert shown.listing.id == listing.id and shown.evidence == [agreement]


def test_the_catalogue_shows_dps_listings(app, client):
    with app.app_context():
        system, _ = factories.create_system()
        listing = factories.create_listing(system)
        solution_id, category = listing.solution_id, system.categories[0].name

    page = client.get(f"/catalogue/{solution_id}")

    assert page.status_code == 200
    assert "purchasing system" in page.text and category in page.text
