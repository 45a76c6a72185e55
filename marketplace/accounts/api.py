"""JSON API for accounts and organisations. Each endpoint: schema → one service call → schema."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.access import public
from marketplace.accounts import policy, queries, services
from marketplace.accounts.models import Organisation
from marketplace.accounts.schemas import (
    AuditEventPageSchema,
    AuditQuerySchema,
    GrantRoleSchema,
    MembershipPageSchema,
    MembershipQuerySchema,
    MembershipRequestSchema,
    MembershipSchema,
    MessageSchema,
    OrganisationPageSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    ProposeOrganisationSchema,
    ReasonSchema,
    RegistrationSchema,
    UserSchema,
)
from marketplace.accounts.views import REGISTERED_MESSAGE
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db, limiter

# Services name fields as the forms do; these are their names in API bodies.
PROPOSAL_FIELDS = {"organisation_name": "name", "organisation_kind": "kind"}
REGISTRATION_FIELDS = {
    "organisation_name": "new_organisation.name",
    "organisation_kind": "new_organisation.kind",
    "ods_code": "new_organisation.ods_code",
    "companies_house_number": "new_organisation.companies_house_number",
}

accounts = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Accounts")
organisations = Blueprint(
    "organisations_api", __name__, url_prefix="/api/v1/organisations", description="Organisations"
)
memberships = Blueprint(
    "memberships_api", __name__, url_prefix="/api/v1/memberships", description="Roles"
)
audit = Blueprint("audit_api", __name__, url_prefix="/api/v1/audit-events", description="Audit")
blueprints = [accounts, organisations, memberships, audit]


def _register_limit() -> str:
    from flask import current_app

    return current_app.config["REGISTER_RATE_LIMIT"]


@accounts.route("/registrations")
@public
class Registrations(MethodView):
    @limiter.limit(_register_limit)
    @accounts.arguments(RegistrationSchema)
    @accounts.response(202, MessageSchema)
    @accounts.doc(security=[])
    def post(self, data):
        """Create an account with a role request.

        The answer is the same whether or not the email already has an account.
        """
        new = data.get("new_organisation")
        try:
            services.register(
                db.session,
                email=data["email"],
                name=data["name"],
                password=data["password"],
                role=data["role"],
                organisation_id=data.get("organisation_id"),
                new_organisation=services.NewOrganisation(**new) if new else None,
            )
        except Invalid as error:
            raise error.renamed(REGISTRATION_FIELDS) from None
        db.session.commit()
        return {"message": REGISTERED_MESSAGE}


@accounts.route("/me")
class Me(MethodView):
    @accounts.response(200, UserSchema)
    def get(self):
        """The user the token belongs to, with their roles."""
        return current_user


@organisations.route("")
class Organisations(MethodView):
    @organisations.arguments(OrganisationQuerySchema, location="query")
    @organisations.response(200, OrganisationPageSchema)
    def get(self, args):
        """Approved organisations; the innovation team can filter by any status."""
        status = args.get("status", "approved")
        if status != "approved" and not policy.may_review_organisations(current_user):
            raise Forbidden("Only the innovation team can list organisations that are not approved")
        return queries.organisations(
            db.session,
            status=status,
            kind=args.get("kind"),
            text=args.get("q"),
            page=args["page"],
            per_page=args["per_page"],
        )

    @organisations.arguments(ProposeOrganisationSchema)
    @organisations.response(201, OrganisationSchema)
    def post(self, data):
        """Propose a new organisation, with the role you need in it."""
        role = data.pop("role")
        try:
            organisation = services.propose_organisation(
                db.session, current_user, services.NewOrganisation(**data), role
            )
        except Invalid as error:
            raise error.renamed(PROPOSAL_FIELDS) from None
        db.session.commit()
        return organisation


def _visible_organisation(organisation_id: int) -> Organisation:
    organisation = get_by_id(db.session, Organisation, organisation_id)
    if organisation is None or not policy.may_view_organisation(current_user, organisation):
        raise NotFound("No such organisation")
    return organisation


@organisations.route("/<int:organisation_id>")
class OrganisationById(MethodView):
    @organisations.response(200, OrganisationSchema)
    def get(self, organisation_id):
        return _visible_organisation(organisation_id)


@organisations.route("/<int:organisation_id>/approve")
class ApproveOrganisation(MethodView):
    @organisations.response(200, OrganisationSchema)
    def post(self, organisation_id):
        """Innovation team: approve a proposed organisation."""
        organisation = services.approve_organisation(db.session, current_user, organisation_id)
        db.session.commit()
        return organisation


@organisations.route("/<int:organisation_id>/reject")
class RejectOrganisation(MethodView):
    @organisations.arguments(ReasonSchema)
    @organisations.response(200, OrganisationSchema)
    def post(self, data, organisation_id):
        """Innovation team: reject a proposed organisation, with a reason its proposer sees."""
        organisation = services.reject_organisation(
            db.session, current_user, organisation_id, data["reason"]
        )
        db.session.commit()
        return organisation


@organisations.route("/<int:organisation_id>/memberships")
class OrganisationMemberships(MethodView):
    @organisations.arguments(MembershipRequestSchema)
    @organisations.response(201, MembershipSchema)
    def post(self, data, organisation_id):
        """Ask for a role in an organisation."""
        membership = services.request_membership(
            db.session, current_user, organisation_id, data["role"]
        )
        db.session.commit()
        return membership


@organisations.route("/<int:organisation_id>/roles")
class OrganisationRoles(MethodView):
    @organisations.arguments(GrantRoleSchema)
    @organisations.response(201, MembershipSchema)
    def post(self, data, organisation_id):
        """Innovation team: give someone with an account a role in this organisation."""
        membership = services.grant_role_by_email(
            db.session, current_user, organisation_id, data["email"], data["role"]
        )
        db.session.commit()
        return membership


@memberships.route("")
class Memberships(MethodView):
    @memberships.arguments(MembershipQuerySchema, location="query")
    @memberships.response(200, MembershipPageSchema)
    def get(self, args):
        """Innovation team: role requests and grants, by status."""
        if not policy.may_decide_memberships(current_user):
            raise Forbidden("Only the innovation team can list roles")
        return queries.memberships(db.session, **args)


def _decide(action, membership_id, *extra):
    membership = action(db.session, current_user, membership_id, *extra)
    db.session.commit()
    return membership


@memberships.route("/<int:membership_id>/grant")
class GrantMembership(MethodView):
    @memberships.response(200, MembershipSchema)
    def post(self, membership_id):
        return _decide(services.grant_membership, membership_id)


@memberships.route("/<int:membership_id>/decline")
class DeclineMembership(MethodView):
    @memberships.arguments(ReasonSchema)
    @memberships.response(200, MembershipSchema)
    def post(self, data, membership_id):
        return _decide(services.decline_membership, membership_id, data["reason"])


@memberships.route("/<int:membership_id>/revoke")
class RevokeMembership(MethodView):
    @memberships.response(200, MembershipSchema)
    def post(self, membership_id):
        return _decide(services.revoke_membership, membership_id)


@audit.route("")
class AuditEvents(MethodView):
    @audit.arguments(AuditQuerySchema, location="query")
    @audit.response(200, AuditEventPageSchema)
    def get(self, args):
        """Innovation team: the audit trail, filterable by object and actor."""
        if not policy.may_read_audit(current_user):
            raise Forbidden("Only the innovation team can read the audit log")
        return queries.audit_events(db.session, **args)
