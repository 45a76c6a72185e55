"""Browsable API documentation: Swagger UI served from our own copy, under our CSP."""

from __future__ import annotations

from flask import Blueprint, render_template

from marketplace.access import public

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
@public
def docs():
    return render_template("api_docs.html")
