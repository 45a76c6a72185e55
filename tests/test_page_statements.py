"""Listings cost the same number of SQL statements however many records there are: each page
is counted with a few records of every kind, then again with three times as many."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.solutions import adoption
from tests import factories

PAGES = [
    "/catalogue",
    "/catalogue?q=sensor&setting=home&assurance=complete&adopted=yes&esf_tier=b",
    "/solutions?q=sensor",
    "/solutions?maturity=market_ready",
    "/challenges?q=waiting",
    "/challenges?status=all&sort=newest",
    "/testbeds?q=fall",
    "/testbeds",
]
API = [
    "/api/v1/solutions?q=sensor",
    "/api/v1/challenges?status=all",
    "/api/v1/catalogue?q=sensor&setting=home",
    "/api/v1/testbeds?q=fall",
]


@contextmanager
def counting(app):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _add_records(app, ids: dict[str, int], times: int) -> None:
    from marketplace.accounts.models import User
    from procurement.dps.models import PurchasingSystem

    with app.app_context():
        system = db.session.get(PurchasingSystem, ids["system"])
        adopter = db.session.get(User, ids["adopter"])
        for _ in range(times):
            product = factories.create_solution()
            factories.create_solution(maturity="prototype", title="Ward sensor prototype")
            factories.create_challenge(status="open")
            factories.create_agreement(status="negotiation")
            factories.create_listing(system)
            factories.admitted_supplier(system)
            adoption.record_adoption(
                db.session, adopter, product.id, ids["trust"], "Ward 3", "using", date(2026, 1, 5)
            )
            db.session.commit()
        db.session.remove()


def _statements(client, paths, headers=None) -> dict[str, int]:
    counts = {}
    for path in paths:
        with counting(client.application) as statements:
            response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(statements)
    return counts


def test_statements_per_page_do_not_grow_with_the_rows(app, signed_in, api_client):
    with app.app_context():
        system, _officer = factories.create_system()
        trust = factories.create_organisation()
        adopter = factories.create_user(role=Role.ADOPTER, organisation=trust)
        register = f"/dps/categories/{system.categories[0].id}"
        ids = {"system": system.id, "adopter": adopter.id, "trust": trust.id}
        db.session.remove()
    pages = [*PAGES, register, f"{register}?q=organisation"]
    lead = signed_in(Role.SERVICE_LEAD)
    machine, headers = api_client(Role.SERVICE_LEAD)
    _add_records(app, ids, times=1)
    _statements(lead, pages)  # the first request of a client loads what it keeps
    _statements(machine, API, headers)

    few = _statements(lead, pages) | _statements(machine, API, headers)
    _add_records(app, ids, times=3)
    many = _statements(lead, pages) | _statements(machine, API, headers)

    assert many == few
