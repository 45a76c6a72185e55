"""Fellowship forms: presence and type only; the rules are in fellowship.services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from challenges.fellowship.models import ApplicationOutcome, IdeaStage
from marketplace.accounts.models import Role
from marketplace.fields import CheckboxesField, DatePartsField, optional_int

STAGE_ROWS = 6
CRITERION_ROWS = 6


def text_or_none(value) -> str | None:
    """WTForms' default ``str`` would turn an unanswered question into the answer "None"."""
    return None if value is None else str(value)


def id_or_raw(value):
    """A whole number as an int, nothing as None, anything else as typed, so that the service
    names it as a choice that is not on the list rather than silently ignoring it."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else text


def _radios(label: str, choices) -> RadioField:
    return RadioField(
        label, choices=choices, coerce=text_or_none, validate_choice=False, validators=[Optional()]
    )


class CohortForm(FlaskForm):
    title = StringField("Title")
    year = StringField("Year", filters=[optional_int])
    themes = TextAreaField("Themes")
    eligibility = TextAreaField("Who is eligible")
    places = StringField("Number of places", filters=[optional_int])
    opens_on = DatePartsField("Applications open on")
    closes_on = DatePartsField("Applications close on")

    def stage_rows(self) -> list[tuple]:
        return [(self[f"stage_{i}_name"], self[f"stage_{i}_ends_on"]) for i in range(STAGE_ROWS)]

    def criterion_rows(self) -> list[tuple]:
        return [
            (self[f"criterion_{i}_name"], self[f"criterion_{i}_weight"])
            for i in range(CRITERION_ROWS)
        ]

    def to_cohort(self) -> dict:
        """What the service takes; blank rows are left out."""
        stages = [
            {"name": name.data.strip(), "ends_on": ends.data}
            for name, ends in self.stage_rows()
            if (name.data or "").strip()
        ]
        criteria = []
        for name, weight in self.criterion_rows():
            text = (name.data or "").strip()
            if not text and not (weight.data or "").strip():
                continue
            criteria.append({"name": text or None, "weight": optional_int(weight.data)})
        return {
            "title": self.title.data,
            "year": self.year.data,
            "themes": self.themes.data,
            "eligibility": self.eligibility.data,
            "places": self.places.data,
            "opens_on": self.opens_on.data,
            "closes_on": self.closes_on.data,
            "stages": stages,
            "criteria": criteria,
        }


for _i in range(STAGE_ROWS):
    setattr(CohortForm, f"stage_{_i}_name", StringField(f"Stage {_i + 1}: name"))
    setattr(CohortForm, f"stage_{_i}_ends_on", DatePartsField(f"Stage {_i + 1}: ends on"))
for _i in range(CRITERION_ROWS):
    setattr(CohortForm, f"criterion_{_i}_name", StringField(f"Criterion {_i + 1}: name"))
    setattr(CohortForm, f"criterion_{_i}_weight", StringField(f"Criterion {_i + 1}: weight"))


class ApplyForm(FlaskForm):
    problem = TextAreaField("The problem you see")
    idea = TextAreaField("Your idea")
    idea_stage = _radios(
        "How far has the idea got?", [SelectChoice(v, label) for v, label in IdeaStage.choices()]
    )
    service = StringField("The service it helps")
    support_needed = TextAreaField("The support you need")
    challenge_id = SelectField(
        "A challenge it answers (optional)", coerce=id_or_raw, validate_choice=False
    )
    solution_id = SelectField(
        "Your organisation's solution record for it (optional)",
        coerce=id_or_raw,
        validate_choice=False,
    )

    def set_choices(self, challenges, solutions) -> None:
        self.challenge_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(c.id, c.title) for c in challenges
        ]
        self.solution_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(s.id, s.title) for s in solutions
        ]

    def to_application(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "problem",
                "idea",
                "idea_stage",
                "service",
                "support_needed",
                "challenge_id",
                "solution_id",
            )
        }


class PanelForm(FlaskForm):
    name = StringField("Panel name")
    member_ids = CheckboxesField("Members", coerce=id_or_raw)

    def set_people(self, people) -> None:
        self.member_ids.choices = [
            SelectChoice(
                p.id,
                p.name
                + (
                    " (patient or public member)"
                    if p.has_role(Role.PANEL_PATIENT)
                    else " (professional)"
                ),
            )
            for p in people
        ]


class AssignForm(FlaskForm):
    panel_id = RadioField("Panel", coerce=optional_int, validate_choice=False)

    def set_panels(self, panels) -> None:
        self.panel_id.choices = [SelectChoice(p.id, p.name) for p in panels]


class DecisionForm(FlaskForm):
    outcome = _radios(
        "Outcome", [SelectChoice(v, label) for v, label in ApplicationOutcome.choices()]
    )
    reasons = TextAreaField("Reasons (sent to the applicant)")
