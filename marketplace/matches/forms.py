"""The decision form on a fit: presence and type only; the rules are in matches.services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField


class DecisionForm(FlaskForm):
    # Sent by whichever button was pressed: shortlisted, dismissed or accepted.
    status = StringField("Decision")
    reason = TextAreaField("Reason (optional)")
    version = HiddenField()
