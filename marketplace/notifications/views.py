"""Your notifications: newest first, read ones kept; opening one marks it read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.pagination import paginate

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.get("")
def index():
    page = paginate(
        db.session,
        services.for_user(db.session, current_user),
        page=request.args.get("page", 1, type=int),
    )
    return render_template("notifications/index.html", page=page)


@bp.post("/<int:notification_id>/open")
def open_one(notification_id: int):
    """Mark read, then go where it points (only ever a path inside this service)."""
    notification = services.mark_read(db.session, current_user, notification_id)
    db.session.commit()
    link = notification.link or ""
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        link = url_for("notifications.index")
    return redirect(link)


@bp.post("/read")
def read_all():
    count = services.mark_all_read(db.session, current_user)
    db.session.commit()
    flash(f"{count} marked as read." if count else "Nothing unread.", "success")
    return redirect(url_for("notifications.index"))
