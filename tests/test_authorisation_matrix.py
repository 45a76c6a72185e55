"""Every route, for every role and for anonymous visitors, against a declared table.

A new route must be added to ``ACCESS`` or the suite fails, so nobody ships a page without
deciding who may use it. This checks the gate (sign-in, role); object-level rules (whose token,
which organisation) have tests of their own.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from challenges import responses as challenge_responses
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.app import create_app
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from marketplace.solutions import adoption
from procurement.dps import call_offs
from tests import factories
from tests.challenges.test_fellows import fellowship_objects
from tests.challenges.test_fellowship_pages import selection_objects
from tests.challenges.test_response_panels import response_panel_objects
from tests.conftest import TEST_CONFIG, csrf_from

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # pages: anonymous visitors are sent to sign in
TEAM = "innovation team"  # pages: others get 403
LEAD = "service lead"  # pages: service leads only, others get 403
INNOVATOR = "innovator or fellow"  # pages: innovators and fellows only, others get 403
OFFICER = "procurement officer"  # pages: procurement officers only, others get 403
PARTNER = "partner organisation"  # pages: anyone acting for a trust, ICB or council (403 otherwise)
OBJECT = "object rule"  # pages: only people tied to the object (none of the actors here) pass
TOKEN = "token"  # API: any valid personal access token, else 401
TOKEN_TEAM = "token, innovation team"  # API: 401 without a token, 403 for other roles
TOKEN_OBJECT = "token, object rule"  # API: 401 without a token, 403 or 404 for the actors here
TOKEN_PARTNER = "token, partner organisation"  # API: 401 without a token, 403 for no role

ACCESS = {
    "static": PUBLIC,
    "pages.home": PUBLIC,
    "pages.healthz": PUBLIC,
    "readiness.readyz": PUBLIC,
    "pages.design_system_asset": PUBLIC,
    "api_docs.docs": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "accounts.register": PUBLIC,
    "accounts.sign_in": PUBLIC,
    "accounts.sign_out": PUBLIC,
    "accounts.account": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.sign_out_everywhere": SIGNED_IN,
    "accounts.join_organisation": SIGNED_IN,
    "accounts.api_tokens": SIGNED_IN,
    "accounts.revoke_api_token": OBJECT,
    "admin.organisations": TEAM,
    "admin.organisation": TEAM,
    "admin.approve_organisation": TEAM,
    "admin.reject_organisation": TEAM,
    "admin.grant_role": TEAM,
    "admin.memberships": TEAM,
    "admin.grant_membership": TEAM,
    "admin.decline_membership": TEAM,
    "admin.revoke_membership": TEAM,
    "admin.audit": TEAM,
    "admin.users": TEAM,
    "admin.disable_user": TEAM,
    "admin.enable_user": TEAM,
    "challenges.browse": SIGNED_IN,
    "challenges.mine": SIGNED_IN,
    "challenges.new": LEAD,
    "challenges.show": SIGNED_IN,
    "challenges.edit": OBJECT,
    "challenges.submit": OBJECT,
    "challenges.withdraw": OBJECT,
    "challenges.publish": TEAM,
    "challenges.return_to_service": TEAM,
    "challenges.close": TEAM,
    "challenges.archive": TEAM,
    "challenges.review": TEAM,
    "challenges.themes": TEAM,
    "challenges_api.Challenges": TOKEN,
    "challenges_api.ChallengeById": TOKEN,
    "challenges_api.ChallengeSubmit": TOKEN_OBJECT,
    "challenges_api.ChallengeWithdraw": TOKEN_OBJECT,
    "challenges_api.ChallengePublish": TOKEN_TEAM,
    "challenges_api.ChallengeReturn": TOKEN_TEAM,
    "challenges_api.ChallengeClose": TOKEN_TEAM,
    "challenges_api.ChallengeArchive": TOKEN_TEAM,
    "themes_api.Themes": TOKEN,
    "challenges_api.ChallengeFeed": TOKEN,
    "challenges.respond": SIGNED_IN,  # then: only with your own published solution (422)
    "challenges.shortlist_response": OBJECT,
    "challenges.decline_response": OBJECT,
    "challenges.my_responses": SIGNED_IN,
    "solutions.browse": SIGNED_IN,
    "solutions.mine": SIGNED_IN,
    "solutions.new": INNOVATOR,
    "solutions.show": SIGNED_IN,
    "solutions.edit_section": OBJECT,
    "solutions.publish": OBJECT,
    "solutions.withdraw": OBJECT,
    "challenges_api.ChallengeResponses": TOKEN,
    "responses_api.MyResponses": TOKEN,
    "responses_api.ShortlistResponse": TOKEN_OBJECT,
    "responses_api.DeclineResponse": TOKEN_OBJECT,
    "solutions_api.Solutions": TOKEN,
    "solutions_api.SolutionById": TOKEN,
    "solutions_api.SolutionOverviewSection": TOKEN_OBJECT,
    "solutions_api.SolutionMaturitySection": TOKEN_OBJECT,
    "solutions_api.SolutionAssuranceSection": TOKEN_OBJECT,
    "solutions_api.SolutionCommercialSection": TOKEN_OBJECT,
    "solutions_api.PublishSolution": TOKEN_OBJECT,
    "solutions_api.WithdrawSolution": TOKEN_OBJECT,
    "catalogue.search": PUBLIC,
    "catalogue.product": PUBLIC,
    "catalogue.compare": PUBLIC,
    "adoption.register": SIGNED_IN,
    "adoption.record": SIGNED_IN,  # then: only for an organisation you act for (422)
    "adoption.update": OBJECT,
    "adoption.enquire": SIGNED_IN,  # then: only on behalf of an organisation you act for (422)
    "adoption.enquiries": SIGNED_IN,
    "adoption.answer": OBJECT,
    "adoptions_api.Adoptions": TOKEN,
    "adoptions_api.AdoptionById": TOKEN_OBJECT,
    "enquiries_api.Enquiries": TOKEN,
    "enquiries_api.AnswerEnquiry": TOKEN_OBJECT,
    "solutions_api.SolutionEnquiries": TOKEN,  # then: only for an organisation you act for (422)
    "catalogue_api.Catalogue": PUBLIC,
    "accounts_api.Registrations": PUBLIC,
    "accounts_api.Me": TOKEN,
    "organisations_api.Organisations": TOKEN,
    "organisations_api.OrganisationById": TOKEN,
    "organisations_api.OrganisationMemberships": TOKEN,
    "organisations_api.ApproveOrganisation": TOKEN_TEAM,
    "organisations_api.RejectOrganisation": TOKEN_TEAM,
    "organisations_api.OrganisationRoles": TOKEN_TEAM,
    "memberships_api.Memberships": TOKEN_TEAM,
    "memberships_api.GrantMembership": TOKEN_TEAM,
    "memberships_api.DeclineMembership": TOKEN_TEAM,
    "memberships_api.RevokeMembership": TOKEN_TEAM,
    "audit_api.AuditEvents": TOKEN_TEAM,
    # Fits: the team, and the challenge's own service or the solution's own organisation.
    "matches.for_challenge": TEAM,
    "matches.decide_for_challenge": OBJECT,
    "matches.for_solution": TEAM,
    "matches.decide_for_solution": OBJECT,
    "matches.mine": SIGNED_IN,
    "matches.weights_page": TEAM,
    "matches.use_weights": TEAM,
    "fits_api.fits_for_challenge": TOKEN_TEAM,
    "fits_api.fits_for_solution": TOKEN_TEAM,
    "fits_api.decide_for_challenge": TOKEN_OBJECT,
    "fits_api.decide_for_solution": TOKEN_OBJECT,
    "fits_api.weights_in_use": TOKEN_TEAM,
    "fits_api.use_weights": TOKEN_TEAM,
    "notifications.index": SIGNED_IN,
    "notifications.open_one": OBJECT,
    "notifications.read_all": SIGNED_IN,
    "notifications_api.list_notifications": TOKEN,
    "notifications_api.mark_read": TOKEN_OBJECT,
    # Test beds: the register for everyone signed in; an agreement for its parties and the team.
    "testbeds.register": SIGNED_IN,
    "testbeds.mine": SIGNED_IN,
    "testbeds.start": OBJECT,  # only for the challenge's own service
    "testbeds.show": TEAM,
    "testbeds.terms": OBJECT,
    "testbeds.add_measure": OBJECT,
    "testbeds.remove_measure": OBJECT,
    "testbeds.record_actual": OBJECT,
    "testbeds.act": OBJECT,
    "testbeds.sign": OBJECT,
    "testbeds.complete": OBJECT,
    "testbeds.terminate": OBJECT,
    "testbeds.version": TEAM,
    "testbeds.printable": TEAM,
    "testbeds_api.register": TOKEN,
    "testbeds_api.start": TOKEN_OBJECT,
    "testbeds_api.show": TOKEN_TEAM,
    "testbeds_api.save_terms": TOKEN_OBJECT,
    "testbeds_api.add_measure": TOKEN_OBJECT,
    "testbeds_api.remove_measure": TOKEN_OBJECT,
    "testbeds_api.record_actual": TOKEN_OBJECT,
    "testbeds_api.share": TOKEN_OBJECT,
    "testbeds_api.send": TOKEN_OBJECT,
    "testbeds_api.reopen": TOKEN_OBJECT,
    "testbeds_api.go_live": TOKEN_OBJECT,
    "testbeds_api.evaluate": TOKEN_OBJECT,
    "testbeds_api.amend": TOKEN_OBJECT,
    "testbeds_api.sign": TOKEN_OBJECT,
    "testbeds_api.complete": TOKEN_OBJECT,
    "testbeds_api.terminate": TOKEN_OBJECT,
    "testbeds_api.version": TOKEN_TEAM,
    # Dynamic purchasing: registers are public; applications are the supplier's and officers'.
    "dps.index": SIGNED_IN,
    "dps.new": OFFICER,
    "dps.show": SIGNED_IN,
    "dps.apply": OBJECT,
    "dps.my_applications": SIGNED_IN,
    "dps.queue": OBJECT,
    "dps.application": OBJECT,
    "dps.decide": OBJECT,
    "dps.extend": OBJECT,
    "dps.answer_request": OBJECT,
    "dps.withdraw": OBJECT,
    "dps.renew": OBJECT,
    "impact.dashboard": PARTNER,
    "impact.figure_csv": PARTNER,
    "funding.index": PARTNER,
    "funding.new": TEAM,
    "funding_api.records": TOKEN_PARTNER,
    "funding_api.record": TOKEN_TEAM,
    "dps.register": PUBLIC,
    "dps.register_csv": PUBLIC,
    "dps_api.systems": TOKEN,
    "dps_api.create_system": TOKEN_OBJECT,
    "dps_api.system": TOKEN,
    "dps_api.apply": TOKEN_OBJECT,
    "dps_api.application": TOKEN_OBJECT,
    "dps_api.assessment": TOKEN_OBJECT,
    "dps_api.decide": TOKEN_OBJECT,
    "dps_api.extend": TOKEN_OBJECT,
    "dps_api.register": PUBLIC,
    "dps.list_product": OBJECT,  # only suppliers admitted to the category
    "dps.withdraw_listing": OBJECT,
    "dps_api.list_product": TOKEN_OBJECT,
    "dps_api.listings": PUBLIC,
    "dps_api.withdraw_listing": TOKEN_OBJECT,
    "call_offs.index": SIGNED_IN,
    "call_offs.new": OFFICER,
    "call_offs.show": OBJECT,
    "call_offs.bid": OBJECT,
    "call_offs.ask": OBJECT,
    "call_offs.answer": OBJECT,
    "call_offs.score": OBJECT,
    "call_offs.award": OBJECT,
    "call_offs.results_csv": OBJECT,
    "dps_api.publish_call_off": TOKEN_OBJECT,
    "dps_api.call_off": TOKEN_OBJECT,
    "dps_api.bid": TOKEN_OBJECT,
    "dps_api.ask": TOKEN_OBJECT,
    "dps_api.answer": TOKEN_OBJECT,
    "dps_api.score": TOKEN_OBJECT,
    "dps_api.award": TOKEN_OBJECT,
    "dps_api.results": TOKEN_OBJECT,
    # Fellows: a fellow's record is for them, their mentor (not an actor here) and the team.
    "fellows.cohort": TEAM,
    "fellows.mine": SIGNED_IN,
    "fellows.mentees": SIGNED_IN,
    "fellows.fellow": TEAM,
    "fellows.assign_mentor": TEAM,
    "fellows.add_milestone": TEAM,
    "fellows.complete_milestone": TEAM,
    "fellows.report_progress": TEAM,
    "fellows.continue_fellowship": TEAM,
    "fellows.end_fellowship": TEAM,
    "fellows.learning_sessions": TEAM,
    "fellows.schedule_session": TEAM,
    "fellows.record_attendance": TEAM,
    "fellows.idea_to_solution": OBJECT,  # the fellow themselves only
    "fellows_api.mine": TOKEN,
    "fellows_api.mentees": TOKEN,
    "fellows_api.cohort": TOKEN_TEAM,
    "fellows_api.fellow": TOKEN_TEAM,
    "fellows_api.assign_mentor": TOKEN_TEAM,
    "fellows_api.add_milestone": TOKEN_TEAM,
    "fellows_api.complete_milestone": TOKEN_TEAM,
    "fellows_api.report_progress": TOKEN_TEAM,
    "fellows_api.continue_fellowship": TOKEN_TEAM,
    "fellows_api.end_fellowship": TOKEN_TEAM,
    "fellows_api.idea_to_solution": TOKEN_OBJECT,
    "fellows_api.learning_sessions": TOKEN_TEAM,
    "fellows_api.schedule_session": TOKEN_TEAM,
    "fellows_api.record_attendance": TOKEN_TEAM,
    # Response panels: the challenge's own lead asks; the team forms and assigns; reviewers
    # score only what they are assigned; results for the challenge's service and the team.
    "response_panels.challenge_panel": TEAM,
    "response_panels.request_panel": OBJECT,
    "response_panels.form_panel": TEAM,
    "response_panels.assign": TEAM,
    "response_panels.score": OBJECT,
    "response_panels.declare_conflict": OBJECT,
    "challenge_panels_api.request_panel": TOKEN_OBJECT,
    "challenge_panels_api.form_panel": TOKEN_TEAM,
    "challenge_panels_api.results": TOKEN_TEAM,
    "challenge_panels_api.assign": TOKEN_TEAM,
    "challenge_panels_api.my_reviews": TOKEN,
    "challenge_panels_api.response_reviews": TOKEN_TEAM,
    "challenge_panels_api.score": TOKEN_OBJECT,
    "challenge_panels_api.declare_conflict": TOKEN_OBJECT,
    # Fellowship selection: open calls are public; staff of partner organisations apply; the
    # team runs selection; reviewers score only what they are assigned (none of the actors).
    "fellowship.cohorts": PUBLIC,
    "fellowship.cohort": PUBLIC,
    "fellowship.new_cohort": TEAM,
    "fellowship.apply": PARTNER,
    "fellowship.mine": SIGNED_IN,
    "fellowship.cohort_applications": TEAM,
    "fellowship.panels": TEAM,
    "fellowship.application": TEAM,
    "fellowship.assign": TEAM,
    "fellowship.advance": TEAM,
    "fellowship.decide": TEAM,
    "fellowship.reviews": SIGNED_IN,
    "fellowship.review": OBJECT,
    "fellowship.declare_conflict": OBJECT,
    "fellowship.queue": TEAM,
    "fellowship_api.cohorts": PUBLIC,
    "fellowship_api.cohort": PUBLIC,
    "fellowship_api.open_cohort": TOKEN_TEAM,
    "fellowship_api.apply": TOKEN_PARTNER,
    "fellowship_api.cohort_applications": TOKEN_TEAM,
    "fellowship_api.panels": TOKEN_TEAM,
    "fellowship_api.form_panel": TOKEN_TEAM,
    "fellowship_api.my_applications": TOKEN,
    "fellowship_api.application": TOKEN_TEAM,  # and the applicant and its reviewers
    "fellowship_api.assign": TOKEN_TEAM,
    "fellowship_api.advance": TOKEN_TEAM,
    "fellowship_api.decide": TOKEN_TEAM,
    "fellowship_api.my_reviews": TOKEN,
    "fellowship_api.submit_scores": TOKEN_OBJECT,
    "fellowship_api.declare_conflict": TOKEN_OBJECT,
}

# Where one URL's methods have different rules.
METHOD_ACCESS = {
    ("challenges_api.ChallengeById", "PATCH"): TOKEN_OBJECT,
}

# JSON bodies that pass schema validation, so the answer shows the gate and not a 422.
API_BODIES = {
    "accounts_api.Registrations": {
        "email": "x@example.org",
        "name": "X",
        "password": "p",
        "role": "adopter",
    },
    "organisations_api.Organisations": {"name": "N", "kind": "sme", "role": "innovator"},
    "organisations_api.OrganisationMemberships": {"role": "adopter"},
    "organisations_api.RejectOrganisation": {"reason": "not a supplier"},
    "organisations_api.OrganisationRoles": {"email": "x@example.org", "role": "adopter"},
    "memberships_api.DeclineMembership": {"reason": "not needed"},
    "challenges_api.ChallengeReturn": {"comments": "add figures"},
    "challenges_api.ChallengeWithdraw": {"reason": "no longer needed"},
    "challenges_api.ChallengeResponses": {"solution_id": 1, "pitch": "It fits"},
    "responses_api.DeclineResponse": {"reason": "not a fit"},
    "solutions_api.Solutions": {"organisation_id": 1, "title": "T"},
    "solutions_api.SolutionOverviewSection": {"title": "T"},
    "solutions_api.WithdrawSolution": {"reason": "replaced"},
    "adoptions_api.Adoptions": {
        "solution_id": 1,
        "organisation_id": 1,
        "site": "S",
        "stage": "using",
        "start_date": "2026-01-01",
    },
    "adoptions_api.AdoptionById": {"stage": "using"},
    "enquiries_api.AnswerEnquiry": {"answer": "Yes"},
    "solutions_api.SolutionEnquiries": {"organisation_id": 1, "message": "Hello"},
    "fits_api.decide_for_challenge": {"status": "shortlisted"},
    "fits_api.decide_for_solution": {"status": "shortlisted"},
    "fits_api.use_weights": {"id": None},
    "testbeds_api.start": {"challenge_id": 1, "solution_id": 1},
    "testbeds_api.save_terms": {"title": "T"},
    "testbeds_api.add_measure": {"name": "M", "unit": "u", "target": 1},
    "testbeds_api.record_actual": {"actual": 1},
    "testbeds_api.sign": {"organisation_id": 1},
    "testbeds_api.complete": {"outcome": "met", "summary": "S"},
    "testbeds_api.terminate": {"reason": "R"},
    "dps_api.create_system": {
        "organisation_id": 1,
        "title": "T",
        "regime": "pcr2015",
        "scope": "S",
        "starts_on": "2026-01-01",
        "ends_on": "2030-01-01",
        "categories": [{"name": "C", "definition": "D"}],
    },
    "dps_api.apply": {"organisation_id": 1, "category_ids": [1], "answers": {}},
    "dps_api.decide": {"decision": "admit"},
    "dps_api.extend": {"reason": "R"},
    "dps_api.list_product": {"solution_id": 1, "price": "P", "terms": "T", "service_levels": "S"},
    "dps_api.publish_call_off": {
        "category_id": 1,
        "buyer_organisation_id": 1,
        "title": "T",
        "requirement": "R",
        "closes_on": "2030-01-01",
        "criteria": [{"name": "Quality", "weight": 100}],
    },
    "dps_api.bid": {"price": 1, "proposal": "P"},
    "dps_api.ask": {"question": "Q"},
    "dps_api.answer": {"answer": "A"},
    "dps_api.score": {"criterion_id": 1, "score": 5},
    "dps_api.award": {"contract_value": 1},
    "fellows_api.assign_mentor": {"mentor_id": 1},
    "fellows_api.add_milestone": {"title": "T", "due_on": "2027-01-01"},
    "fellows_api.report_progress": {"text": "T"},
    "fellows_api.continue_fellowship": {"cohort_id": 1},
    "fellows_api.end_fellowship": {"status": "completed"},
    "fellows_api.idea_to_solution": {"title": "T"},
    "fellows_api.schedule_session": {"title": "T", "held_on": "2027-01-01"},
    "fellows_api.record_attendance": {"fellow_id": 1, "attended": True},
    "challenge_panels_api.form_panel": {
        "name": "P",
        "member_ids": [1, 2],
        "criteria": [{"name": "C", "weight": 100}],
    },
    "challenge_panels_api.score": {"scores": {"C": 1}},
    "challenge_panels_api.declare_conflict": {"reason": "R"},
    "fellowship_api.open_cohort": {
        "title": "T",
        "year": 2030,
        "themes": "T",
        "eligibility": "E",
        "places": 1,
        "opens_on": "2030-01-01",
        "closes_on": "2030-02-01",
        "stages": [{"name": "A"}, {"name": "B"}],
        "criteria": [{"name": "C", "weight": 100}],
    },
    "fellowship_api.form_panel": {"name": "P", "member_ids": [1, 2]},
    "fellowship_api.assign": {"panel_id": 1},
    "fellowship_api.decide": {"outcome": "accepted", "reasons": "R"},
    "fellowship_api.submit_scores": {"scores": {"C": 1}},
    "fellowship_api.declare_conflict": {"reason": "R"},
    "funding_api.record": {
        "solution_id": 1,
        "funder": "F",
        "kind": "grant",
        "amount": 1,
        "received_on": "2026-01-01",
    },
}

ACTORS = [None, "no role", *Role]


def _routes():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule.rule, method


ROUTES = sorted(set(_routes()))


def test_every_route_has_a_declared_rule():
    undeclared = sorted({endpoint for endpoint, _, _ in ROUTES} - set(ACCESS))
    stale = sorted(set(ACCESS) - {endpoint for endpoint, _, _ in ROUTES})

    assert undeclared == [], "declare who may use these routes in ACCESS"
    assert stale == [], "these routes no longer exist"


@pytest.fixture
def objects(app_context):
    """One of each object a URL can name."""
    pending = factories.create_organisation(approved=False, kind=OrganisationKind.SME)
    trust = factories.create_organisation()
    owner = factories.create_user()
    membership = factories.request_role(owner, trust, Role.ADOPTER)
    factories.create_token(owner)
    challenge = factories.create_challenge(status="open")
    solution = factories.create_solution()
    response = challenge_responses.respond(
        db.session, solution.created_by, challenge.id, solution.id, "We can help."
    )
    trust = factories.create_organisation()
    buyer = factories.create_user(role=Role.ADOPTER, organisation=trust)
    record = adoption.record_adoption(
        db.session, buyer, solution.id, trust.id, "Ward 1", "piloting", date(2026, 1, 5)
    )
    enquiry = adoption.send_enquiry(db.session, buyer, solution.id, trust.id, "Interested")
    notify(db.session, [owner], "Something for you", "/account")
    agreement, _, _ = factories.create_agreement("live")
    system, _ = factories.create_system()
    dps_application, _ = factories.create_application(system)
    listing = factories.create_listing(system)
    call_off, _ = factories.create_call_off(system)
    clarification = call_offs.ask(
        db.session, listing.solution.created_by, call_off.id, "Which systems must it link to?"
    )
    bid = call_offs.submit_bid(db.session, listing.solution.created_by, call_off.id, 100, "Bid")
    fellowship = fellowship_objects()
    response_panel = response_panel_objects(challenge, response)
    selection = selection_objects()
    db.session.commit()
    return {
        "adoption_id": record.id,
        "enquiry_id": enquiry.id,
        "response_id": response.id,
        "solution_id": solution.id,
        "section": "overview",
        "challenge_id": challenge.id,
        "organisation_id": pending.id,
        "approved_organisation_id": trust.id,
        "membership_id": membership.id,
        "user_id": owner.id,
        "token_id": _token_id_of(owner),
        "filename": "images/favicon.svg",
        "notification_id": db.session.scalar(db.select(Notification.id)),
        "agreement_id": agreement.id,
        "measure_id": agreement.measures[0].id,
        "number": 1,
        "action": "evaluate",
        "system_id": system.id,
        "application_id": dps_application.id,
        "category_id": system.categories[0].id,
        "listing_id": listing.id,
        "call_off_id": call_off.id,
        "clarification_id": clarification.id,
        "bid_id": bid.id,
        "key": "testbeds",
        **fellowship,
        **response_panel,
        **selection,
    }


def _token_id_of(user) -> int:
    from marketplace.accounts.models import ApiToken
    from marketplace.extensions import db

    return db.session.scalar(db.select(ApiToken.id).where(ApiToken.user_id == user.id))


# Routes whose URL should name a different object than the default for its argument.
URL_OBJECTS = {
    "organisations_api.OrganisationMemberships": {"organisation_id": "approved_organisation_id"},
}
FELLOWS_OBJECTS = {
    name: f"fellows_{name}" for name in ("cohort_id", "fellow_id", "milestone_id", "session_id")
}
URL_OBJECTS.update(
    {e: FELLOWS_OBJECTS for e in ACCESS if e.startswith(("fellows.", "fellows_api."))}
)
SELECTION_OBJECTS = {
    "cohort_id": "selection_cohort_id",
    "application_id": "selection_application_id",
}
URL_OBJECTS.update(
    {e: SELECTION_OBJECTS for e in ACCESS if e.startswith(("fellowship.", "fellowship_api."))}
)
RESPONSE_PANEL_OBJECTS = {"panel_id": "challenge_panel_id", "review_id": "response_review_id"}
URL_OBJECTS.update(
    {
        e: RESPONSE_PANEL_OBJECTS
        for e in ACCESS
        if e.startswith(("response_panels.", "challenge_panels_api."))
    }
)


def _url(endpoint: str, rule: str, objects: dict) -> str:
    if rule.startswith("/static/"):
        return "/static/marketplace.css"
    names = URL_OBJECTS.get(endpoint, {})
    return re.sub(
        r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(objects[names.get(m.group(1), m.group(1))]), rule
    )


def _expected(access: str, actor) -> str:
    if access == PUBLIC:
        return "allowed"
    if actor is None:
        return "unauthenticated"
    if access in (TEAM, TOKEN_TEAM) and actor is not Role.INNOVATION_TEAM:
        return "forbidden"
    if access == LEAD and actor is not Role.SERVICE_LEAD:
        return "forbidden"
    if access == INNOVATOR and actor not in (Role.INNOVATOR, Role.FELLOW):
        return "forbidden"
    if access == OFFICER and actor is not Role.PROCUREMENT_OFFICER:
        return "forbidden"
    if access in (PARTNER, TOKEN_PARTNER) and actor == "no role":  # actors act for NHS trusts
        return "forbidden"
    if access in (OBJECT, TOKEN_OBJECT):
        return "forbidden"
    return "allowed"


def _outcome(response, api: bool, expected_object: bool = False) -> str:
    if response.status_code == 401 and api:
        return "unauthenticated"
    if response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]:
        return "unauthenticated"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 404 and (not api or expected_object):
        return "forbidden"  # an object you may not see is not found, which also keeps it out
    return "allowed"


def _page_client(app, actor):
    client = app.test_client()
    if actor is not None:
        role = None if actor == "no role" else actor
        client = factories.sign_in_as(app, factories.create_user(role=role).email)
    page = client.get("/account" if actor is not None else "/sign-in")
    return client, {"csrf_token": csrf_from(page.text)}, {}


def _api_client(app, actor):
    if actor is None:
        return app.test_client(), None, {}
    role = None if actor == "no role" else actor
    secret = factories.create_token(factories.create_user(role=role))
    return app.test_client(), None, {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES, ids=lambda v: str(v))
def test_route_access_matches_the_table(app, objects, endpoint, rule, method):
    api = rule.startswith("/api/")
    url = _url(endpoint, rule, objects)
    mismatches = []
    for actor in ACTORS:
        client, form, headers = (_api_client if api else _page_client)(app, actor)
        kwargs = {"headers": headers}
        if method != "GET":
            kwargs["json" if api else "data"] = API_BODIES.get(endpoint, {}) if api else form
        response = client.open(url, method=method, **kwargs)
        access = METHOD_ACCESS.get((endpoint, method), ACCESS[endpoint])
        got = _outcome(response, api, expected_object=access == TOKEN_OBJECT)
        want = _expected(access, actor)
        if got != want:
            mismatches.append(f"{actor}: got {got} ({response.status_code}), want {want}")
    assert mismatches == []
