"""WTForms fields for the NHS.UK patterns that plain WTForms lacks."""

from __future__ import annotations

from datetime import date

from wtforms import Field, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


def optional_int(value) -> int | None:
    """Coerce a submitted id; anything that is not a whole number becomes None for the service
    to name as a field error."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DatePartsField(Field):
    """A date typed as day, month and year in three boxes (the NHS.UK date input pattern).

    Reads ``<name>[day]``, ``<name>[month]`` and ``<name>[year]`` (the component's names). An
    impossible date is a field error naming what is wrong; all three empty means no date.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = {"day": "", "month": "", "year": ""}

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = data if data is not None else self.default
        if isinstance(self.data, date):
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        if formdata is None:
            return
        self.parts = {
            part: (formdata.get(f"{self.name}[{part}]") or "").strip()
            for part in ("day", "month", "year")
        }
        if not any(self.parts.values()):
            self.data = None
            return
        self.data = None
        missing = [part for part, value in self.parts.items() if not value]
        if missing:
            self.process_errors.append(f"{self.label.text} must include a {missing[0]}")
            return
        if not all(value.isdigit() for value in self.parts.values()):
            self.process_errors.append(f"{self.label.text} must be a real date, in numbers")
            return
        day, month, year = (int(self.parts[p]) for p in ("day", "month", "year"))
        if year < 1000 or year > 9999:
            self.process_errors.append(f"{self.label.text} must have a 4-digit year")
            return
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; values are coerced to int ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Which values are allowed is a rule for the service, which names the field."""
