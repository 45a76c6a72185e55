"""Security headers, including a Content-Security-Policy with a fresh nonce per response."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask_login import current_user

from marketplace.errors import BadRequest


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, *, allow_inline_styles: bool = False) -> str:
    style = "'self' 'unsafe-inline'" if allow_inline_styles else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src {style}",
            "img-src 'self' data:",
            "font-src 'self' https://assets.nhs.uk",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _set_headers(response):
    # Swagger UI sets inline styles on its elements; only its page relaxes style-src.
    relaxed = request.endpoint == "api_docs.docs"
    response.headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), allow_inline_styles=relaxed
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _refuse_nul_characters():
    """No field anywhere may contain a NUL character: PostgreSQL cannot store or compare text
    with one, and no person types it. Refuse the whole request with a clear 400."""
    values = [*request.args.values(), *request.form.values()]
    body = request.get_data(cache=True) if request.is_json else b""
    if any("\x00" in value for value in values) or b"\\u0000" in body or b"\x00" in body:
        raise BadRequest("What you sent contains a character that cannot be accepted")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
