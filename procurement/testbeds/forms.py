"""Test-bed forms: presence and type only; the rules are in testbeds.services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from marketplace.fields import DatePartsField, optional_int
from procurement.testbeds.models import (
    DpiaStatus,
    EvaluationKind,
    IpArrangement,
    LawfulBasis,
    Outcome,
)

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _text_or_none(value) -> str | None:
    """WTForms' default ``str`` would turn an unanswered question into the answer "None"."""
    return None if value is None else str(value)


def _radios(label: str, choices) -> RadioField:
    return RadioField(
        label,
        choices=choices,
        coerce=_text_or_none,
        validate_choice=False,
        validators=[Optional()],
    )


def _enum(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in enum_cls.choices()]


class TermsForm(FlaskForm):
    title = StringField("Title")
    host_site = StringField("Site where the trial runs")
    host_lead_id = RadioField("Host's lead", coerce=optional_int, validate_choice=False)
    innovator_lead_id = RadioField("Innovator's lead", coerce=optional_int, validate_choice=False)
    scope = TextAreaField("Scope")
    milestones = TextAreaField("Milestones")
    start_date = DatePartsField("Start date")
    end_date = DatePartsField("End date")
    benefits_patients = TextAreaField("Benefits for patients")
    benefits_service = TextAreaField("Benefits for the service")
    benefits_innovator = TextAreaField("Benefits for the innovator")
    costs = TextAreaField("Costs")
    in_kind = TextAreaField("In-kind contributions")
    liability_insurance = TextAreaField("Liability and insurance")
    patient_data = _radios("Will patient data be processed?", YES_NO)
    lawful_basis = _radios("Lawful basis", _enum(LawfulBasis))
    dpia_status = _radios("Data protection impact assessment (DPIA)", _enum(DpiaStatus))
    dpia_completed_on = DatePartsField("Date the DPIA was completed")
    data_sharing = TextAreaField("Data-sharing terms")
    supplier_safety_case = _radios("Does the supplier have a DCB0129 clinical safety case?", YES_NO)
    host_safety_assessment = _radios("Has the host made its DCB0160 assessment?", YES_NO)
    supplier_safety_officer = StringField("Supplier's clinical safety officer")
    host_safety_officer = StringField("Host's clinical safety officer")
    ip_arrangement = _radios("Who owns intellectual property that arises", _enum(IpArrangement))
    ip_terms = TextAreaField("Licence, assignment and fair return")
    evaluation_kind = _radios("Research or service evaluation?", _enum(EvaluationKind))
    evaluation_plan = TextAreaField("Evaluation plan")
    exit_plan = TextAreaField("Exit plan")
    public_summary = TextAreaField("Public summary")
    version = HiddenField()

    def set_people(self, hosts, innovators) -> None:
        self.host_lead_id.choices = [SelectChoice(p.id, p.name) for p in hosts]
        self.innovator_lead_id.choices = [SelectChoice(p.id, p.name) for p in innovators]

    def to_terms(self) -> dict:
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in {"csrf_token", "version"}
        }


class MeasureForm(FlaskForm):
    name = StringField("Measure")
    unit = StringField("Unit")
    baseline = StringField("Baseline (optional)")
    target = StringField("Target")
    how_collected = StringField("How it is collected")
    collected_by = StringField("Collected by")


class ActualForm(FlaskForm):
    actual = StringField("Actual value")
    note = TextAreaField("Note (optional)")


class CompleteForm(FlaskForm):
    outcome = _radios("Outcome", _enum(Outcome))
    summary = TextAreaField("Evaluation summary")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason for ending the trial early")


class SignForm(FlaskForm):
    organisation_id = HiddenField(filters=[optional_int])
