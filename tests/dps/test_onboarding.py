"""Supplier onboarding through the services: working-day deadlines with England's bank holidays,
automatic pass rules, decisions with reasons, duplicates refused, races between officers."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import Role
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from procurement.dps import calendar, services
from procurement.dps.models import Admission, Application
from tests import factories


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 10, date(2026, 12, 7)),  # a Monday: two plain weeks
        (date(2026, 12, 18), 10, date(2027, 1, 6)),  # Christmas, Boxing Day (observed 28th), 1 Jan
        (date(2027, 3, 22), 10, date(2027, 4, 7)),  # Good Friday 26 March, Easter Monday 29 March
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Friday before the Spring bank holiday
    ],
)
def test_working_days_skip_weekends_and_englands_bank_holidays(start, days, due):
    assert calendar.add_working_days(start, days) == due
    assert calendar.working_days_between(start, due) == days


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_application_is_due_within_ten_working_days(session):
    system, _ = factories.create_system()

    application, _ = factories.create_application(system)

    assert application.status.value == "submitted"
    assert application.due_on == calendar.add_working_days(uk_today(), 10)
    assert not application.is_overdue(uk_today())
    assert application.is_overdue(calendar.add_working_days(application.due_on, 1))


def test_admitting_puts_the_supplier_on_each_categorys_register(session):
    system, officer = factories.create_system()
    application, _ = factories.create_application(
        system, categories=[c.id for c in system.categories]
    )

    services.decide(session, officer, application.id, "admit")

    admitted = session.scalars(sa.select(Admission)).all()
    assert {a.category_id for a in admitted} == {c.id for c in system.categories}
    assert application.decided_by_id == officer.id


def test_a_failed_pass_rule_cannot_be_admitted_and_the_rules_are_shown(session):
    system, officer = factories.create_system()
    application, _ = factories.create_application(
        system, employers_liability="1000000", cyber_essentials="none"
    )

    rows = {r["key"]: r for r in services.assessment(application)}
    with pytest.raises(Invalid, match="cannot be admitted") as error:
        services.decide(session, officer, application.id, "admit")

    assert rows["employers_liability"]["result"] is False
    assert rows["employers_liability"]["rule"] == "At least £5,000,000"
    assert rows["modern_slavery"]["result"] is None  # for the officer
    assert "Employer's liability" in error.value.fields["decision"][0]
    assert _count(session, Admission) == 0


def test_rejection_and_requests_need_reasons_the_supplier_sees(session):
    system, officer = factories.create_system()
    application, supplier = factories.create_application(system)

    with pytest.raises(Invalid) as error:
        services.decide(session, officer, application.id, "reject", "  ")
    services.decide(session, officer, application.id, "more_information", "Send the DTAC evidence")
    services.answer_request(session, supplier, application.id, factories.GOOD_ANSWERS)
    services.decide(session, officer, application.id, "reject", "Not a digital product")

    assert "reasons" in error.value.fields
    assert application.status.value == "rejected" and application.reasons == "Not a digital product"


def test_applying_twice_to_the_same_category_is_refused(session):
    system, officer = factories.create_system()
    application, supplier = factories.create_application(system)
    organisation_id = supplier.active_memberships[0].organisation_id

    with pytest.raises(Conflict, match="awaiting a decision for: Remote monitoring"):
        services.apply(
            session,
            supplier,
            system.id,
            organisation_id,
            [system.categories[0].id],
            factories.GOOD_ANSWERS,
        )
    services.decide(session, officer, application.id, "admit")
    with pytest.raises(Conflict, match="already admitted to: Remote monitoring"):
        services.apply(
            session,
            supplier,
            system.id,
            organisation_id,
            [system.categories[0].id],
            factories.GOOD_ANSWERS,
        )
    # Another category is fine, any time.
    services.apply(
        session,
        supplier,
        system.id,
        organisation_id,
        [system.categories[1].id],
        factories.GOOD_ANSWERS,
    )
    assert _count(session, Application) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employers_liability": "lots"}, "employers_liability"),
        ({"cyber_essentials_expiry": "31/01/2027"}, "cyber_essentials_expiry"),
        ({"size": "enormous"}, "size"),
        ({"mandatory_exclusion": "perhaps"}, "mandatory_exclusion"),
        ({"companies_house": "<b>1</b>"}, "companies_house"),
        ({"notes": "x" * 2001}, "notes"),
        ({"dtac": None}, "dtac"),
        ({"size": ["small"]}, "size"),
        ({"dspt": {"met": True}}, "dspt"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_stored(session, changes, field):
    system, _ = factories.create_system()

    with pytest.raises(Invalid) as error:
        factories.create_application(system, **changes)

    assert field in error.value.fields
    assert _count(session, Application) == 0  # nothing was added before the refusal


def test_who_may_decide_and_who_may_see(session):
    system, _ = factories.create_system()
    application, supplier = factories.create_application(system)
    _, competitor = factories.create_application(system)
    other_officer = factories.create_user(role=Role.PROCUREMENT_OFFICER)

    with pytest.raises(NotFound):
        services.visible_application(session, competitor, application.id)
    with pytest.raises(NotFound):
        services.decide(session, other_officer, application.id, "admit")
    with pytest.raises(Forbidden):
        services.decide(session, supplier, application.id, "admit")
    assert application.status.value == "submitted"


def test_an_extension_needs_a_reason_and_reaches_fifteen_working_days(session):
    system, officer = factories.create_system()
    application, _ = factories.create_application(system)

    with pytest.raises(Invalid):
        services.extend(session, officer, application.id, "")
    services.extend(session, officer, application.id, "Checking the DTAC assessment")
    with pytest.raises(InvalidTransition, match="already been extended"):
        services.extend(session, officer, application.id, "Again")

    assert application.deadline == calendar.add_working_days(uk_today(), 15)


def test_answers_are_reused_from_the_catalogue_and_the_last_application(session):
    system, _ = factories.create_system()
    supplier = factories.create_user(role=Role.INNOVATOR)
    factories.create_solution(supplier)  # its assurance: Cyber Essentials Plus, DSPT met …
    organisation_id = supplier.active_memberships[0].organisation_id

    from_catalogue = services.prefilled_answers(session, organisation_id)
    factories.create_application(system, supplier, dtac="in_progress")
    from_application = services.prefilled_answers(session, organisation_id)

    assert from_catalogue["cyber_essentials"] in {"basic", "plus"}
    assert from_catalogue["clinical_safety"] in {"yes", "no"}
    assert from_application["dtac"] == "in_progress"


def test_two_officers_deciding_at_once_cannot_both_win(app, session):
    system, officer = factories.create_system()
    colleague = factories.create_user(
        role=Role.PROCUREMENT_OFFICER, organisation=system.organisation
    )
    application, _ = factories.create_application(system)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.test_request_context(), Session(engine) as first, Session(engine) as second:
        held = [s.get(Application, application.id) for s in (first, second)]
        services.decide(first, first.get(type(officer), officer.id), application.id, "admit")
        first.commit()
        with pytest.raises(Conflict):
            services.decide(
                second,
                second.get(type(colleague), colleague.id),
                application.id,
                "reject",
                "Too late",
            )
        second.rollback()
    engine.dispose()

    assert held[0] is not held[1]
    session.expire_all()
    assert session.get(Application, application.id).status.value == "admitted"


def test_a_system_needs_categories_and_sensible_dates(session):
    officer = factories.create_user(role=Role.PROCUREMENT_OFFICER)

    with pytest.raises(Invalid) as error:
        factories.create_system(
            officer, categories=[], ends_on=date(2020, 1, 1), regime="framework"
        )

    assert {"categories", "ends_on", "regime"} <= set(error.value.fields)
    with pytest.raises(Forbidden):
        factories.create_system(factories.create_user(role=Role.SERVICE_LEAD))


def test_an_officer_cannot_decide_for_their_own_organisation(session):
    system, officer = factories.create_system()
    application, _ = factories.create_application(system)
    application.organisation_id = system.organisation_id
    session.flush()

    with pytest.raises(Forbidden, match="never their own"):
        services.decide(session, officer, application.id, "admit")
    assert application.status.value == "submitted"
