"""Forms for fellows' pages: presence and type only; the rules are in fellowship.fellows."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from marketplace.fields import DatePartsField, optional_int
from marketplace.solutions.models import Maturity


def _id_select(label: str) -> SelectField:
    return SelectField(label, coerce=optional_int, validate_choice=False, choices=[])


class MentorForm(FlaskForm):
    mentor_id = _id_select("Mentor")

    def set_people(self, people) -> None:
        self.mentor_id.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(p.id, f"{p.name} ({p.email})") for p in people
        ]


class MilestoneForm(FlaskForm):
    title = StringField("Milestone")
    due_on = DatePartsField("Due on")


class CompleteMilestoneForm(FlaskForm):
    completed_on = DatePartsField("Completed on")


class ProgressForm(FlaskForm):
    text = TextAreaField("Progress update")
    milestone_id = _id_select("Against a milestone (optional)")

    def set_milestones(self, milestones) -> None:
        self.milestone_id.choices = [SelectChoice("", "No particular milestone")] + [
            SelectChoice(m.id, m.title) for m in milestones if m.completed_on is None
        ]


class ContinueForm(FlaskForm):
    cohort_id = _id_select("Later cohort")

    def set_cohorts(self, cohorts) -> None:
        self.cohort_id.choices = [SelectChoice("", "Choose a cohort")] + [
            SelectChoice(c.id, f"{c.title} ({c.year})") for c in cohorts
        ]


class EndForm(FlaskForm):
    status = RadioField(
        "How does this place end?",
        choices=[
            SelectChoice("completed", "Completed: the fellow finished the year"),
            SelectChoice("withdrawn", "Withdrawn: the fellow left before the end"),
        ],
        validate_choice=False,
        validators=[Optional()],
    )


class LearningSessionForm(FlaskForm):
    title = StringField("Title")
    held_on = DatePartsField("Date")
    description = TextAreaField("Description (optional)")


class AttendanceForm(FlaskForm):
    fellow_id = HiddenField(filters=[optional_int])
    attended = HiddenField(filters=[lambda v: {"yes": True, "no": False}.get(v, v)])


class IdeaForm(FlaskForm):
    organisation_id = RadioField("Organisation", coerce=optional_int, validate_choice=False)
    title = StringField("Name of the solution")
    summary = StringField("One-line summary")
    description = TextAreaField("Description")
    audience = TextAreaField("Who it is for")
    maturity = RadioField(
        "How far has it got?",
        choices=[SelectChoice(v, label) for v, label in Maturity.choices()],
        validate_choice=False,
        validators=[Optional()],
    )

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]

    def to_data(self) -> dict:
        return {
            name: field.data
            for name, field in self._fields.items()
            if name != "csrf_token" and field.data not in (None, "")
        }
