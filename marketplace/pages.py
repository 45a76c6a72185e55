"""Site-wide pages: the start page, the health check, and the design system's assets."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, render_template, request, send_from_directory
from flask_login import current_user

from challenges.fellowship.models import Fellow, FellowStatus
from marketplace import home as home_lists
from marketplace.access import public
from marketplace.accounts import policy
from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.notifications.services import unread_count

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    sections = (
        home_lists.waiting_for(db.session, current_user) if current_user.is_authenticated else []
    )
    return render_template("home.html", sections=sections)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitors: is the app up and can it reach its database?"""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/assets/<path:filename>")
@public
def design_system_asset(filename: str):
    """The NHS.UK stylesheet refers to its images at /assets/; serve them from the vendored copy."""
    return send_from_directory(current_app.static_folder + "/vendor/nhsuk/assets", filename)


def navigation_items(user) -> list[dict[str, str]]:
    """Header links for what this user can do; grows as capabilities land. The account page is
    reached by the person's name in the header's account area, not repeated here."""
    if not getattr(user, "is_authenticated", False):
        return _mark_current([{"text": "Catalogue", "href": "/catalogue"}])
    # A person's own work first: the header folds whatever does not fit into "More".
    items = [{"text": "Home", "href": "/"}]
    if user.has_role(Role.SERVICE_LEAD):
        items.append({"text": "Your challenges", "href": "/challenges/mine"})
    if user.has_role(Role.INNOVATOR) or user.has_role(Role.FELLOW):
        items.append({"text": "Your solutions", "href": "/solutions/mine"})
        items.append({"text": "Challenges that fit", "href": "/matches"})
        items.append({"text": "Your responses", "href": "/challenges/responses/mine"})
    if user.has_role(Role.FELLOW):
        items.append({"text": "Your fellowship", "href": "/fellowship/fellows/mine"})
    if _mentors_an_active_fellow(user):
        items.append({"text": "Your mentees", "href": "/fellowship/fellows/mentees"})
    if user.has_role(Role.PANEL_PATIENT) or user.has_role(Role.PANEL_PROFESSIONAL):
        items.append({"text": "Your reviews", "href": "/fellowship/reviews"})
    if policy.may_run_fellowship(user):
        items.append({"text": "Fellowship selection", "href": "/fellowship/queue"})
    if policy.is_innovation_team(user):
        items += [
            {"text": "Review", "href": "/challenges/review"},
            {"text": "Organisations", "href": "/admin/organisations"},
            {"text": "Roles", "href": "/admin/memberships"},
            {"text": "People", "href": "/admin/users"},
            {"text": "Audit log", "href": "/admin/audit"},
        ]
    items += [
        {"text": "Challenges", "href": "/challenges"},
        {"text": "Solutions", "href": "/solutions"},
        {"text": "Catalogue", "href": "/catalogue"},
        {"text": "Test beds", "href": "/testbeds"},
        {"text": "Purchasing", "href": "/dps"},
        {"text": "Adoption", "href": "/adoptions"},
        {"text": "Enquiries", "href": "/enquiries"},
        {"text": "Fellowship", "href": "/fellowship"},
    ]
    if policy.may_view_impact(user):
        items.append({"text": "Impact", "href": "/impact"})
    items.append({"text": "API", "href": "/api/v1/docs"})
    return _mark_current(items)


def _mentors_an_active_fellow(user) -> bool:
    """Mentoring is not a role, so it is asked of the database: one EXISTS query."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(Fellow.mentor_id == user.id, Fellow.status == FellowStatus.ACTIVE)
            )
        )
    )


def _mark_current(items: list[dict]) -> list[dict]:
    matches = [
        i["href"]
        for i in items
        if request.path == i["href"] or (i["href"] != "/" and request.path.startswith(i["href"]))
    ]
    current = max(matches, key=len, default=None)  # the most specific section wins
    for item in items:
        item["active"] = item["href"] == current
    return items


def template_globals() -> dict:
    return {
        "policy": policy,
        "Role": Role,
        "navigation_items": navigation_items(current_user),
        "unread_notifications": (
            unread_count(db.session, current_user) if current_user.is_authenticated else 0
        ),
        "partnership_name": current_app.config["PARTNERSHIP_NAME"],
    }
