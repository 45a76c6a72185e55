"""Who may do what. One function per action.

Services call these to enforce a rule; templates call the same functions to decide whether to
show a button. A function answers for a user (possibly anonymous) and, where the rule depends on
it, the object acted on.
"""

from __future__ import annotations

from marketplace.accounts.models import ApiToken, Organisation, Role


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_innovation_team(user) -> bool:
    return _signed_in(user) and user.has_role(Role.INNOVATION_TEAM)


def may_review_organisations(user) -> bool:
    return is_innovation_team(user)


def may_decide_memberships(user) -> bool:
    return is_innovation_team(user)


def may_manage_users(user) -> bool:
    return is_innovation_team(user)


def may_read_audit(user) -> bool:
    return is_innovation_team(user)


def may_view_organisation(user, organisation: Organisation) -> bool:
    """Approved organisations are visible to everyone signed in; pending ones to their proposer."""
    if not _signed_in(user):
        return False
    if organisation.is_approved or is_innovation_team(user):
        return True
    return organisation.proposed_by_id == user.id


def may_request_membership(user, organisation: Organisation) -> bool:
    if not _signed_in(user) or organisation.rejected_at is not None:
        return False
    return organisation.is_approved or organisation.proposed_by_id == user.id


def may_revoke_token(user, token: ApiToken) -> bool:
    return _signed_in(user) and token.user_id == user.id
