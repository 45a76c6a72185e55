"""Policy and lifecycle rules, checked without Flask or a database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marketplace.accounts import lifecycle, policy
from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.db import utcnow
from marketplace.errors import InvalidTransition


def organisation(approved=True, proposed_by_id=None, rejected=False):
    return Organisation(
        id=1,
        name="Org",
        approved_at=utcnow() if approved else None,
        rejected_at=utcnow() if rejected else None,
        proposed_by_id=proposed_by_id,
    )


def user(*roles, user_id=10, org=None):
    person = User(id=user_id, email="u@example.org", name="U", password_hash="x", session_token="t")
    org = org or organisation()
    person.memberships = [
        Membership(role=role, organisation=org, organisation_id=org.id, granted_at=utcnow())
        for role in roles
    ]
    return person


ANONYMOUS = SimpleNamespace(is_authenticated=False)


def test_the_innovation_team_is_recognised_only_through_an_active_membership():
    assert policy.is_innovation_team(user(Role.INNOVATION_TEAM))
    assert not policy.is_innovation_team(user(Role.SERVICE_LEAD))
    assert not policy.is_innovation_team(ANONYMOUS)
    assert not policy.is_innovation_team(None)


def test_a_role_in_an_organisation_not_yet_approved_gives_no_power():
    assert not policy.is_innovation_team(
        user(Role.INNOVATION_TEAM, org=organisation(approved=False))
    )


def test_a_revoked_role_gives_no_power():
    person = user(Role.INNOVATION_TEAM)
    person.memberships[0].revoked_at = utcnow()

    assert not policy.is_innovation_team(person)


def test_pending_organisations_are_visible_to_their_proposer_and_the_team_only():
    pending = organisation(approved=False, proposed_by_id=10)

    assert policy.may_view_organisation(user(user_id=10), pending)
    assert not policy.may_view_organisation(user(user_id=11), pending)
    assert policy.may_view_organisation(user(Role.INNOVATION_TEAM, user_id=12), pending)
    assert not policy.may_view_organisation(ANONYMOUS, organisation())


def test_nobody_may_join_a_rejected_organisation():
    rejected = organisation(approved=False, rejected=True, proposed_by_id=10)

    assert not policy.may_request_membership(user(user_id=10), rejected)


@pytest.mark.parametrize(
    ("noun", "current", "target"),
    [
        ("organisation", "pending", "approved"),
        ("organisation", "pending", "rejected"),
        ("organisation", "rejected", "approved"),
        ("membership", "requested", "granted"),
        ("membership", "requested", "declined"),
        ("membership", "granted", "revoked"),
    ],
)
def test_legal_moves_pass(noun, current, target):
    lifecycle.guard(noun, current, target)


@pytest.mark.parametrize(
    ("noun", "current", "target", "message"),
    [
        (
            "organisation",
            "approved",
            "rejected",
            "This organisation is approved, so it cannot be rejected",
        ),
        ("organisation", "approved", "approved", "This organisation is already approved"),
        (
            "membership",
            "declined",
            "granted",
            "This membership is declined, so it cannot be granted",
        ),
        ("membership", "revoked", "granted", "This membership is revoked, so it cannot be granted"),
        (
            "membership",
            "requested",
            "revoked",
            "This membership is requested, so it cannot be revoked",
        ),
    ],
)
def test_illegal_moves_are_refused(noun, current, target, message):
    with pytest.raises(InvalidTransition, match=message):
        lifecycle.guard(noun, current, target)
