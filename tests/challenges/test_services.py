"""Challenge rules, through the service functions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from challenges import services
from challenges.models import Challenge
from marketplace.accounts.models import Role
from marketplace.audit import AuditEvent
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from tests import factories


@pytest.fixture
def lead(session):
    return factories.create_user(role=Role.SERVICE_LEAD)


@pytest.fixture
def team(session):
    return factories.create_user(role=Role.INNOVATION_TEAM)


def actions(session, challenge):
    events = session.query(AuditEvent).filter_by(
        target_type="challenges", target_id=str(challenge.id)
    )
    return [e.action for e in events.order_by(AuditEvent.id)]


def test_the_full_lifecycle_is_audited(session, lead, team):
    challenge = factories.create_challenge(lead)
    services.submit_challenge(session, lead, challenge.id)
    services.publish_challenge(session, team, challenge.id)
    services.close_challenge(session, lead, challenge.id)
    services.archive_challenge(session, team, challenge.id)

    assert challenge.status == "archived"
    assert actions(session, challenge) == [
        "challenge.created",
        "challenge.submitted",
        "challenge.published",
        "challenge.closed",
        "challenge.archived",
    ]


def test_a_draft_may_be_incomplete_but_submitting_names_every_missing_part(session, lead):
    organisation_id = lead.active_memberships[0].organisation_id
    draft = services.create_challenge(
        session, lead, organisation_id, services.ChallengeInput(title="Falls at home")
    )

    with pytest.raises(Invalid) as refused:
        services.submit_challenge(session, lead, draft.id)

    assert set(refused.value.fields) == {
        "need",
        "evidence",
        "affected",
        "outcomes",
        "theme_ids",
        "closing_date",
        "stage_wanted",
    }
    assert draft.status == "draft"


def test_returning_sends_it_back_with_comments_and_it_can_be_resubmitted(session, lead, team):
    challenge = factories.create_challenge(lead, status="submitted")

    services.return_challenge(session, team, challenge.id, "Say how many falls a month.")

    assert challenge.status == "draft"
    assert challenge.was_returned
    assert challenge.review_comments == "Say how many falls a month."
    services.submit_challenge(session, lead, challenge.id)
    assert challenge.status == "submitted"


def test_publishing_needs_review_first(session, lead, team):
    challenge = factories.create_challenge(lead)

    with pytest.raises(InvalidTransition, match="cannot be published"):
        services.publish_challenge(session, team, challenge.id)


def test_only_the_innovation_team_publishes(session, lead):
    challenge = factories.create_challenge(lead, status="submitted")

    with pytest.raises(Forbidden):
        services.publish_challenge(session, lead, challenge.id)


def test_another_organisations_lead_cannot_see_or_change_a_draft(session, lead):
    challenge = factories.create_challenge(lead)
    other = factories.create_user(role=Role.SERVICE_LEAD)

    with pytest.raises(NotFound):
        services.update_challenge(session, other, challenge.id, factories.challenge_input())
    with pytest.raises(NotFound):
        services.submit_challenge(session, other, challenge.id)


def test_posting_for_an_organisation_you_do_not_lead_is_refused(session, lead):
    other_trust = factories.create_organisation()

    with pytest.raises(Invalid) as refused:
        services.create_challenge(session, lead, other_trust.id, factories.challenge_input())

    assert "organisation_id" in refused.value.fields
    assert factories.count(Challenge) == 0


def test_a_published_challenge_can_no_longer_be_edited(session, lead):
    challenge = factories.create_challenge(lead, status="open")

    with pytest.raises(Forbidden, match="Only a draft"):
        services.update_challenge(session, lead, challenge.id, factories.challenge_input())


def test_a_stale_edit_is_a_conflict_not_a_lost_update(session, lead):
    challenge = factories.create_challenge(lead)
    started_from = challenge.version
    services.update_challenge(
        session,
        lead,
        challenge.id,
        factories.challenge_input(title="First editor's title"),
        started_from,
    )
    session.commit()

    with pytest.raises(Conflict, match="Someone else saved"):
        services.update_challenge(
            session,
            lead,
            challenge.id,
            factories.challenge_input(title="Second editor's title"),
            started_from,
        )
    session.rollback()
    assert session.get(Challenge, challenge.id).title == "First editor's title"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "t" * 151}, "title", "150 characters or fewer"),
        ({"need": "n" * 5001}, "need", "5,000 characters or fewer"),
        ({"need": "<script>alert(1)</script>"}, "need", "plain text"),
        ({"outcomes": "Better <b>outcomes</b>"}, "outcomes", "plain text"),
        ({"closing_date": uk_today()}, "closing_date", "must be in the future"),
        ({"closing_date": uk_today() - timedelta(days=3)}, "closing_date", "in the future"),
        ({"stage_wanted": "yesterday"}, "stage_wanted", "from the list"),
        ({"budget_range": "£1bn"}, "budget_range", "from the list"),
        ({"theme_ids": [999999]}, "theme_ids", "from the list"),
        ({"theme_ids": [None]}, "theme_ids", "from the list"),
        ({"sites": "Ward 7\x07"}, "sites", "must not contain"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(session, lead, overrides, field, message):
    organisation_id = lead.active_memberships[0].organisation_id

    with pytest.raises(Invalid) as refused:
        services.create_challenge(
            session, lead, organisation_id, factories.challenge_input(**overrides)
        )

    assert any(message in m for m in refused.value.fields[field])
    session.rollback()
    assert factories.count(Challenge) == 0


def test_a_lone_less_than_sign_is_plain_text(session, lead):
    challenge = factories.create_challenge(lead, outcomes="Waits < 18 weeks for 92% of people")

    assert challenge.outcomes == "Waits < 18 weeks for 92% of people"


def test_retired_themes_cannot_be_chosen(session, lead, team):
    [theme_id] = factories.theme_ids("Frailty")
    services.set_theme_retired(session, team, theme_id, True)

    with pytest.raises(Invalid):
        factories.create_challenge(lead, theme_ids=[theme_id])


def test_withdrawing_needs_a_reason(session, lead):
    challenge = factories.create_challenge(lead, status="open")

    with pytest.raises(Invalid):
        services.withdraw_challenge(session, lead, challenge.id, " ")
    services.withdraw_challenge(session, lead, challenge.id, "Funding ended")

    assert challenge.status == "withdrawn"


def test_a_challenge_past_its_closing_date_reads_as_closed(session, lead):
    challenge = factories.create_challenge(lead, status="open")
    challenge.closing_date = uk_today() - timedelta(days=1)

    assert challenge.status == "closed"
    services.close_challenge(session, lead, challenge.id)
    assert challenge.closed_at is not None


def test_themes_are_managed_by_the_innovation_team(session, team, lead):
    theme = services.add_theme(session, team, "Prevention")
    services.rename_theme(session, team, theme.id, "Prevention and early help")

    with pytest.raises(Invalid, match="problem"):
        services.add_theme(session, team, "prevention and early help")
    with pytest.raises(Forbidden):
        services.add_theme(session, lead, "Anything")
    assert theme.name == "Prevention and early help"
