"""DPS forms: presence and type only; the rules are in dps.services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from marketplace.fields import CheckboxesField, DatePartsField, optional_int
from procurement.dps import questions
from procurement.dps.models import Regime


class SystemForm(FlaskForm):
    organisation_id = RadioField("Organisation", coerce=optional_int, validate_choice=False)
    title = StringField("Title")
    regime = RadioField(
        "Legal regime",
        choices=[SelectChoice(v, label) for v, label in Regime.choices()],
        validate_choice=False,
        validators=[Optional()],
    )
    scope = TextAreaField("Scope: the nature and estimated quantity of purchases")
    starts_on = DatePartsField("Opens on")
    ends_on = DatePartsField("Closes on")
    categories = TextAreaField("Categories")

    def category_pairs(self) -> list[tuple[str, str]]:
        """One category per line, as "Name: objective definition"."""
        pairs = []
        for line in (self.categories.data or "").splitlines():
            if line.strip():
                name, _, definition = line.partition(":")
                pairs.append((name.strip(), definition.strip()))
        return pairs


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("admit", "Admit"),
            SelectChoice("more_information", "Ask for more information"),
            SelectChoice("reject", "Do not admit"),
        ],
        validate_choice=False,
        validators=[Optional()],
    )
    reasons = TextAreaField("Reasons (the supplier sees them)")
    version = HiddenField()


class ExtendForm(FlaskForm):
    reason = TextAreaField("Why the decision needs longer (the supplier sees this)")


def answers_form(prefill: dict | None = None, categories=()) -> FlaskForm:
    """The questionnaire as a form, built from the question bank."""

    class AnswersForm(FlaskForm):
        category_ids = CheckboxesField("Categories", coerce=optional_int)

    for question in questions.BANK:
        if question.kind in {"yes_no", "choice"}:
            choices = (
                [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
                if question.kind == "yes_no"
                else [SelectChoice(v, label) for v, label in question.choices]
            )
            field = RadioField(
                question.text,
                choices=choices,
                coerce=lambda v: None if v is None else str(v),
                validate_choice=False,
                validators=[Optional()],
            )
        elif question.extra.get("long"):
            field = TextAreaField(question.text)
        else:
            field = StringField(question.text, description=question.hint)
        setattr(AnswersForm, question.key, field)
    form = AnswersForm(data=prefill or {})
    form.category_ids.choices = [SelectChoice(c.id, c.name) for c in categories]
    return form


def answers_from(form) -> dict:
    return {q.key: getattr(form, q.key).data for q in questions.BANK}


class ListingForm(FlaskForm):
    solution_id = RadioField("Product", coerce=optional_int, validate_choice=False)
    price = TextAreaField("Price")
    terms = TextAreaField("Terms")
    service_levels = TextAreaField("Service levels")


class CallOffForm(FlaskForm):
    category_id = RadioField("Category", coerce=optional_int, validate_choice=False)
    buyer_organisation_id = RadioField(
        "Buying organisation", coerce=optional_int, validate_choice=False
    )
    title = StringField("Title")
    requirement = TextAreaField("The requirement")
    closes_on = DatePartsField("Closing date")
    criteria = TextAreaField("Award criteria")

    def criteria_pairs(self) -> list[tuple[str, int | None]]:
        """One per line, as "Name: weight"."""
        pairs = []
        for line in (self.criteria.data or "").splitlines():
            if line.strip():
                name, _, weight = line.rpartition(":")
                pairs.append((name.strip(), optional_int(weight.strip())))
        return pairs


class BidForm(FlaskForm):
    price = StringField("Total price (£)")
    proposal = TextAreaField("Your proposal")


class QuestionForm(FlaskForm):
    question = TextAreaField(
        "Your question (published with the answer to every bidder, without your name)"
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer")


class AwardForm(FlaskForm):
    contract_value = StringField("Contract value (£)")
