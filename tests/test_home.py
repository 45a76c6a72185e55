"""The home page lists what waits for the person signed in, by role, with counts and links;
with nothing waiting it says what to do next; its cost does not grow with the records."""

from __future__ import annotations

from datetime import timedelta

from challenges import responses
from challenges import services as challenge_services
from challenges.fellowship import services as fellowship
from marketplace.accounts.models import OrganisationKind, Role, User
from marketplace.db import uk_today, utcnow
from marketplace.extensions import db
from marketplace.solutions import adoption
from marketplace.solutions.models import Solution
from procurement.dps import call_offs
from procurement.testbeds import services as testbeds
from tests import factories
from tests.challenges.test_fellowship_pages import COHORT, IDEA
from tests.conftest import sign_in
from tests.test_page_statements import counting


def _home(app, email: str) -> str:
    page = sign_in(app.test_client(), email).get("/")
    assert page.status_code == 200
    return page.text


def _lead_with_work(app) -> dict:
    """A service lead with a returned challenge, a draft, an open challenge with a response,
    and another service's challenges that must not count."""
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        returned = factories.create_challenge(lead, status="submitted", title="Returned one")
        challenge_services.return_challenge(db.session, team, returned.id, "Add figures")
        factories.create_challenge(lead, title="A draft")
        challenge = factories.create_challenge(lead, status="open", title="Open one")
        innovator = factories.create_user(role=Role.INNOVATOR)
        solution = factories.create_solution(innovator)
        responses.respond(db.session, innovator, challenge.id, solution.id, "It fits")
        factories.create_challenge(status="open")  # another service's
        factories.create_challenge()
        db.session.commit()
        ids = {"lead": lead.email, "innovator": innovator.email, "team": team.email}
        db.session.remove()
    return ids


def test_a_service_lead_sees_what_waits_for_them(app):
    ids = _lead_with_work(app)

    page = _home(app, ids["lead"])

    assert (
        '<a href="/challenges/mine">1 challenge returned with the team&#39;s comments</a>' in page
    )
    assert "1 draft to finish and submit" in page
    assert "1 response from an innovator to decide on" in page
    assert "1 open challenge: see the solutions that fit it" in page
    assert "Nothing waits for you" not in page
    assert '<a href="/challenges/new">Post a challenge</a>' in page


def test_an_innovator_sees_enquiries_outcomes_and_solutions(app):
    ids = _lead_with_work(app)
    with app.app_context():
        innovator = db.session.scalar(db.select(User).where(User.email == ids["innovator"]))
        solution_id = db.session.scalar(
            db.select(Solution.id).where(
                Solution.organisation_id == innovator.active_memberships[0].organisation_id
            )
        )
        adopter = factories.create_user(
            role=Role.ADOPTER, organisation=factories.create_organisation()
        )
        adoption.send_enquiry(
            db.session,
            adopter,
            solution_id,
            adopter.active_memberships[0].organisation_id,
            "Does it work offline?",
        )
        factories.create_solution(innovator, status="draft", title="Still a draft")
        db.session.commit()
        db.session.remove()

    page = _home(app, ids["innovator"])

    assert '<a href="/enquiries">1 enquiry from a buyer to answer</a>' in page
    assert "1 solution not yet published" in page
    assert '<a href="/matches">1 published solution: see the challenges that fit it</a>' in page


def test_the_team_sees_reviews_and_approvals(app):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        factories.create_challenge(status="submitted")
        factories.create_challenge(status="submitted")
        factories.create_organisation(approved=False, kind=OrganisationKind.SME)
        email = team.email
        db.session.remove()

    page = _home(app, email)

    assert '<a href="/challenges/review">2 challenges to review</a>' in page
    assert "1 organisation waiting for approval" in page
    assert '<a href="/matching/weights">How fits are ranked</a>' in page


def test_with_nothing_waiting_each_role_is_told_what_to_do_next(app):
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        innovator = factories.create_user(role=Role.INNOVATOR)
        emails = lead.email, innovator.email
        db.session.remove()

    lead_page, innovator_page = (_home(app, email) for email in emails)

    assert "Nothing waits for you. Post a challenge to describe a need" in lead_page
    assert "Nothing waits for you. Describe a solution so services" in innovator_page
    assert "Innovation team" not in lead_page and "Your solutions" not in lead_page


def test_the_home_page_costs_the_same_statements_with_more_records(app):
    ids = _lead_with_work(app)
    client = sign_in(app.test_client(), ids["lead"])
    with counting(app) as few:
        client.get("/")
    for _ in range(3):
        _lead_with_work(app)  # other services' work, and more of everything
    with app.app_context():
        lead = db.session.scalar(db.select(User).where(User.email == ids["lead"]))
        for n in range(3):
            factories.create_challenge(lead, title=f"Another draft {n}")
        db.session.remove()
    with counting(app) as many:
        page = client.get("/")
    assert "4 drafts to finish and submit" in page.text
    assert len(many) == len(few)


def test_a_procurement_officer_sees_applications_call_offs_and_questions(app):
    with app.app_context():
        system, officer = factories.create_system()
        overdue, _ = factories.create_application(system)
        overdue.due_on = uk_today() - timedelta(days=1)
        factories.create_application(system)  # due well after this week
        open_call_off, _ = factories.create_call_off(system, buyer=officer)
        supplier = factories.admitted_supplier(system)
        call_offs.ask(db.session, supplier, open_call_off.id, "Is training included?")
        closed, _ = factories.create_call_off(system, buyer=officer, title="Closed one")
        closed.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        email = officer.email
        db.session.remove()

    page = _home(app, email)

    assert '<a href="/dps">1 supplier application past its decision date</a>' in page
    assert "to decide within 7 days" not in page
    assert '<a href="/dps/call-offs">1 closed call-off to score and award</a>' in page
    assert "1 clarification question to answer" in page


def test_reviewers_and_adopters_see_their_lists(app):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        cohort = fellowship.open_cohort(db.session, team, COHORT)
        applicant = factories.create_user(role=Role.SERVICE_LEAD)
        application = fellowship.apply(db.session, applicant, cohort.id, IDEA)
        reviewer = factories.create_user(role=Role.PANEL_PATIENT)
        idle = factories.create_user(role=Role.PANEL_PATIENT)
        colleague = factories.create_user(role=Role.PANEL_PROFESSIONAL)
        panel = fellowship.form_panel(
            db.session, team, cohort.id, "Panel", [reviewer.id, colleague.id]
        )
        fellowship.assign(db.session, team, application.id, panel.id)
        adopter = factories.create_user(role=Role.ADOPTER)
        factories.create_solution()  # market-ready, published now
        factories.create_solution(maturity="prototype", title="Not yet on the catalogue")
        db.session.commit()
        emails = reviewer.email, idle.email, adopter.email
        db.session.remove()

    reviewer_page, idle_page, adopter_page = (_home(app, email) for email in emails)

    assert '<a href="/fellowship/reviews">1 review to score</a>' in reviewer_page
    assert "No review waits for you." in idle_page
    assert (
        '<a href="/catalogue">1 market-ready product published in the last 30 days</a>'
        in adopter_page
    )


def test_both_parties_see_an_agreement_until_they_have_signed_it(app):
    with app.app_context():
        agreement, lead, innovator = factories.create_agreement("awaiting_signature")
        ids = agreement.id, innovator.id, innovator.active_memberships[0].organisation_id
        emails = lead.email, innovator.email
        db.session.remove()
    assert "1 test-bed agreement waiting for your signature" in _home(app, emails[1])
    with app.app_context():
        agreement_id, innovator_id, organisation_id = ids
        testbeds.sign(db.session, db.session.get(User, innovator_id), agreement_id, organisation_id)
        db.session.commit()
        db.session.remove()

    lead_page, innovator_page = (_home(app, email) for email in emails)

    assert (
        '<a href="/testbeds/mine">1 test-bed agreement waiting for your service&#39;s '
        "signature</a>" in lead_page
    )
    assert "waiting for your signature" not in innovator_page  # signed already
