"""The domain error family and the one place they become HTTP responses.

Services raise these; views, the API and the CLI never build error responses of their own. Under
``/api`` every error is ``{"error": {"code", "message", "fields"}}``; pages get the NHS.UK error
page (forms catch ``Invalid`` themselves to re-render with an error summary).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadRequest(DomainError):
    """A request no form or endpoint could make sense of, such as one carrying NUL bytes."""

    status = 400
    code = "bad_request"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Invalid(DomainError):
    """Input that breaks a rule. ``fields`` maps each field name to its messages."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, list[str] | str], message: str | None = None):
        normalised = {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}
        super().__init__(message or "There is a problem with what you entered", normalised)

    def renamed(self, names: dict[str, str]) -> Invalid:
        """The same errors under an edge's own field names (an API body is not a form)."""
        return Invalid({names.get(k, k): v for k, v in self.fields.items()}, self.message)


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


HTTP_MESSAGES = {
    400: "The request could not be understood",
    401: "You need to sign in to do that",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "What you sent is too large",
    422: "There is a problem with what you entered",
    429: "Too many attempts. Wait a minute and try again",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields=None) -> Response | tuple:
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return (
        render_template("errors/error.html", status=status, message=message, fields=fields or {}),
        status,
    )


def _rollback() -> None:
    from marketplace.extensions import db

    db.session.rollback()


def handle_domain_error(error: DomainError):
    _rollback()
    body, status = error_response(error.status, error.code, error.message, error.fields)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return body, status, headers


def handle_http_exception(error: HTTPException):
    _rollback()
    status = error.code or 500
    fields = {}
    message = HTTP_MESSAGES.get(status, error.description or "Something went wrong")
    # webargs (flask-smorest) puts schema errors on the exception's data.
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        fields = _flatten_schema_errors(messages)
    if isinstance(error, CSRFError):
        message = "Your form expired or was sent from another site. Go back and try again"
        code = "csrf"
    else:
        code = error.name.lower().replace(" ", "_")
    response = error_response(status, code, message, fields)
    if status == 405 and getattr(error, "valid_methods", None):
        response = (response[0], status, {"Allow": ", ".join(error.valid_methods)})
    return response


def handle_unexpected(error: Exception):
    log.exception("unhandled error", exc_info=error)
    _rollback()
    return error_response(500, "server_error", "Sorry, something went wrong on our side")


def _flatten_schema_errors(messages: dict) -> dict[str, list[str]]:
    """webargs nests errors by location (json, query); our clients want field → messages."""
    flat: dict[str, list[str]] = {}
    for location_errors in messages.values():
        if not isinstance(location_errors, dict):
            continue
        for field, errors in location_errors.items():
            if isinstance(errors, dict):
                errors = [f"{k}: {v}" for k, v in errors.items()]
            flat[field] = [str(e) for e in errors]
    return flat


def register(app: Flask) -> None:
    """Install the mapping. Must run after flask-smorest, whose own handler it replaces."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
