"""Innovation team pages: approve organisations, decide role requests, read the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from marketplace.accounts import policy, queries, services
from marketplace.accounts.forms import ReasonForm
from marketplace.accounts.models import (
    ORGANISATION_KIND_LABELS,
    ROLE_LABELS,
    Organisation,
    User,
)
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
def innovation_team_only():
    if not policy.is_innovation_team(current_user):
        raise Forbidden("Only the innovation team can use these pages")


class GrantRoleForm(FlaskForm):
    email = StringField("Email address of the person")
    role = SelectField(
        "Role",
        choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()],
        validate_choice=False,
    )


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("/organisations")
def organisations():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    text = (request.args.get("q") or "").strip()[:200] or None
    page = queries.organisations(db.session, status=status, kind=kind, text=text, page=_page())
    return render_template(
        "admin/organisations.html",
        page=page,
        filters={"status": status, "kind": kind, "q": text},
        statuses=queries.ORGANISATION_STATUSES,
        kinds=ORGANISATION_KIND_LABELS,
    )


@bp.route("/organisations/<int:organisation_id>", methods=["GET"])
def organisation(organisation_id: int):
    return _render_organisation(organisation_id, ReasonForm(), GrantRoleForm())


def _render_organisation(organisation_id: int, reject_form, grant_form, status=200):
    organisation = get_by_id(db.session, Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation")
    memberships = queries.memberships(db.session, organisation_id=organisation.id, per_page=100)
    return (
        render_template(
            "admin/organisation.html",
            organisation=organisation,
            memberships=memberships.items,
            reject_form=reject_form,
            grant_form=grant_form,
        ),
        status,
    )


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int):
    organisation = services.approve_organisation(db.session, current_user, organisation_id)
    db.session.commit()
    flash(f"{organisation.name} is approved. Now grant the roles its people asked for.", "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/reject")
def reject_organisation(organisation_id: int):
    form = ReasonForm()
    try:
        organisation = services.reject_organisation(
            db.session, current_user, organisation_id, form.reason.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _render_organisation(organisation_id, form, GrantRoleForm(), status=422)
    db.session.commit()
    flash(f"{organisation.name} has been rejected. The person who proposed it sees your reason.")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/grant")
def grant_role(organisation_id: int):
    form = GrantRoleForm()
    try:
        membership = services.grant_role_by_email(
            db.session, current_user, organisation_id, form.email.data, form.role.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _render_organisation(organisation_id, ReasonForm(), form, status=422)
    db.session.commit()
    flash(
        f"{membership.user.name} is now {membership.role.label.lower()} for "
        f"{membership.organisation.name}.",
        "success",
    )
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@bp.get("/memberships")
def memberships():
    status = request.args.get("status") or "requested"
    page = queries.memberships(db.session, status=status, page=_page())
    return render_template(
        "admin/memberships.html",
        page=page,
        status=status,
        statuses=queries.MEMBERSHIP_STATUSES,
        reject_form=ReasonForm(),
    )


@bp.post("/memberships/<int:membership_id>/grant")
def grant_membership(membership_id: int):
    membership = services.grant_membership(db.session, current_user, membership_id)
    db.session.commit()
    flash(
        f"{membership.user.name} is now {membership.role.label.lower()} for "
        f"{membership.organisation.name}.",
        "success",
    )
    return redirect(url_for("admin.memberships"))


@bp.post("/memberships/<int:membership_id>/decline")
def decline_membership(membership_id: int):
    form = ReasonForm()
    membership = services.decline_membership(
        db.session, current_user, membership_id, form.reason.data
    )
    db.session.commit()
    flash(f"The request from {membership.user.name} has been declined.", "success")
    return redirect(url_for("admin.memberships"))


@bp.post("/memberships/<int:membership_id>/revoke")
def revoke_membership(membership_id: int):
    membership = services.revoke_membership(db.session, current_user, membership_id)
    db.session.commit()
    flash(f"{membership.user.name} no longer has the role {membership.role.label.lower()}.")
    return redirect(url_for("admin.memberships", status="granted"))


@bp.get("/users")
def users():
    text = (request.args.get("q") or "").strip()[:200] or None
    page = queries.users(db.session, text=text, page=_page())
    return render_template("admin/users.html", page=page, q=text)


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    user = services.disable_user(db.session, current_user, user_id, request.form.get("reason"))
    db.session.commit()
    flash(f"{user.name} can no longer sign in or use API tokens.", "success")
    return redirect(url_for("admin.users", q=user.email))


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    user = services.enable_user(db.session, current_user, user_id)
    db.session.commit()
    flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for("admin.users", q=user.email))


@bp.get("/audit")
def audit():
    filters = {
        "target_type": (request.args.get("target_type") or "").strip()[:60] or None,
        "target_id": (request.args.get("target_id") or "").strip()[:60] or None,
        "actor_id": request.args.get("actor_id", type=int),
        "action": (request.args.get("action") or "").strip()[:80] or None,
    }
    page = queries.audit_events(db.session, page=_page(), **filters)
    return render_template(
        "admin/audit.html",
        page=page,
        filters=filters,
        target_types=queries.audit_target_types(db.session),
        actor=get_by_id(db.session, User, filters["actor_id"]),
    )
