"""DPS services: policy check → state guard → change → audit. They flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, Role, User
from marketplace.db import flush_or_conflict, get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.services import members_with_roles, notify
from marketplace.solutions.models import Maturity, Solution
from marketplace.validation import FieldErrors, clean_choice, clean_line, clean_text
from procurement.dps import calendar, questions
from procurement.dps.models import (
    Admission,
    Application,
    ApplicationStatus,
    Category,
    Listing,
    PurchasingSystem,
    Regime,
    SelectionQuestion,
)
from procurement.testbeds import queries as testbed_queries

OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFORMATION)


# --- systems and categories -----------------------------------------------------------------


def create_system(
    session: Session,
    actor: User,
    organisation_id,
    title,
    regime,
    scope,
    starts_on,
    ends_on,
    categories: list[tuple[str, str]],
) -> PurchasingSystem:
    """A purchasing system with its categories; it asks the whole question bank with the
    bank's default pass rules."""
    if organisation_id is None:
        raise Invalid({"organisation_id": "Choose the organisation that runs the system"})
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None or not policy.may_run_purchasing_for(actor, organisation.id):
        raise Forbidden("Only a procurement officer of the organisation can set up its system")
    errors = FieldErrors()
    title = clean_line(errors, "title", title, label="the title", max_length=200)
    regime = clean_choice(errors, "regime", regime, Regime, "Choose the legal regime")
    if regime is None and "regime" not in errors:
        errors.add("regime", "Choose the legal regime")
    scope = clean_text(errors, "scope", scope, label="the scope", max_length=5000, required=True)
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, date):
            errors.add(name, "Enter a real date")
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on <= starts_on:
        errors.add("ends_on", "The end date must be after the start date")
    cleaned = _clean_categories(errors, categories)
    if title and session.scalar(sa.select(PurchasingSystem.id).filter_by(title=title)):
        errors.add("title", "A purchasing system with this title already exists")
    errors.raise_if_any()
    system = PurchasingSystem(
        organisation=organisation,
        created_by_id=actor.id,
        title=title,
        regime=regime,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(system)
    for name, definition in cleaned:
        session.add(Category(system=system, name=name, definition=definition))
    for question in questions.BANK:
        session.add(SelectionQuestion(system=system, key=question.key, rule=question.default_rule))
    session.flush()
    audit.record(session, actor, "dps.system_created", system, {"title": title})
    return system


def _clean_categories(errors: FieldErrors, categories) -> list[tuple[str, str]]:
    cleaned, seen = [], set()
    for number, (name, definition) in enumerate(categories or [], start=1):
        name = clean_line(
            errors, f"category_{number}", name, label=f"category {number}'s name", max_length=150
        )
        definition = clean_text(
            errors,
            f"definition_{number}",
            definition,
            label=f"category {number}'s definition",
            max_length=2000,
            required=True,
        )
        if name and name.lower() in seen:
            errors.add(f"category_{number}", f"Category {number} repeats an earlier name")
        seen.add((name or "").lower())
        cleaned.append((name, definition))
    if not cleaned:
        errors.add("categories", "Define at least one category")
    return cleaned


# --- applying ---------------------------------------------------------------------------------


def prefilled_answers(session: Session, organisation_id: int) -> dict[str, Any]:
    """What the supplier told us before: its catalogue assurance, overlaid by its latest
    application's answers, so nobody types the same facts twice."""
    answers: dict[str, Any] = {}
    solution = session.scalar(
        sa.select(Solution)
        .where(Solution.organisation_id == organisation_id, Solution.published_at.is_not(None))
        .order_by(Solution.updated_at.desc())
        .limit(1)
    )
    if solution is not None:
        answers.update(questions.reusable(solution))
    organisation = session.get(Organisation, organisation_id)
    if organisation is not None and organisation.companies_house_number:
        answers["companies_house"] = organisation.companies_house_number
    latest = session.scalar(
        sa.select(Application)
        .where(Application.organisation_id == organisation_id)
        .order_by(Application.submitted_at.desc())
        .limit(1)
    )
    if latest is not None:
        answers.update({k: v for k, v in latest.answers.items() if v is not None})
    return answers


def apply(
    session: Session,
    actor: User,
    system_id,
    organisation_id,
    category_ids,
    answers: dict[str, Any],
) -> Application:
    """Apply at any time to one or more categories. The decision is due within the regime's
    working days; officers are told."""
    system = get_by_id(session, PurchasingSystem, system_id)
    if system is None:
        raise NotFound("There is no such purchasing system")
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None or not policy.may_apply_as_supplier(actor, organisation):
        raise Forbidden("Apply for an approved organisation you are an innovator for")
    today = date.today()
    if not system.is_open(today):
        raise InvalidTransition("This purchasing system is not open to applications today")
    errors = FieldErrors()
    chosen = _categories(errors, system, category_ids)
    cleaned = questions.clean_answers(answers, errors)
    errors.raise_if_any()
    _refuse_duplicates(session, organisation.id, chosen)
    application = Application(
        system=system,
        organisation=organisation,
        submitted_by_id=actor.id,
        status=ApplicationStatus.SUBMITTED,
        answers=cleaned,
        due_on=calendar.add_working_days(today, system.rules.decision_days),
        categories=chosen,
    )
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor,
        "dps.applied",
        application,
        {"categories": [c.name for c in chosen], "due_on": application.due_on.isoformat()},
    )
    _tell_officers(session, application, f"{organisation.name} applied to “{system.title}”.")
    return application


def _categories(errors: FieldErrors, system: PurchasingSystem, category_ids) -> list[Category]:
    by_id = {c.id: c for c in system.categories}
    ids = category_ids if isinstance(category_ids, list | tuple) else []
    if not ids:
        errors.add("category_ids", "Choose at least one category")
        return []
    if any(not isinstance(i, int) or i not in by_id for i in ids):
        errors.add("category_ids", "Choose categories of this purchasing system")
        return []
    return [by_id[i] for i in dict.fromkeys(ids)]


def _refuse_duplicates(session: Session, organisation_id: int, chosen: list[Category]) -> None:
    ids = [c.id for c in chosen]
    pending = session.scalars(
        sa.select(Category.name)
        .join(Application.categories)
        .where(
            Application.organisation_id == organisation_id,
            Application.status.in_(OPEN),
            Category.id.in_(ids),
        )
    ).all()
    admitted = session.scalars(
        sa.select(Category.name)
        .join(Admission, Admission.category_id == Category.id)
        .where(
            Admission.organisation_id == organisation_id,
            Admission.removed_at.is_(None),
            Category.id.in_(ids),
        )
    ).all()
    if pending:
        raise Conflict(
            f"You already have an application awaiting a decision for: {', '.join(pending)}"
        )
    if admitted:
        raise Conflict(f"You are already admitted to: {', '.join(admitted)}")


# --- assessing and deciding ---------------------------------------------------------------


def assessment(application: Application, today: date | None = None) -> list[dict]:
    """Each question with the answer, its rule in words and the automatic result (None: for
    the officer)."""
    today = today or date.today()
    rules = {q.key: q.rule for q in application.system.questions}
    rows = []
    for question in questions.BANK:
        rule = rules.get(question.key)
        value = application.answers.get(question.key)
        rows.append(
            {
                "key": question.key,
                "question": question.text,
                "answer": dict(question.choices).get(value, value),
                "rule": questions.rule_text(rule, question),
                "result": questions.check(rule, value, today),
            }
        )
    return rows


def decide(
    session: Session,
    actor: User,
    application_id,
    decision,
    reasons=None,
    version: int | None = None,
) -> Application:
    """Admit, reject (with reasons the supplier sees) or ask for more information. A supplier
    failing an automatic pass rule cannot be admitted."""
    application = _for_officer(session, actor, application_id)
    if version is not None and version != application.version:
        raise Conflict("Another officer decided on this application meanwhile. Reload it.")
    if application.status != ApplicationStatus.SUBMITTED:
        raise InvalidTransition(
            f"This application is {application.status.label.lower()}: nothing to decide"
        )
    errors = FieldErrors()
    if decision not in {"admit", "reject", "more_information"}:
        errors.add("decision", "Choose admit, reject or ask for more information")
    reasons = clean_text(
        errors,
        "reasons",
        reasons,
        label="the reasons",
        max_length=5000,
        required=decision in {"reject", "more_information"},
    )
    errors.raise_if_any()
    failed = [row["question"] for row in assessment(application) if row["result"] is False]
    if decision == "admit" and failed:
        raise Invalid(
            {"decision": "It fails a pass rule: " + "; ".join(q[:80] for q in failed)},
            "This supplier cannot be admitted",
        )
    now = utcnow()
    if decision == "more_information":
        application.status = ApplicationStatus.MORE_INFORMATION
        application.information_request = reasons
    else:
        application.status = (
            ApplicationStatus.ADMITTED if decision == "admit" else ApplicationStatus.REJECTED
        )
        application.reasons = reasons
        application.decided_by_id, application.decided_at = actor.id, now
    flush_or_conflict(session, "application")
    if decision == "admit":
        try:
            with session.begin_nested():  # a savepoint: a lost race leaves the request usable
                for category in application.categories:
                    session.add(
                        Admission(
                            organisation_id=application.organisation_id,
                            category=category,
                            application=application,
                        )
                    )
                session.flush()
        except IntegrityError:
            raise Conflict("This supplier is already admitted to one of these categories") from None
    audit.record(session, actor, f"dps.{decision}", application, {"reasons": reasons})
    _tell_supplier(session, application)
    return application


def extend(session: Session, actor: User, application_id, reason) -> Application:
    """Extend the decision to the regime's longest period, once, with a reason both see."""
    application = _for_officer(session, actor, application_id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise InvalidTransition("Only an application awaiting a decision can be extended")
    if application.extended_to is not None:
        raise InvalidTransition("The decision has already been extended once")
    if date.today() > application.due_on:
        raise InvalidTransition("The deadline has passed: decide now rather than extend it")
    errors = FieldErrors()
    reason = clean_text(
        errors, "reason", reason, label="the reason", max_length=2000, required=True
    )
    errors.raise_if_any()
    rules = application.system.rules
    extra = rules.extended_days - rules.decision_days
    application.extended_to = calendar.add_working_days(application.due_on, extra)
    application.extension_reason = reason
    flush_or_conflict(session, "application")
    audit.record(
        session, actor, "dps.extended", application, {"to": application.extended_to.isoformat()}
    )
    _tell_supplier(session, application)
    return application


def answer_request(session: Session, actor: User, application_id, answers: dict) -> Application:
    """The supplier answers a request for information; a fresh decision period starts."""
    application = _for_supplier(session, actor, application_id)
    if application.status != ApplicationStatus.MORE_INFORMATION:
        raise InvalidTransition("Nobody has asked for more information on this application")
    errors = FieldErrors()
    cleaned = questions.clean_answers(answers, errors)
    errors.raise_if_any()
    application.answers = cleaned
    application.status = ApplicationStatus.SUBMITTED
    application.due_on = calendar.add_working_days(
        date.today(), application.system.rules.decision_days
    )
    application.extended_to = application.extension_reason = None
    flush_or_conflict(session, "application")
    audit.record(session, actor, "dps.information_given", application)
    _tell_officers(session, application, f"{application.organisation.name} answered your request.")
    return application


def withdraw(session: Session, actor: User, application_id) -> Application:
    application = _for_supplier(session, actor, application_id)
    if application.status not in OPEN:
        raise InvalidTransition("Only an application awaiting a decision can be withdrawn")
    application.status = ApplicationStatus.WITHDRAWN
    flush_or_conflict(session, "application")
    audit.record(session, actor, "dps.withdrawn", application)
    return application


# --- helpers ------------------------------------------------------------------------------


def visible_application(session: Session, actor: User, application_id) -> Application:
    """Someone else's application is as good as missing."""
    application = get_by_id(session, Application, application_id)
    if application is None or not policy.may_view_application(actor, application):
        raise NotFound("There is no such application")
    return application


def _for_officer(session, actor, application_id) -> Application:
    application = visible_application(session, actor, application_id)
    if not policy.may_decide_application(actor, application):
        raise Forbidden(
            "Only the system's procurement officers decide applications, and never their own "
            "organisation's"
        )
    return application


def _for_supplier(session, actor, application_id) -> Application:
    application = visible_application(session, actor, application_id)
    if not policy.may_manage_solutions_for(actor, application.organisation_id):
        raise Forbidden("Only the supplier can change its application")
    return application


def _tell_officers(session, application: Application, message: str) -> None:
    people = members_with_roles(
        session, application.system.organisation_id, [Role.PROCUREMENT_OFFICER]
    )
    notify(session, people, message, f"/dps/applications/{application.id}")


def _tell_supplier(session, application: Application) -> None:
    people = members_with_roles(session, application.organisation_id, policy.SOLUTION_ROLES)
    what = {
        ApplicationStatus.ADMITTED: "has been admitted",
        ApplicationStatus.REJECTED: "was not admitted; the reasons are on the application",
        ApplicationStatus.MORE_INFORMATION: "needs more information from you",
        ApplicationStatus.SUBMITTED: (
            f"will be decided by {application.deadline.strftime('%-d %B %Y')}"
        ),
    }[application.status]
    notify(
        session,
        people,
        f"Your application to “{application.system.title}” {what}.",
        f"/dps/applications/{application.id}",
    )


# --- listings -----------------------------------------------------------------------------


def list_product(
    session: Session, actor: User, category_id, solution_id, price, terms, service_levels
) -> Listing:
    """An admitted supplier lists one of its products in the category. Evidence gate: the
    product must be market-ready or have a test bed evaluated as met or partly met."""
    category = get_by_id(session, Category, category_id)
    if category is None:
        raise NotFound("There is no such category")
    suppliers = {
        m.organisation_id
        for m in actor.active_memberships
        if policy.may_manage_solutions_for(actor, m.organisation_id)
    }
    if not any(_admitted(session, o, category.id) for o in suppliers):
        raise Forbidden(f"Your organisation is not admitted to “{category.name}”")
    solution = get_by_id(session, Solution, solution_id)
    errors = FieldErrors()
    if (
        solution is None
        or solution.organisation_id not in suppliers
        or not _admitted(session, solution.organisation_id, category.id)
    ):
        errors.add("solution_id", "Choose a product of your admitted organisation")
        errors.raise_if_any()
    price = clean_text(errors, "price", price, label="the price", max_length=2000, required=True)
    terms = clean_text(errors, "terms", terms, label="the terms", max_length=5000, required=True)
    service_levels = clean_text(
        errors,
        "service_levels",
        service_levels,
        label="the service levels",
        max_length=5000,
        required=True,
    )
    if solution.status != "published":
        errors.add("solution_id", "Only a published solution can be listed")
    elif not (
        solution.maturity == Maturity.MARKET_READY
        or testbed_queries.evidence_for(session, solution.id)
    ):
        errors.add(
            "solution_id",
            "List a market-ready product, or one with a test bed evaluated as met or partly met",
        )
    errors.raise_if_any()
    listing = Listing(
        category=category,
        solution=solution,
        organisation_id=solution.organisation_id,
        listed_by_id=actor.id,
        price=price,
        terms=terms,
        service_levels=service_levels,
    )
    try:
        with session.begin_nested():  # a savepoint: a lost race leaves the request usable
            session.add(listing)
            session.flush()
    except IntegrityError:
        raise Conflict("This product is already listed in this category") from None
    audit.record(session, actor, "dps.listed", listing, {"solution": solution.id})
    return listing


def withdraw_listing(session: Session, actor: User, listing_id) -> Listing:
    listing = get_by_id(session, Listing, listing_id)
    if listing is None or listing.withdrawn_at is not None:
        raise NotFound("There is no such listing")
    if not policy.may_manage_solutions_for(actor, listing.organisation_id):
        raise Forbidden("Only the supplier can withdraw its listing")
    listing.withdrawn_at = utcnow()
    session.flush()
    audit.record(session, actor, "dps.listing_withdrawn", listing)
    return listing


def _admitted(session: Session, organisation_id: int, category_id: int) -> bool:
    return bool(
        session.scalar(
            sa.select(Admission.id).where(
                Admission.organisation_id == organisation_id,
                Admission.category_id == category_id,
                Admission.removed_at.is_(None),
            )
        )
    )


# --- renewing assurance -------------------------------------------------------------------

RENEWABLE = [q.key for q in questions.BANK if q.expires] + ["cyber_essentials", "dspt"]


def renew_assurance(session: Session, actor: User, application_id, answers: dict) -> Application:
    """An admitted supplier updates assurance that lapses (insurance, Cyber Essentials, DSPT).
    The new answers must pass the system's rules; invitations resume once nothing is expired."""
    application = _for_supplier(session, actor, application_id)
    if application.status != ApplicationStatus.ADMITTED:
        raise InvalidTransition("Only an admitted supplier renews its assurance")
    errors = FieldErrors()
    given = {k: answers[k] for k in RENEWABLE if answers.get(k) not in (None, "")}
    merged = {**application.answers, **given}
    cleaned = questions.clean_answers(merged, errors)
    rules = {q.key: q.rule for q in application.system.questions}
    for key in RENEWABLE:
        if (
            key not in errors
            and questions.check(rules.get(key), cleaned[key], date.today()) is False
        ):
            rule = questions.rule_text(rules.get(key), questions.BY_KEY[key])
            errors.add(key, f"Does not meet the rule: {rule}")
    errors.raise_if_any()
    application.answers = cleaned
    flush_or_conflict(session, "application")
    audit.record(session, actor, "dps.assurance_renewed", application)
    return application
