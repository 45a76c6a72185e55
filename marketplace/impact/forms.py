"""The funding form: presence and type only; the rules are in marketplace.impact.funding."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from marketplace.fields import DatePartsField, optional_int
from marketplace.impact.models import FundingKind


class FundingForm(FlaskForm):
    # Radios for the solutions a search found (marketplace.impact.funding.find_solutions) and
    # the one already chosen: never a list of the whole catalogue. Any id may be posted; the
    # service refuses one that does not exist or is withdrawn.
    solution_id = RadioField("Solution", coerce=optional_int, validate_choice=False)
    fellow_id = SelectField("Fellow", coerce=optional_int, validate_choice=False)
    funder = StringField("Funder")
    kind = RadioField(
        "Kind of funding",
        choices=[SelectChoice(v, label) for v, label in FundingKind.choices()],
        coerce=lambda value: None if value is None else str(value),
        validate_choice=False,
    )
    amount = StringField("Amount, in whole pounds")
    received_on = DatePartsField("Date received")
    note = TextAreaField("Note (optional)")

    def set_choices(self, solutions: list[tuple[int, str]], fellows: list[tuple[int, str]]):
        """``solutions``: the chosen one (if any) and those a search found."""
        self.solution_id.choices = [SelectChoice(i, label) for i, label in solutions]
        self.fellow_id.choices = [SelectChoice("", "Not for a fellow")] + [
            SelectChoice(i, label) for i, label in fellows
        ]

    def to_data(self) -> dict:
        return {
            "solution_id": self.solution_id.data,
            "fellow_id": self.fellow_id.data,
            "funder": self.funder.data,
            "kind": self.kind.data,
            "amount": self.amount.data,
            "received_on": self.received_on.data,
            "note": self.note.data,
        }
