"""Forms for a challenge's response panel: presence and type only; the rules (weights adding up
to 100, a patient or public member, scores from 0 to 5) are in response_panels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.fields.choices import SelectChoice

from marketplace.fields import CheckboxesField, optional_int

CRITERIA_ROWS = 5  # rows shown on a blank form
CRITERIA_READ = 11  # rows read back: one more than the service allows, so it can say so


def _whole_number_or_text(value: str):
    """A weight typed as digits becomes a number; anything else goes to the service as typed,
    which names it as a field error."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else value


class CriteriaField(Field):
    """Rows of criterion name and weight (``criteria-<n>-name``, ``criteria-<n>-weight``);
    ``data`` is the filled rows as [{"name", "weight"}], ``rows`` what to show again."""

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = list(data or [])
        self.rows = [{"name": c["name"], "weight": str(c["weight"])} for c in self.data]
        if formdata is not None:
            self.rows = [
                {
                    "name": formdata.get(f"{self.name}-{n}-name", ""),
                    "weight": formdata.get(f"{self.name}-{n}-weight", ""),
                }
                for n in range(CRITERIA_READ)
            ]
            self.rows = [r for r in self.rows if r["name"].strip() or r["weight"].strip()]
            self.data = [
                {"name": r["name"], "weight": _whole_number_or_text(r["weight"])} for r in self.rows
            ]
        while len(self.rows) < CRITERIA_ROWS:
            self.rows.append({"name": "", "weight": ""})


class PanelForm(FlaskForm):
    name = StringField("Panel name")
    criteria = CriteriaField("Criteria and their weights")
    member_ids = CheckboxesField("Members", coerce=optional_int)

    def set_candidates(self, people) -> None:
        self.member_ids.choices = [SelectChoice(p.id, _describe(p)) for p in people]


def _describe(person) -> str:
    from marketplace.accounts.models import Role

    kind = (
        "patient or public member"
        if person.has_role(Role.PANEL_PATIENT)
        else "professional member"
        if person.has_role(Role.PANEL_PROFESSIONAL)
        else "innovation team"
    )
    organisations = ", ".join(sorted({m.organisation.name for m in person.active_memberships}))
    return f"{person.name} ({kind}, {organisations})"
