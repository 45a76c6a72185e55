"""The reviewer's forms, the same for a fellowship application and a challenge response: a
0-5 radio group per published criterion with a comment, and a conflict of interest."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from challenges.fellowship.scoring import SCALE
from marketplace.errors import Invalid
from marketplace.forms import show_errors

SCALE_CHOICES = [SelectChoice(str(n), str(n)) for n in SCALE]


def score_or_raw(value):
    """ "0" to "5" become numbers; anything else goes to the service as typed, so that it is
    refused with the criterion's name rather than silently dropped."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else text


class ScoreForm(FlaskForm):
    """One radio group per criterion (``score_0``, ``score_1``, …, added by ``score_form``)."""

    criteria_list: list[dict] = []
    comment = TextAreaField("Comment (optional)")

    def scores(self) -> dict:
        return {c["name"]: self[f"score_{i}"].data for i, c in enumerate(self.criteria_list)}

    def field_for(self, criterion_name: str):
        for i, c in enumerate(self.criteria_list):
            if c["name"] == criterion_name:
                return self[f"score_{i}"]
        return None


def score_form(criteria: list[dict], **kwargs) -> ScoreForm:
    class CriteriaScoreForm(ScoreForm):
        criteria_list = criteria

    for i, criterion in enumerate(criteria):
        setattr(
            CriteriaScoreForm,
            f"score_{i}",
            RadioField(
                f"{criterion['name']} (weight {criterion['weight']})",
                choices=SCALE_CHOICES,
                coerce=score_or_raw,
                validate_choice=False,
                validators=[Optional()],
            ),
        )
    return CriteriaScoreForm(**kwargs)


class ConflictForm(FlaskForm):
    reason = TextAreaField("Your conflict of interest")


def show_score_errors(form: ScoreForm, error: Invalid) -> None:
    """The service names the criterion in each message about scores: each goes beside that
    criterion's radios; anything else stays at the top of the form."""
    for message in error.fields.pop("scores", []):
        field = next(
            (form.field_for(c["name"]) for c in form.criteria_list if f"“{c['name']}”" in message),
            None,
        )
        if field is not None:
            field.errors = [*(field.errors or []), message]
        else:
            form.form_errors.append(message)
    show_errors(form, error)
