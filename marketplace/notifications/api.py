"""JSON API for one's own notifications."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from marketplace.accounts.schemas import PageArgsSchema, PageSchema
from marketplace.extensions import db
from marketplace.notifications import services
from marketplace.pagination import paginate

notifications = Blueprint(
    "notifications_api", __name__, url_prefix="/api/v1/notifications", description="Notifications"
)
blueprints = [notifications]


class NotificationSchema(Schema):
    id = fields.Int()
    message = fields.Str()
    link = fields.Str(allow_none=True)
    created_at = fields.AwareDateTime()
    read_at = fields.AwareDateTime(allow_none=True)


class NotificationPageSchema(PageSchema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Int()


@notifications.get("")
@notifications.arguments(PageArgsSchema, location="query")
@notifications.response(200, NotificationPageSchema)
def list_notifications(args):
    """Yours, newest first."""
    page = paginate(
        db.session, services.for_user(db.session, current_user), args["page"], args["per_page"]
    )
    return {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "items": page.items,
        "unread": services.unread_count(db.session, current_user),
    }


@notifications.post("/<int:notification_id>/read")
@notifications.response(200, NotificationSchema)
def mark_read(notification_id):
    notification = services.mark_read(db.session, current_user, notification_id)
    db.session.commit()
    return notification
