"""Who may do what. One function per action.

Services call these to enforce a rule; templates call the same functions to decide whether to
show a button. A function answers for a user (possibly anonymous) and, where the rule depends on
it, the object acted on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketplace.accounts.models import ApiToken, Organisation, Role

if TYPE_CHECKING:
    from challenges.models import Challenge, Response
    from marketplace.solutions.models import Solution


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_innovation_team(user) -> bool:
    return _signed_in(user) and user.has_role(Role.INNOVATION_TEAM)


def may_see_match_scores(user) -> bool:
    """The numbers behind a fit (cosines, BM25, the blend) help the team tune the engine; to
    everyone else they are noise beside the plain-English reasons."""
    return is_innovation_team(user)


def may_tune_matching(user) -> bool:
    """Learning the ranking's weights from decisions, and choosing which weights are in use,
    changes every list everyone sees: the innovation team's call."""
    return is_innovation_team(user)


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


# --- challenges ---------------------------------------------------------------------------

PUBLIC_CHALLENGE_STATUSES = {"open", "closed", "archived"}


def is_service_lead_for(user, organisation_id: int) -> bool:
    return _signed_in(user) and user.has_role(Role.SERVICE_LEAD, organisation_id)


def may_create_challenge(user, organisation: Organisation) -> bool:
    return organisation.is_approved and is_service_lead_for(user, organisation.id)


def may_edit_challenge(user, challenge: Challenge) -> bool:
    """Only drafts change; once submitted, the text is what the reviewers and bidders saw."""
    return challenge.status == "draft" and is_service_lead_for(user, challenge.organisation_id)


def may_submit_challenge(user, challenge: Challenge) -> bool:
    return may_edit_challenge(user, challenge)


def may_withdraw_challenge(user, challenge: Challenge) -> bool:
    return is_service_lead_for(user, challenge.organisation_id)


def may_review_challenge(user) -> bool:
    return is_innovation_team(user)


def may_close_challenge(user, challenge: Challenge) -> bool:
    return is_service_lead_for(user, challenge.organisation_id) or is_innovation_team(user)


def may_view_challenge(user, challenge: Challenge) -> bool:
    """Published challenges are for everyone signed in; drafts for their service and the team."""
    if not _signed_in(user):
        return False
    if challenge.status in PUBLIC_CHALLENGE_STATUSES:
        return True
    return is_service_lead_for(user, challenge.organisation_id) or is_innovation_team(user)


def may_manage_themes(user) -> bool:
    return is_innovation_team(user)


# --- solutions ----------------------------------------------------------------------------

SOLUTION_ROLES = (Role.INNOVATOR, Role.FELLOW)


def may_manage_solutions_for(user, organisation_id: int) -> bool:
    """Innovators and fellows record and keep up to date their organisation's solutions."""
    return _signed_in(user) and any(user.has_role(r, organisation_id) for r in SOLUTION_ROLES)


def may_edit_solution(user, solution: Solution) -> bool:
    return solution.status != "withdrawn" and may_manage_solutions_for(
        user, solution.organisation_id
    )


def may_view_solution(user, solution: Solution) -> bool:
    """Published solutions are for everyone signed in; drafts for their organisation and team."""
    if not _signed_in(user):
        return False
    if solution.status == "published":
        return True
    return may_manage_solutions_for(user, solution.organisation_id) or is_innovation_team(user)


# --- responses to challenges --------------------------------------------------------------


def may_respond_with(user, challenge: Challenge, solution: Solution) -> bool:
    return (
        challenge.status == "open"
        and solution.status == "published"
        and may_manage_solutions_for(user, solution.organisation_id)
    )


def may_decide_response(user, response: Response) -> bool:
    """The challenge's own service decides which responses go forward."""
    return is_service_lead_for(user, response.challenge.organisation_id)


def may_view_response(user, response: Response) -> bool:
    return (
        may_decide_response(user, response)
        or may_manage_solutions_for(user, response.solution.organisation_id)
        or is_innovation_team(user)
    )


# --- adoption and enquiries ---------------------------------------------------------------

# Who may record, for their organisation, that it is exploring, piloting or using a solution.
ADOPTION_ROLES = (Role.ADOPTER, Role.SERVICE_LEAD, Role.PROCUREMENT_OFFICER)
ADOPTING_KINDS = {"nhs_trust", "icb", "local_authority"}


def may_record_adoption_for(user, organisation: Organisation) -> bool:
    return (
        _signed_in(user)
        and organisation.is_approved
        and organisation.kind.value in ADOPTING_KINDS
        and any(user.has_role(r, organisation.id) for r in ADOPTION_ROLES)
    )


def may_enquire_for(user, organisation: Organisation) -> bool:
    """Adopters, service leads and procurement officers ask suppliers on their organisation's
    behalf."""
    return may_record_adoption_for(user, organisation)


# --- matches between challenges and solutions -------------------------------------------------

# A challenge's fits are ranked from submission (its service can prepare) until it is archived.
MATCHABLE_CHALLENGE_STATUSES = {"submitted", "open", "closed"}


def may_see_fits_for_challenge(user, challenge: Challenge) -> bool:
    """Its service and the innovation team; other innovators must not see who else was ranked."""
    return challenge.status in MATCHABLE_CHALLENGE_STATUSES and (
        is_service_lead_for(user, challenge.organisation_id) or is_innovation_team(user)
    )


def may_decide_fit_for_challenge(user, challenge: Challenge) -> bool:
    """Shortlist, dismiss or accept a solution: the service that owns the need."""
    return challenge.status in MATCHABLE_CHALLENGE_STATUSES and is_service_lead_for(
        user, challenge.organisation_id
    )


def may_see_fits_for_solution(user, solution: Solution) -> bool:
    return solution.status == "published" and (
        may_manage_solutions_for(user, solution.organisation_id) or is_innovation_team(user)
    )


def may_decide_fit_for_solution(user, solution: Solution) -> bool:
    """Innovators keep their own list: shortlist or dismiss open challenges for a solution."""
    return solution.status == "published" and may_manage_solutions_for(
        user, solution.organisation_id
    )


# --- test-bed agreements ------------------------------------------------------------------

# Who acts for each party: the host service (its leads and procurement officers) and the
# innovator (the solution's innovators and fellows).
HOST_ROLES = (Role.SERVICE_LEAD, Role.PROCUREMENT_OFFICER)


def acts_for_host(user, agreement) -> bool:
    return _signed_in(user) and any(
        user.has_role(r, agreement.host_organisation_id) for r in HOST_ROLES
    )


def acts_for_innovator(user, agreement) -> bool:
    return may_manage_solutions_for(user, agreement.innovator_organisation_id)


def may_start_agreement(user, challenge: Challenge) -> bool:
    return is_service_lead_for(user, challenge.organisation_id)


def may_view_agreement(user, agreement) -> bool:
    """A draft is the host's until it is shared; then both parties and the innovation team."""
    if acts_for_host(user, agreement) or is_innovation_team(user):
        return True
    return agreement.status.value != "draft" and acts_for_innovator(user, agreement)


def may_edit_agreement(user, agreement) -> bool:
    status = agreement.status.value
    if status == "draft":
        return acts_for_host(user, agreement)
    return status == "negotiation" and (
        acts_for_host(user, agreement) or acts_for_innovator(user, agreement)
    )


def may_sign_agreement_for(user, agreement, organisation_id: int) -> bool:
    """Someone with authority in that party: for the host a service lead or procurement
    officer, for the innovator one of its innovators or fellows."""
    if organisation_id == agreement.host_organisation_id:
        return acts_for_host(user, agreement)
    if organisation_id == agreement.innovator_organisation_id:
        return acts_for_innovator(user, agreement)
    return False


def may_run_trial(user, agreement) -> bool:
    """Start the trial, move it to evaluation and record the outcome: the host service."""
    return acts_for_host(user, agreement)


def may_act_on_agreement(user, agreement) -> bool:
    """Send for signature, reopen, amend, terminate, record actual values: either party."""
    return acts_for_host(user, agreement) or acts_for_innovator(user, agreement)


# --- the dynamic purchasing system ---------------------------------------------------------


def may_run_purchasing_for(user, organisation_id: int) -> bool:
    """Procurement officers run their organisation's purchasing systems."""
    return _signed_in(user) and user.has_role(Role.PROCUREMENT_OFFICER, organisation_id)


def may_apply_as_supplier(user, organisation: Organisation) -> bool:
    """A supplier applies through its innovators; its own procurement team cannot admit it."""
    return organisation.is_approved and may_manage_solutions_for(user, organisation.id)


def may_decide_application(user, application) -> bool:
    """The system's procurement officers, unless the applicant is their own organisation or
    one they act for as a supplier."""
    return (
        may_run_purchasing_for(user, application.system.organisation_id)
        and application.organisation_id != application.system.organisation_id
        and not may_manage_solutions_for(user, application.organisation_id)
    )


def may_view_application(user, application) -> bool:
    """The supplier's own people and the system's procurement officers; nobody else, not even
    another supplier."""
    return may_manage_solutions_for(user, application.organisation_id) or may_run_purchasing_for(
        user, application.system.organisation_id
    )


# --- the programme's impact view -------------------------------------------------------------

PARTNER_KINDS = {"nhs_trust", "icb", "local_authority"}


def may_view_impact(user) -> bool:
    """The innovation team and the partnership's own organisations (trusts, ICB, council)."""
    return is_innovation_team(user) or _in_a_partner_organisation(user)


def _in_a_partner_organisation(user) -> bool:
    return _signed_in(user) and any(
        m.organisation.kind.value in PARTNER_KINDS for m in user.active_memberships
    )


# --- the innovation fellowship and its selection panels --------------------------------------


def may_run_fellowship(user) -> bool:
    """Opening cohorts, forming panels, assigning reviewers, moving applications through the
    stages, deciding, appointing mentors and setting milestones: the innovation team's work."""
    return is_innovation_team(user)


def may_run_selection_of(user, application) -> bool:
    """The team runs each selection, except that nobody runs their own application's."""
    return may_run_fellowship(user) and application.applicant_id != user.id


def may_apply_to_fellowship(user) -> bool:
    """The fellowship is for staff of the partnership's NHS trusts, ICB and council."""
    return _in_a_partner_organisation(user)


def may_score(user, review) -> bool:
    """Only the reviewer a review is assigned to scores it, and not once recused."""
    return _signed_in(user) and review.reviewer_id == user.id and not review.recused


def may_view_fellowship_application(user, application, reviewer_ids=()) -> bool:
    """The team, the applicant, and the reviewers assigned to it (who need to read it even to
    declare a conflict)."""
    return is_innovation_team(user) or (
        _signed_in(user) and (application.applicant_id == user.id or user.id in reviewer_ids)
    )


def may_view_fellow(user, fellow) -> bool:
    """A fellow's record (milestones, progress, attendance) is for the fellow, their mentor
    and the team."""
    return is_innovation_team(user) or (
        _signed_in(user) and user.id in (fellow.user_id, fellow.mentor_id)
    )


def may_set_milestones(user, fellow) -> bool:
    """The team and the fellow's mentor set milestones."""
    return is_innovation_team(user) or (_signed_in(user) and fellow.mentor_id == user.id)


def may_report_progress(user, fellow) -> bool:
    """Fellows and their mentors report progress and complete milestones; so may the team."""
    return fellow.status == "active" and may_view_fellow(user, fellow)


def may_turn_idea_into_solution(user, fellow) -> bool:
    """The fellow themselves, who holds the fellow role at their organisation once accepted."""
    return _signed_in(user) and fellow.user_id == user.id


def may_request_panel(user, challenge: Challenge) -> bool:
    """A service asks for a panel to score the responses to its own challenge."""
    return is_service_lead_for(user, challenge.organisation_id)


def may_see_panel_scores(user, challenge: Challenge) -> bool:
    """The moderated scores of a challenge's responses go to its service and to the team."""
    return is_innovation_team(user) or is_service_lead_for(user, challenge.organisation_id)


def may_record_funding(user) -> bool:
    """Inward investment and funding are recorded by the innovation team."""
    return is_innovation_team(user)
