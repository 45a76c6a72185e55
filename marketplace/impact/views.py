"""The impact dashboard and the CSV of each figure."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from marketplace.accounts import policy
from marketplace.csv_export import csv_response, csv_text
from marketplace.errors import Forbidden, NotFound
from marketplace.extensions import db
from marketplace.impact import figures

bp = Blueprint("impact", __name__, url_prefix="/impact", template_folder="templates")


def _allowed() -> None:
    if not policy.may_view_impact(current_user):
        raise Forbidden("The impact view is for the innovation team and the partner organisations")


@bp.get("")
def dashboard():
    _allowed()
    return render_template("impact/dashboard.html", figures=figures.all_figures(db.session))


@bp.get("/<key>.csv")
def figure_csv(key: str):
    _allowed()
    if key not in figures.FIGURES:
        raise NotFound("There is no such figure")
    figure = figures.FIGURES[key](db.session)
    return csv_response(csv_text(figure.columns, figure.rows), f"{key}.csv")
