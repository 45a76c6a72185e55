"""The innovation team's pages: organisations, roles and the audit log."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Membership, Organisation, OrganisationKind, Role
from marketplace.audit import AuditEvent
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def team(signed_in):
    return signed_in(Role.INNOVATION_TEAM)


@pytest.fixture
def pending(app_context):
    """A company proposed at registration, with its proposer's role request."""
    return factories.create_organisation(
        approved=False, name="Northgate Digital Ltd", kind=OrganisationKind.SME
    )


def pending_requests(session, organisation):
    statement = session.query(Membership).filter_by(organisation_id=organisation.id).statement
    return session.scalars(statement).all()


def events(session, action, target=None):
    query = session.query(AuditEvent).filter_by(action=action)
    if target is not None:
        query = query.filter_by(target_type=target.__tablename__, target_id=str(target.id))
    return session.scalars(query.statement).all()


def test_pending_organisations_are_listed_for_review(team, pending):
    page = team.get("/admin/organisations?status=pending")

    assert "Northgate Digital Ltd" in page.text


def test_approving_an_organisation_then_granting_the_requested_role(team, session, pending):
    url = f"/admin/organisations/{pending.id}"
    post_form(team, f"{url}/approve", {}, form_page=url)
    [membership] = pending_requests(session, pending)

    response = post_form(team, f"/admin/memberships/{membership.id}/grant", {}, form_page=url)

    assert response.status_code == 302
    session.expire_all()
    assert session.get(Organisation, pending.id).status == "approved"
    assert session.get(Membership, membership.id).status == "granted"
    assert len(events(session, "organisation.approved", pending)) == 1
    assert len(events(session, "membership.granted", membership)) == 1


def test_a_role_cannot_be_granted_before_its_organisation_is_approved(team, session, pending):
    [membership] = pending_requests(session, pending)

    response = post_form(
        team, f"/admin/memberships/{membership.id}/grant", {}, form_page="/admin/memberships"
    )

    assert response.status_code == 409
    assert "Approve the organisation before granting roles" in response.text
    session.expire_all()
    assert session.get(Membership, membership.id).status == "requested"


def test_rejecting_needs_a_reason_which_the_proposer_then_sees(team, session, pending, app):
    url = f"/admin/organisations/{pending.id}"

    missing = post_form(team, f"{url}/reject", {"reason": "  "}, form_page=url)
    assert missing.status_code == 422
    assert "Give a reason" in missing.text
    session.expire_all()
    assert session.get(Organisation, pending.id).status == "pending"

    post_form(team, f"{url}/reject", {"reason": "Not a health or care supplier"}, form_page=url)
    session.expire_all()
    organisation = session.get(Organisation, pending.id)
    assert organisation.status == "rejected"
    proposer = factories.sign_in_as(app, organisation.proposed_by.email)
    assert "Not a health or care supplier" in proposer.get("/account").text


def test_approving_twice_is_an_invalid_transition(team, session, pending):
    url = f"/admin/organisations/{pending.id}"
    post_form(team, f"{url}/approve", {}, form_page=url)

    again = post_form(team, f"{url}/approve", {}, form_page=url)

    assert again.status_code == 409
    assert "This organisation is already approved" in again.text
    assert len(events(session, "organisation.approved", pending)) == 1


def test_declining_a_role_request_with_a_reason(team, session, app):
    trust = factories.create_organisation()
    person = factories.create_user()
    membership = factories.request_role(person, trust, Role.PROCUREMENT_OFFICER)

    post_form(
        team,
        f"/admin/memberships/{membership.id}/decline",
        {"reason": "Procurement roles are for the procurement team"},
        form_page="/admin/memberships",
    )

    session.expire_all()
    assert session.get(Membership, membership.id).status == "declined"
    own = factories.sign_in_as(app, person.email).get("/account")
    assert "Procurement roles are for the procurement team" in own.text


def test_granting_a_role_by_email(team, session):
    trust = factories.create_organisation()
    person = factories.create_user(email="new.lead@example.nhs.uk")
    url = f"/admin/organisations/{trust.id}"

    response = post_form(
        team,
        f"{url}/grant",
        {"email": "new.lead@example.nhs.uk", "role": "service_lead"},
        form_page=url,
    )

    assert response.status_code == 302
    session.expire_all()
    assert session.get(type(person), person.id).has_role(Role.SERVICE_LEAD, trust.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nobody@example.org", "role": "service_lead"}, "someone with an account"),
        ({"email": "not an email", "role": "service_lead"}, "correct format"),
        ({"email": "", "role": "service_lead"}, "Enter your email address"),
        ({"email": "x@example.org", "role": "emperor"}, "Select a role"),
    ],
)
def test_granting_a_role_with_bad_input(team, session, data, message):
    trust = factories.create_organisation()
    factories.create_user(email="x@example.org")
    before = factories.count(Membership)

    response = post_form(
        team,
        f"/admin/organisations/{trust.id}/grant",
        data,
        form_page=f"/admin/organisations/{trust.id}",
    )

    assert response.status_code == 422
    assert message in response.text
    assert factories.count(Membership) == before


def test_revoking_a_role_removes_access(team, session, app):
    person = factories.create_user(role=Role.INNOVATION_TEAM)
    other_team = factories.sign_in_as(app, person.email)
    assert other_team.get("/admin/audit").status_code == 200
    [membership] = session.get(type(person), person.id).memberships

    post_form(
        team,
        f"/admin/memberships/{membership.id}/revoke",
        {},
        form_page="/admin/memberships?status=granted",
    )

    assert other_team.get("/admin/audit").status_code == 403


def test_the_audit_log_filters_by_object_and_by_actor(team, session, pending):
    post_form(
        team,
        f"/admin/organisations/{pending.id}/approve",
        {},
        form_page=f"/admin/organisations/{pending.id}",
    )
    approver = events(session, "organisation.approved", pending)[0].actor

    by_object = team.get(f"/admin/audit?target_type=organisations&target_id={pending.id}")
    by_actor = team.get(f"/admin/audit?actor_id={approver.id}")
    by_nobody = team.get("/admin/audit?target_type=organisations&target_id=999999")

    assert "organisation.approved" in by_object.text
    assert "organisation.proposed" in by_object.text
    assert "user.registered" not in by_object.text
    assert "organisation.approved" in by_actor.text
    assert "organisation.proposed" not in by_actor.text
    assert "No events match these filters" in by_nobody.text


@pytest.mark.parametrize("query", ["actor_id=abc", "target_id=" + "9" * 500, "page=-3", "page=x"])
def test_the_audit_log_survives_nonsense_filters(team, query):
    assert team.get(f"/admin/audit?{query}").status_code == 200


@pytest.mark.parametrize("role", [None, Role.SERVICE_LEAD, Role.PROCUREMENT_OFFICER])
def test_other_roles_cannot_use_team_pages(signed_in, role):
    client = signed_in(role)

    assert client.get("/admin/organisations").status_code == 403
    assert client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/organisations/99999999999999999999999",
        "/admin/audit?actor_id=99999999999999999999999",
        "/admin/audit?page=99999999999999999999999",
        "/admin/organisations?page=99999999999999999999",
    ],
)
def test_numbers_too_large_for_the_database_are_handled(team, path):
    response = team.get(path)

    assert response.status_code in {200, 404}


def test_disabling_an_account_ends_its_sessions_and_tokens(team, session, app):
    person = factories.create_user(email="leaver@example.org", role=Role.ADOPTER)
    browser = factories.sign_in_as(app, person.email)
    secret = factories.create_token(person)

    response = post_form(
        team,
        f"/admin/users/{person.id}/disable",
        {"reason": "Left the trust"},
        form_page="/admin/users",
    )

    assert response.status_code == 302
    assert browser.get("/account").status_code == 302
    assert (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        .status_code
        == 401
    )
    assert len(events(session, "user.disabled", person)) == 1

    post_form(team, f"/admin/users/{person.id}/enable", {}, form_page="/admin/users")
    factories.sign_in_as(app, person.email)


def test_disabling_needs_a_reason_and_never_yourself(team, session):
    person = factories.create_user(email="stays@example.org")

    no_reason = post_form(
        team, f"/admin/users/{person.id}/disable", {"reason": ""}, form_page="/admin/users"
    )
    me = session.scalar(
        session.query(type(person)).filter(type(person).email != "stays@example.org").statement
    )
    yourself = post_form(
        team, f"/admin/users/{me.id}/disable", {"reason": "test"}, form_page="/admin/users"
    )

    assert no_reason.status_code == 422
    assert "Give a reason" in no_reason.text
    assert yourself.status_code == 409
    assert "cannot disable your own account" in yourself.text
    session.expire_all()
    assert session.get(type(person), person.id).disabled_at is None


def test_people_can_be_found_by_name_or_email(team, session):
    factories.create_user(email="find.me@example.org", name="Findable Person")

    assert "Findable Person" in team.get("/admin/users?q=find.me").text
    assert "Findable Person" not in team.get("/admin/users?q=nobody-like-this").text
