"""Sign-in is required everywhere unless a view says otherwise.

Pages redirect anonymous visitors to sign in; the JSON API answers 401. The API authenticates only
by personal access token (``Authorization: Bearer``), never by session cookie, so it needs no
CSRF protection and a browser session cannot be ridden into it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user

from marketplace.accounts import services
from marketplace.errors import Unauthenticated
from marketplace.extensions import db, login_manager

# Endpoints registered by libraries, which cannot carry our decorator.
LIBRARY_PUBLIC_ENDPOINTS = {"static", "api-docs.openapi_json"}


def public(view: Callable) -> Callable:
    """Mark a view (function or MethodView class) as open to anonymous visitors."""
    view.is_public = True
    return view


def is_public_endpoint(endpoint: str) -> bool:
    if endpoint in LIBRARY_PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    return getattr(view, "is_public", False) or getattr(view_class, "is_public", False)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def require_sign_in():
    if request.endpoint is None or is_public_endpoint(request.endpoint):
        return None
    if current_user.is_authenticated:
        return None
    if is_api_request():
        raise Unauthenticated("Send a personal access token as 'Authorization: Bearer <token>'")
    return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))


def _load_session_user(session_id: str):
    if is_api_request():
        return None
    return services.load_session_user(db.session, session_id)


def _load_token_user(req):
    if not is_api_request():
        return None
    scheme, _, secret = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    token = services.usable_token(db.session, secret.strip())
    if token is None:
        return None
    user = token.user
    if services.record_token_use(db.session, token):
        db.session.commit()  # keep last_used_at even when the request itself fails
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_session_user)
    login_manager.request_loader(_load_token_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = "basic"
    app.before_request(require_sign_in)
