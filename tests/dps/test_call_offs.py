"""Call-offs through the services: who is invited, sealed bids, clarifications without names,
weighted scoring, and exactly one award, even when two officers race."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import Role, User
from marketplace.db import uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.models import Notification
from procurement.dps import call_offs, queries, services
from procurement.dps.models import Application, Award, Bid, CallOff
from tests import factories


def _close(session, call_off):
    """Time passes: the closing moment is behind us."""
    call_off.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()


@pytest.fixture
def competition(session):
    system, _ = factories.create_system()
    first = factories.admitted_supplier(system)
    second = factories.admitted_supplier(system)
    lapsed = factories.admitted_supplier(
        system, cyber_essentials_expiry=(uk_today() + timedelta(days=1)).isoformat()
    )
    # Its Cyber Essentials lapses before the call-off is published.
    application = session.scalars(sa.select(Application).order_by(Application.id)).all()[-1]
    application.answers = {**application.answers, "cyber_essentials_expiry": "2020-01-01"}
    session.commit()
    call_off, buyer = factories.create_call_off(system)
    return call_off, buyer, first, second, lapsed, system


def _org(user) -> int:
    return user.active_memberships[0].organisation_id


def test_every_admitted_supplier_with_current_assurance_is_invited(session, competition):
    call_off, _, first, second, lapsed, _ = competition

    invited = {i.organisation_id for i in call_off.invitations}

    assert invited == {_org(first), _org(second)}
    told = session.scalars(
        sa.select(Notification.user_id).where(Notification.message.like("%invited to bid%"))
    ).all()
    assert first.id in told and lapsed.id not in told


def test_the_closing_date_respects_the_regimes_minimum(session):
    system, _ = factories.create_system()

    with pytest.raises(Invalid) as error:
        factories.create_call_off(
            system, closes_on=uk_today() + timedelta(days=9), criteria=[("Quality", 90)]
        )

    assert "at least 10 days" in error.value.fields["closes_on"][0]
    assert "add up to 100" in error.value.fields["criteria"][0]
    assert session.scalar(sa.select(sa.func.count()).select_from(CallOff)) == 0


def test_bids_are_sealed_until_closing_and_frozen_after(session, competition):
    call_off, buyer, first, second, lapsed, system = competition
    call_offs.submit_bid(session, first, call_off.id, "120000", "Our home monitoring service")
    call_offs.submit_bid(session, first, call_off.id, "110,000", "A better price")  # replaces
    late_admitted = factories.admitted_supplier(system)  # admitted after publication
    call_offs.submit_bid(session, late_admitted, call_off.id, 150000, "We can do it too")

    with pytest.raises(InvalidTransition, match="sealed"):
        call_offs.sealed_bids(session, buyer, call_off.id)
    with pytest.raises(Forbidden, match="current assurance"):
        call_offs.submit_bid(session, lapsed, call_off.id, 1, "Cheap")
    _close(session, call_off)
    with pytest.raises(InvalidTransition, match="closed"):
        call_offs.submit_bid(session, second, call_off.id, 90000, "Too late")

    bids = call_offs.sealed_bids(session, buyer, call_off.id)
    assert sorted(b.price for b in bids) == [110000, 150000]


def test_a_supplier_cannot_see_another_call_off_or_act_as_the_buyer(session, competition):
    call_off, _, first, *_ = competition
    outsider = factories.create_user(role=Role.INNOVATOR)
    bid = call_offs.submit_bid(session, first, call_off.id, 1000, "Bid")
    _close(session, call_off)

    with pytest.raises(NotFound):
        call_offs.visible(session, outsider, call_off.id)
    with pytest.raises(NotFound):
        call_offs.submit_bid(session, outsider, call_off.id, 1, "Hello")
    with pytest.raises(NotFound):  # a bidder cannot even learn that a bid exists
        call_offs.score(session, first, bid.id, call_off.criteria[0].id, 10)
    with pytest.raises(Forbidden):
        call_offs.sealed_bids(session, first, call_off.id)


def test_clarifications_are_published_without_saying_who_asked(session, competition):
    call_off, buyer, first, second, *_ = competition
    question = call_offs.ask(session, first, call_off.id, "Is integration with EMIS needed?")

    with pytest.raises(Forbidden):
        call_offs.answer(session, first, question.id, "I would like it to be")
    call_offs.answer(session, buyer, question.id, "Yes, through GP Connect.")

    told = session.scalars(
        sa.select(Notification.message).where(Notification.user_id == second.id)
    ).all()
    assert any("clarification was published" in m for m in told)
    asker = first.active_memberships[0].organisation.name
    assert told and all(asker not in m and first.name not in m for m in told)


def test_scoring_and_the_award_to_the_best_weighted_score(session, competition):
    call_off, buyer, first, second, *_ = competition
    cheap = call_offs.submit_bid(session, first, call_off.id, 100000, "Good")
    strong = call_offs.submit_bid(session, second, call_off.id, 140000, "Excellent")
    _close(session, call_off)
    quality, price, social = call_off.criteria

    with pytest.raises(InvalidTransition, match="Score every criterion"):
        call_offs.award(session, buyer, call_off.id, 140000)
    with pytest.raises(Invalid):
        call_offs.score(session, buyer, cheap.id, quality.id, 11)
    for bid, scores in ((cheap, (5, 10, 5)), (strong, (9, 6, 8))):
        for criterion, value in zip((quality, price, social), scores, strict=True):
            call_offs.score(session, buyer, bid.id, criterion.id, value)
    award = call_offs.award(session, buyer, call_off.id, 140000)

    assert award.bid_id == strong.id  # 0.6*9 + 0.3*6 + 0.1*8 = 8.0 against 6.5
    assert [r.total for r in call_offs.results(call_off)] == [80.0, 65.0]
    with pytest.raises(Conflict):
        call_offs.award(session, buyer, call_off.id, 1)
    losing = session.scalars(
        sa.select(Notification.message).where(Notification.user_id == first.id)
    ).all()
    assert any("was ranked 2 of 2" in m and "scored 65" in m for m in losing)
    assert "rank,supplier,price" in call_offs.results_csv(call_off)


def test_two_officers_awarding_at_once_leave_exactly_one_award(app, session, database_url):
    system, _ = factories.create_system()
    supplier = factories.admitted_supplier(system)
    call_off, buyer = factories.create_call_off(system, criteria=[("Quality", 100)])
    colleague = factories.create_user(
        role=Role.PROCUREMENT_OFFICER, organisation=call_off.buyer_organisation
    )
    bid = call_offs.submit_bid(session, supplier, call_off.id, 1000, "Bid")
    _close(session, call_off)
    call_offs.score(session, buyer, bid.id, call_off.criteria[0].id, 7)
    session.commit()
    call_off_id, officers = call_off.id, [buyer.id, colleague.id]

    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def race(user_id: int) -> None:
        with app.test_request_context(), Session(engine) as own:
            officer = own.get(User, user_id)
            assert call_offs.visible(own, officer, call_off_id).award is None  # both see none
            ready.wait(timeout=10)
            try:
                call_offs.award(own, officer, call_off_id, 1000)
                own.commit()
                outcomes.append("awarded")
            except Conflict:
                own.rollback()
                outcomes.append("conflict")
            except sa.exc.OperationalError:  # SQLite: the database was locked by the winner
                own.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=race, args=(i,)) for i in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.dispose()

    assert sorted(outcomes) == ["awarded", "conflict"]
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Award)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(Bid)) == 1


def test_renewed_assurance_restores_invitations(session, competition):
    *_, lapsed, system = competition
    application = session.scalars(
        sa.select(Application).where(Application.organisation_id == _org(lapsed))
    ).one()

    with pytest.raises(Invalid) as error:
        services.renew_assurance(
            session, lapsed, application.id, {"cyber_essentials_expiry": "2021-01-01"}
        )
    assert "cyber_essentials_expiry" in error.value.fields
    services.renew_assurance(
        session, lapsed, application.id, {"cyber_essentials_expiry": "2099-12-31"}
    )
    queue = queries.queue(session, system)
    later, _ = factories.create_call_off(system)

    assert _org(lapsed) in {i.organisation_id for i in later.invitations}
    assert queue.assurance == []


def test_absurd_amounts_and_ties_are_handled(session, competition):
    call_off, buyer, first, second, *_ = competition

    with pytest.raises(Invalid) as error:
        call_offs.submit_bid(session, first, call_off.id, 10**12, "Everything")
    assert "price" in error.value.fields
    for supplier in (first, second):
        call_offs.submit_bid(session, supplier, call_off.id, 5000, "Same price")
    _close(session, call_off)
    for bid in call_off.bids:
        for criterion in call_off.criteria:
            call_offs.score(session, buyer, bid.id, criterion.id, 7)
    award = call_offs.award(session, buyer, call_off.id, 5000)

    assert "Tied on score" in award.reasons and "earlier bid" in award.reasons
    assert award.bid_id == min(b.id for b in call_off.bids)


def test_an_empty_answer_is_refused_and_nothing_is_published(session, competition):
    call_off, buyer, first, *_ = competition
    question = call_offs.ask(session, first, call_off.id, "Is training included?")

    with pytest.raises(Invalid) as error:
        call_offs.answer(session, buyer, question.id, "   ")
    with pytest.raises(Invalid):
        call_offs.ask(session, first, call_off.id, "<b>bold</b>")

    assert "answer" in error.value.fields
    assert question.answer is None and len(call_off.clarifications) == 1
