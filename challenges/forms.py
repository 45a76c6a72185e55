"""The challenge form: presence and type only; the rules are in challenges.services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from challenges.models import ASSURANCE_LABELS, BUDGET_LABELS, EVIDENCE_TIER_LABELS, STAGE_LABELS
from challenges.queries import SORTS
from challenges.services import ChallengeInput
from marketplace.fields import CheckboxesField, DatePartsField, optional_int


class ChallengeForm(FlaskForm):
    organisation_id = RadioField("Organisation", coerce=optional_int, validate_choice=False)
    title = StringField("Title")
    need = TextAreaField("The need, in your service's words")
    evidence = TextAreaField("Evidence of the need")
    evidence_source = StringField("Where the evidence comes from")
    affected = TextAreaField("Who is affected")
    outcomes = TextAreaField("Outcomes you want")
    theme_ids = CheckboxesField("Themes", coerce=optional_int)
    priority = StringField("Partnership priority it serves")
    setting = TextAreaField("Setting")
    integration = TextAreaField("Systems it must work with")
    information_governance = TextAreaField("Information governance")
    budget_range = RadioField(
        "Budget range",
        choices=[SelectChoice(k.value, v) for k, v in BUDGET_LABELS.items()],
        validate_choice=False,
        validators=[Optional()],
    )
    sites = StringField("Sites")
    closing_date = DatePartsField("Closing date")
    stage_wanted = RadioField(
        "Kind of solution wanted",
        choices=[SelectChoice(k.value, v) for k, v in STAGE_LABELS.items()],
        validate_choice=False,
        validators=[Optional()],
    )
    evidence_tier_wanted = RadioField(
        "NICE evidence standards the solution must meet",
        choices=[SelectChoice(k.value, v) for k, v in EVIDENCE_TIER_LABELS.items()],
        validate_choice=False,
        validators=[Optional()],
    )
    assurance_wanted = CheckboxesField(
        "Assurance the solution must have",
        choices=[SelectChoice(k.value, v) for k, v in ASSURANCE_LABELS.items()],
    )
    version = HiddenField()

    def set_choices(self, themes, organisations) -> None:
        self.theme_ids.choices = [SelectChoice(t.id, t.name) for t in themes]
        self.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]

    def to_input(self) -> ChallengeInput:
        return ChallengeInput(
            title=self.title.data,
            need=self.need.data,
            evidence=self.evidence.data,
            evidence_source=self.evidence_source.data,
            affected=self.affected.data,
            outcomes=self.outcomes.data,
            setting=self.setting.data,
            integration=self.integration.data,
            information_governance=self.information_governance.data,
            budget_range=self.budget_range.data or None,
            priority=self.priority.data,
            sites=self.sites.data,
            closing_date=self.closing_date.data,
            stage_wanted=self.stage_wanted.data or None,
            evidence_tier_wanted=self.evidence_tier_wanted.data or None,
            assurance_wanted=list(self.assurance_wanted.data or []),
            theme_ids=list(self.theme_ids.data or []),
        )


class RespondForm(FlaskForm):
    solution_id = RadioField("Which of your solutions?", coerce=optional_int, validate_choice=False)
    pitch = TextAreaField("How it meets the need")

    def set_solutions(self, solutions) -> None:
        self.solution_id.choices = [SelectChoice(s.id, s.title) for s in solutions]


class DeclineResponseForm(FlaskForm):
    reason = TextAreaField("Reason, which the innovator will see")


class CommentsForm(FlaskForm):
    comments = TextAreaField("Comments for the service")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing it?")


class SearchForm(FlaskForm):
    """Read from the query string; no CSRF token needed for a search."""

    class Meta:
        csrf = False

    q = StringField("Search")
    theme = StringField("Theme")
    organisation = StringField("Organisation")
    status = StringField("Status")
    closing_soon = StringField("Closing soon")
    sort = RadioField("Sort", choices=list(SORTS.items()), validate_choice=False)
