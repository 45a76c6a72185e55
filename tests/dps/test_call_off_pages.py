"""A call-off through the pages: published by a buyer, bid for by an admitted supplier, scored
and awarded after closing, with results as CSV."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from procurement.dps.models import Award, CallOff
from tests import factories
from tests.conftest import csrf_from, sign_in


def test_publish_bid_score_and_award_through_the_pages(app):
    with app.app_context():
        system, _ = factories.create_system()
        supplier = factories.admitted_supplier(system)
        buyer = factories.create_user(role=Role.PROCUREMENT_OFFICER)
        ids = {
            "category": system.categories[0].id,
            "buyer_org": buyer.active_memberships[0].organisation_id,
            "buyer": buyer.email,
            "supplier": supplier.email,
        }
    officer = sign_in(app.test_client(), ids["buyer"])
    closes = uk_today() + timedelta(days=12)
    form = officer.get("/dps/call-offs/new")
    too_soon = officer.post(
        "/dps/call-offs/new",
        data={
            "csrf_token": csrf_from(form.text),
            "category_id": ids["category"],
            "buyer_organisation_id": ids["buyer_org"],
            "title": "Heart failure monitoring",
            "requirement": "Home monitoring for 400 people.",
            "closes_on[day]": uk_today().day,
            "closes_on[month]": uk_today().month,
            "closes_on[year]": uk_today().year,
            "criteria": "Quality: 70\nPrice: 30",
        },
    )
    published = officer.post(
        "/dps/call-offs/new",
        data={
            "csrf_token": csrf_from(form.text),
            "category_id": ids["category"],
            "buyer_organisation_id": ids["buyer_org"],
            "title": "Heart failure monitoring",
            "requirement": "Home monitoring for 400 people.",
            "closes_on[day]": closes.day,
            "closes_on[month]": closes.month,
            "closes_on[year]": closes.year,
            "criteria": "Quality: 70\nPrice: 30",
        },
    )
    url = published.location
    bidder = sign_in(app.test_client(), ids["supplier"])
    page = bidder.get(url)
    bid = bidder.post(
        url + "/bid",
        data={"csrf_token": csrf_from(page.text), "price": "98,000", "proposal": "Our service"},
    )
    sealed = officer.get(url)
    with app.app_context():
        call_off = db.session.scalar(sa.select(CallOff))
        call_off.closes_at = utcnow() - timedelta(minutes=1)  # time passes
        criteria = [c.id for c in call_off.criteria]
        bid_id = call_off.bids[0].id
        db.session.commit()
    token = csrf_from(officer.get(url).text)
    scored = officer.post(
        f"/dps/call-offs/bids/{bid_id}/scores",
        data={
            "csrf_token": token,
            f"criterion-{criteria[0]}": "8",
            f"criterion-{criteria[1]}": "9",
        },
    )
    awarded = officer.post(url + "/award", data={"csrf_token": token, "contract_value": "98000"})
    results = officer.get(url + "/results.csv")

    assert too_soon.status_code == 422 and "at least 10 days" in too_soon.text
    assert published.status_code == 302
    assert "Submit sealed bid" in page.text and bid.status_code == 302
    assert sealed.status_code == 200 and "Heart failure monitoring" in sealed.text
    assert "Our service" not in sealed.text and "98,000" not in sealed.text  # sealed
    assert scored.status_code == 302 and awarded.status_code == 302
    assert "yes" in results.text.splitlines()[1] and "83" in results.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 1
