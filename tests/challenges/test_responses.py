"""Responses to challenges: innovators offer solutions; every response gets an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from challenges import responses
from challenges.models import Response
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def lead(app_context):
    return factories.create_user(role=Role.SERVICE_LEAD, email="lead@example.nhs.uk")


@pytest.fixture
def innovator(app_context):
    company = factories.create_organisation(kind=OrganisationKind.SME)
    return factories.create_user(
        role=Role.INNOVATOR, organisation=company, email="maker@example.org"
    )


@pytest.fixture
def challenge(lead):
    return factories.create_challenge(lead, status="open")


@pytest.fixture
def solution(innovator):
    return factories.create_solution(innovator)


PITCH = "Our sensor shortens time on the floor; we would need 20 homes for a pilot."


def test_respond_shortlist_and_decline_with_reason(session, lead, innovator, challenge, solution):
    response = responses.respond(session, innovator, challenge.id, solution.id, PITCH)
    assert response.status == "submitted"

    responses.shortlist(session, lead, response.id)
    assert response.status == "shortlisted"
    responses.not_taken_forward(session, lead, response.id, "Another product fits our system.")

    assert response.status == "not_taken_forward"
    assert response.decision_reason == "Another product fits our system."
    [own] = responses.of_user_organisations(session, innovator)
    assert own.decision_reason == "Another product fits our system."


def test_a_closed_challenge_takes_no_responses(session, lead, innovator, challenge, solution):
    challenge.closing_date = uk_today() - timedelta(days=1)

    with pytest.raises(InvalidTransition, match="takes no responses"):
        responses.respond(session, innovator, challenge.id, solution.id, PITCH)


def test_you_can_only_respond_with_your_own_published_solution(session, innovator, challenge):
    someone_elses = factories.create_solution()
    own_draft = factories.create_solution(innovator, status="draft")

    for solution_id in (someone_elses.id, own_draft.id, 999999, None):
        with pytest.raises(Invalid) as refused:
            responses.respond(session, innovator, challenge.id, solution_id, PITCH)
        assert "solution_id" in refused.value.fields
    assert factories.count(Response) == 0


@pytest.mark.parametrize(
    ("pitch", "message"),
    [
        ("", "Enter how your solution"),
        ("p" * 3001, "3,000 characters or fewer"),
        ("<script>steal()</script>", "plain text"),
    ],
)
def test_bad_pitches_are_refused(session, innovator, challenge, solution, pitch, message):
    with pytest.raises(Invalid) as refused:
        responses.respond(session, innovator, challenge.id, solution.id, pitch)

    assert any(message in m for m in refused.value.fields["pitch"])
    assert factories.count(Response) == 0


def test_the_same_solution_cannot_be_offered_twice(session, innovator, challenge, solution):
    responses.respond(session, innovator, challenge.id, solution.id, PITCH)

    with pytest.raises(Conflict):
        responses.respond(session, innovator, challenge.id, solution.id, PITCH)


def test_declining_needs_a_reason_and_only_the_service_decides(
    session, lead, innovator, challenge, solution
):
    response = responses.respond(session, innovator, challenge.id, solution.id, PITCH)
    other_lead = factories.create_user(role=Role.SERVICE_LEAD)

    with pytest.raises(Invalid):
        responses.not_taken_forward(session, lead, response.id, "  ")
    with pytest.raises(NotFound):
        responses.shortlist(session, other_lead, response.id)
    with pytest.raises(Forbidden):
        responses.shortlist(session, innovator, response.id)
    assert response.status == "submitted"


def test_innovators_see_only_their_own_responses(session, lead, innovator, challenge, solution):
    responses.respond(session, innovator, challenge.id, solution.id, PITCH)
    rival = factories.create_user(role=Role.INNOVATOR)
    rival_solution = factories.create_solution(rival, title="Rival product")
    responses.respond(session, rival, challenge.id, rival_solution.id, "Ours is better.")

    assert [r.solution.title for r in responses.for_challenge(session, innovator, challenge)] == [
        solution.title
    ]
    assert len(responses.for_challenge(session, lead, challenge)) == 2


def test_the_pages_carry_a_response_from_offer_to_answer(
    app, session, lead, innovator, challenge, solution
):
    maker = factories.sign_in_as(app, innovator.email)
    service = factories.sign_in_as(app, lead.email)
    url = f"/challenges/{challenge.id}"

    missing = post_form(
        maker, f"{url}/responses", {"solution_id": str(solution.id), "pitch": ""}, form_page=url
    )
    sent = post_form(
        maker, f"{url}/responses", {"solution_id": str(solution.id), "pitch": PITCH}, form_page=url
    )
    assert missing.status_code == 422 and "Enter how your solution" in missing.text
    assert sent.status_code == 302
    response = session.scalars(session.query(Response).statement).one()

    assert PITCH in service.get(url).text
    declined = post_form(
        service,
        f"/challenges/responses/{response.id}/decline",
        {"reason": "We need something that works offline."},
        form_page=url,
    )
    assert declined.status_code == 302
    mine = maker.get("/challenges/responses/mine").text
    assert "Not taken forward" in mine and "We need something that works offline." in mine


def test_declining_without_a_reason_shows_the_error_beside_that_response(
    app, session, lead, innovator, challenge, solution
):
    response = responses.respond(session, innovator, challenge.id, solution.id, PITCH)
    session.commit()
    service = factories.sign_in_as(app, lead.email)
    url = f"/challenges/{challenge.id}"

    page = post_form(
        service, f"/challenges/responses/{response.id}/decline", {"reason": ""}, form_page=url
    )

    assert page.status_code == 422
    assert f'href="#decline-{response.id}"' in page.text
    assert "Enter a reason the innovator will see" in page.text
    session.expire_all()
    assert session.get(Response, response.id).status == "submitted"
