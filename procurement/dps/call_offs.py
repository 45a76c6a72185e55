"""Call-off competitions: a buyer's requirement in one category, open to every supplier admitted
to it, with sealed bids, published clarifications, scores per weighted criterion and one award.

Policy check → state guard → change → audit; they flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, User
from marketplace.csv_export import csv_text
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.services import members_with_roles, notify
from marketplace.validation import FieldErrors, clean_line, clean_text
from procurement.dps import queries
from procurement.dps.models import (
    Award,
    AwardCriterion,
    Bid,
    CallOff,
    Category,
    Clarification,
    Invitation,
    Score,
)

BUYING_KINDS = {"nhs_trust", "icb"}
CLOSING_TIME = time(12, 0)  # noon UTC on the closing date
MAX_POUNDS = 2_000_000_000  # amounts are stored as 32-bit whole pounds


def publish(
    session: Session,
    actor: User,
    category_id,
    buyer_organisation_id,
    title,
    requirement,
    closes_on,
    criteria: list[tuple[str, int]],
) -> CallOff:
    """Publish and invite, at once, every supplier admitted to the category whose assurance
    is current. The closing date is no earlier than the regime allows."""
    if buyer_organisation_id is None:
        raise Invalid({"buyer_organisation_id": "Choose the NHS organisation that is buying"})
    buyer = get_by_id(session, Organisation, buyer_organisation_id)
    if buyer is None or not policy.may_run_purchasing_for(actor, buyer.id):
        raise Forbidden("Only a procurement officer of the buying organisation runs a call-off")
    category = get_by_id(session, Category, category_id)
    if category is None:
        raise Invalid({"category_id": "Choose the category to buy from"})
    if buyer.kind.value not in BUYING_KINDS:
        raise Invalid({"buyer_organisation_id": "Only an NHS trust or ICB buys through a call-off"})
    errors = FieldErrors()
    title = clean_line(errors, "title", title, label="the title", max_length=200)
    requirement = clean_text(
        errors, "requirement", requirement, label="the requirement", max_length=10000, required=True
    )
    if not category.system.is_open(utcnow().date()):
        raise InvalidTransition("This purchasing system is not open: no new call-offs")
    days = category.system.rules.min_tender_days
    # Closing at noon on the closing date must leave the full period from now.
    earliest = utcnow() + timedelta(days=days)
    minimum = earliest.date() + timedelta(days=1 if earliest.time() > CLOSING_TIME else 0)
    if not hasattr(closes_on, "isoformat") or isinstance(closes_on, datetime):
        errors.add("closes_on", "Enter a real closing date")
    elif closes_on < minimum:
        errors.add(
            "closes_on",
            f"Tenders must stay open at least {category.system.rules.min_tender_days} days: "
            f"close on {minimum.strftime('%-d %B %Y')} or later",
        )
    cleaned = _criteria(errors, criteria)
    errors.raise_if_any()
    call_off = CallOff(
        category=category,
        buyer_organisation=buyer,
        created_by_id=actor.id,
        title=title,
        requirement=requirement,
        closes_at=datetime.combine(closes_on, CLOSING_TIME, tzinfo=UTC),
    )
    session.add(call_off)
    for name, weight in cleaned:
        session.add(AwardCriterion(call_off=call_off, name=name, weight=weight))
    invited = [e for e in queries.register(session, category) if e.invitable]
    for entry in invited:
        session.add(Invitation(call_off=call_off, organisation_id=entry.admission.organisation_id))
    session.flush()
    audit.record(session, actor, "dps.call_off_published", call_off, {"invited": len(invited)})
    for entry in invited:
        _tell_supplier(
            session,
            entry.admission.organisation_id,
            call_off,
            f"You are invited to bid for “{call_off.title}” by "
            f"{call_off.closes_at.strftime('%-d %B %Y, %H:%M')} UTC.",
        )
    return call_off


def _criteria(errors: FieldErrors, criteria) -> list[tuple[str, int]]:
    cleaned = []
    for number, (name, weight) in enumerate(criteria or [], start=1):
        name = clean_line(
            errors, f"criterion_{number}", name, label="the criterion", max_length=100
        )
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 < weight <= 100:
            errors.add(f"criterion_{number}", "Give each criterion a weight from 1 to 100")
            weight = 0
        cleaned.append((name, weight))
    if not cleaned:
        errors.add("criteria", "Give at least one award criterion, such as quality and price")
    elif sum(w for _, w in cleaned) != 100:
        errors.add("criteria", "The weights must add up to 100")
    return cleaned


# --- bidders ------------------------------------------------------------------------------


def eligible(session: Session, call_off: CallOff, organisation_id: int) -> bool:
    """Admitted to the category now (even if admitted after publication), with current
    assurance."""
    entries = queries.register(session, call_off.category)
    return any(e.admission.organisation_id == organisation_id and e.invitable for e in entries)


def visible(session: Session, actor: User, call_off_id) -> CallOff:
    """The buyer's officers and eligible or invited suppliers see a call-off."""
    call_off = get_by_id(session, CallOff, call_off_id)
    if call_off is None:
        raise NotFound("There is no such call-off")
    if policy.may_run_purchasing_for(actor, call_off.buyer_organisation_id):
        return call_off
    if _bidder_organisation(session, actor, call_off) is not None:
        return call_off
    # Invited suppliers, and everyone admitted to the category (even with lapsed assurance,
    # so they learn why they cannot bid).
    entitled = {i.organisation_id for i in call_off.invitations} | {
        e.admission.organisation_id for e in queries.register(session, call_off.category)
    }
    if any(policy.may_manage_solutions_for(actor, o) for o in entitled):
        return call_off
    raise NotFound("There is no such call-off")


def _bidder_organisation(session, actor, call_off) -> int | None:
    for membership in actor.active_memberships:
        organisation_id = membership.organisation_id
        if organisation_id == call_off.buyer_organisation_id:
            continue  # the buyer does not bid in its own competition
        if policy.may_manage_solutions_for(actor, organisation_id) and eligible(
            session, call_off, organisation_id
        ):
            return organisation_id
    return None


def submit_bid(session: Session, actor: User, call_off_id, price, proposal) -> Bid:
    """Submit or replace your sealed bid, until the call-off closes."""
    call_off = visible(session, actor, call_off_id)
    organisation_id = _bidder_organisation(session, actor, call_off)
    if organisation_id is None:
        raise Forbidden("Only suppliers admitted to this category, with current assurance, can bid")
    if call_off.is_closed(utcnow()):
        raise InvalidTransition("This call-off has closed: bids can no longer be made or changed")
    errors = FieldErrors()
    proposal = clean_text(
        errors, "proposal", proposal, label="the proposal", max_length=20000, required=True
    )
    amount = _pounds(errors, "price", price)
    errors.raise_if_any()
    bid = session.scalar(
        sa.select(Bid).filter_by(call_off_id=call_off.id, organisation_id=organisation_id)
    )
    try:
        with session.begin_nested():  # a double submission loses here, not with a 500
            if bid is None:
                bid = Bid(call_off_id=call_off.id, organisation_id=organisation_id)
                session.add(bid)
            bid.price, bid.proposal, bid.submitted_at = amount, proposal, utcnow()
            bid.submitted_by_id = actor.id
            session.flush()
    except IntegrityError:
        raise Conflict("Your bid was just submitted from elsewhere. Reload the page.") from None
    audit.record(session, actor, "dps.bid_submitted", call_off, {"organisation": organisation_id})
    return bid


def _pounds(errors: FieldErrors, name: str, value) -> int | None:
    try:
        amount = int(str(value).replace(",", "").replace("£", "").strip())
    except (TypeError, ValueError):
        errors.add(name, "Enter an amount in whole pounds, like 120000")
        return None
    if not 0 <= amount <= MAX_POUNDS:
        errors.add(name, f"Enter an amount between £0 and £{MAX_POUNDS:,}")
        return None
    return amount


def ask(session: Session, actor: User, call_off_id, question) -> Clarification:
    call_off = visible(session, actor, call_off_id)
    organisation_id = _bidder_organisation(session, actor, call_off)
    if organisation_id is None:
        raise Forbidden("Only eligible suppliers ask clarification questions")
    if call_off.is_closed(utcnow()):
        raise InvalidTransition("This call-off has closed")
    errors = FieldErrors()
    question = clean_text(
        errors, "question", question, label="the question", max_length=2000, required=True
    )
    errors.raise_if_any()
    clarification = Clarification(
        call_off=call_off, asked_by_organisation_id=organisation_id, question=question
    )
    session.add(clarification)
    session.flush()
    audit.record(session, actor, "dps.clarification_asked", call_off)
    return clarification


def answer(session: Session, actor: User, clarification_id, text) -> Clarification:
    """The answer is published to every bidder; who asked is never shown."""
    clarification = get_by_id(session, Clarification, clarification_id)
    if clarification is None:
        raise NotFound("There is no such question")
    call_off = clarification.call_off
    if not policy.may_run_purchasing_for(actor, call_off.buyer_organisation_id):
        raise Forbidden("Only the buyer answers clarification questions")
    errors = FieldErrors()
    text = clean_text(errors, "answer", text, label="the answer", max_length=5000, required=True)
    errors.raise_if_any()
    clarification.answer, clarification.answered_at = text, utcnow()
    session.flush()
    audit.record(session, actor, "dps.clarification_answered", call_off)
    bidders = {i.organisation_id for i in call_off.invitations} | {
        e.admission.organisation_id
        for e in queries.register(session, call_off.category)
        if e.invitable
    }
    for organisation_id in sorted(bidders):
        _tell_supplier(
            session,
            organisation_id,
            call_off,
            f"A clarification was published for “{call_off.title}”.",
        )
    return clarification


# --- evaluation and award -----------------------------------------------------------------


def sealed_bids(session: Session, actor: User, call_off_id) -> list[Bid]:
    """The buyer sees bids only once the call-off has closed."""
    call_off = _buyer(session, actor, call_off_id)
    if not call_off.is_closed(utcnow()):
        raise InvalidTransition("Bids stay sealed until the call-off closes")
    return call_off.bids


def score(session: Session, actor: User, bid_id, criterion_id, value) -> Score:
    bid = get_by_id(session, Bid, bid_id)
    if bid is None or not policy.may_run_purchasing_for(actor, bid.call_off.buyer_organisation_id):
        raise NotFound("There is no such bid")  # a bidder learns nothing of rival bids
    call_off = bid.call_off
    if not call_off.is_closed(utcnow()):
        raise InvalidTransition("Bids stay sealed until the call-off closes")
    if call_off.award is not None:
        raise InvalidTransition("This call-off has been awarded: scores are final")
    criterion = next((c for c in call_off.criteria if c.id == criterion_id), None)
    errors = FieldErrors()
    if criterion is None:
        errors.add("criterion_id", "Choose one of this call-off's criteria")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
        errors.add("score", "Score from 0 to 10")
    errors.raise_if_any()
    found = session.scalar(sa.select(Score).filter_by(bid_id=bid.id, criterion_id=criterion.id))
    if found is None:
        found = Score(bid=bid, criterion=criterion, scored_by_id=actor.id, score=value)
        session.add(found)
    found.score, found.scored_by_id, found.scored_at = value, actor.id, utcnow()
    session.flush()
    audit.record(
        session, actor, "dps.scored", call_off, {"bid": bid.id, "criterion": criterion.name}
    )
    return found


@dataclass(frozen=True)
class Result:
    bid: Bid
    total: float  # weighted, out of 100
    rank: int


def results(call_off: CallOff) -> list[Result]:
    """Weighted totals out of 100, best first; ties go to the lower price."""
    totals = []
    for bid in call_off.bids:
        by_criterion = {s.criterion_id: s.score for s in bid.scores}
        total = sum(c.weight * by_criterion.get(c.id, 0) / 10 for c in call_off.criteria)
        totals.append((bid, round(total, 2)))
    ordered = sorted(totals, key=lambda pair: (-pair[1], pair[0].price, pair[0].id))
    return [Result(bid, total, rank) for rank, (bid, total) in enumerate(ordered, start=1)]


def award(session: Session, actor: User, call_off_id, contract_value) -> Award:
    """Award to the best weighted score, once every bid is scored on every criterion. Each
    bidder is told the result with its own score and the winning score."""
    call_off = _buyer(session, actor, call_off_id)
    if not call_off.is_closed(utcnow()):
        raise InvalidTransition("A call-off is awarded after it closes")
    if call_off.award is not None:
        raise Conflict("This call-off has already been awarded")
    if not call_off.bids:
        raise InvalidTransition("There are no bids to award")
    unscored = [
        b.organisation.name
        for b in call_off.bids
        if {s.criterion_id for s in b.scores} != {c.id for c in call_off.criteria}
    ]
    if unscored:
        raise InvalidTransition("Score every criterion of every bid first: " + ", ".join(unscored))
    errors = FieldErrors()
    value = _pounds(errors, "contract_value", contract_value)
    errors.raise_if_any()
    ranked = results(call_off)
    best = ranked[0]
    reasons = (
        f"Highest weighted score: {best.total:g} out of 100 "
        f"({', '.join(f'{c.name} {c.weight}%' for c in call_off.criteria)})."
    )
    if len(ranked) > 1 and ranked[1].total == best.total:
        reasons += " Tied on score: the lower price decided" + (
            ", then the earlier bid." if ranked[1].bid.price == best.bid.price else "."
        )
    try:
        with session.begin_nested():  # the unique call-off id lets only one award in
            record = Award(
                call_off=call_off,
                bid=best.bid,
                contract_value=value,
                reasons=reasons,
                awarded_by_id=actor.id,
            )
            session.add(record)
            session.flush()
    except IntegrityError:
        raise Conflict("This call-off has already been awarded") from None
    audit.record(
        session,
        actor,
        "dps.awarded",
        call_off,
        {"bid": best.bid.id, "organisation": best.bid.organisation_id, "value": value},
    )
    for result in ranked:
        outcome = "won" if result is best else f"was ranked {result.rank} of {len(ranked)}"
        _tell_supplier(
            session,
            result.bid.organisation_id,
            call_off,
            f"Your bid for “{call_off.title}” {outcome}: it scored {result.total:g} out of 100; "
            f"the winning bid scored {best.total:g}.",
        )
    return record


def results_csv(call_off: CallOff) -> str:
    awarded = call_off.award.bid_id if call_off.award else None
    return csv_text(
        ["rank", "supplier", "price", "weighted_score", "awarded"],
        (
            [
                r.rank,
                r.bid.organisation.name,
                r.bid.price,
                r.total,
                "yes" if r.bid.id == awarded else "no",
            ]
            for r in results(call_off)
        ),
    )


def _buyer(session, actor, call_off_id) -> CallOff:
    call_off = visible(session, actor, call_off_id)
    if not policy.may_run_purchasing_for(actor, call_off.buyer_organisation_id):
        raise Forbidden("Only the buyer's procurement officers evaluate and award")
    return call_off


def _tell_supplier(session, organisation_id: int, call_off: CallOff, message: str) -> None:
    people = members_with_roles(session, organisation_id, policy.SOLUTION_ROLES)
    notify(session, people, message, f"/dps/call-offs/{call_off.id}")
