"""Solution forms, one per section: presence and type only; rules are in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from marketplace.fields import CheckboxesField, DatePartsField, optional_int
from marketplace.solutions.models import (
    CareSetting,
    CyberEssentials,
    DeviceClass,
    DsptStatus,
    DtacStatus,
    EsfTier,
    Maturity,
)


def _choices(enum_cls):
    return [SelectChoice(value, label) for value, label in enum_cls.choices()]


def _radio(label, enum_cls):
    return RadioField(
        label, choices=_choices(enum_cls), validate_choice=False, validators=[Optional()]
    )


class SectionForm(FlaskForm):
    version = HiddenField()

    def section_data(self) -> dict:
        """Field values by name, for ``services.save_section``."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in {"csrf_token", "version"}
        }


class NewSolutionForm(FlaskForm):
    organisation_id = RadioField("Organisation", coerce=optional_int, validate_choice=False)
    title = StringField("Name of the solution")


class OverviewForm(SectionForm):
    title = StringField("Name of the solution")
    summary = StringField("One-line summary")
    description = TextAreaField("Description")
    audience = TextAreaField("Who it is for")


class MaturityForm(SectionForm):
    theme_ids = CheckboxesField("Themes", coerce=optional_int)
    care_settings = CheckboxesField("Care settings", choices=_choices(CareSetting))
    maturity = _radio("Maturity", Maturity)
    evidence = TextAreaField("Evidence behind it")
    evidence_sites = StringField("Where it has been used or tested")


def _yes_no(value):
    return {"yes": True, "no": False}.get(value, value)


class AssuranceForm(SectionForm):
    device_class = _radio("Medical device class (UKCA or CE)", DeviceClass)
    device_marking = StringField("Marking and notified body, if a device")
    dtac_status = _radio("Digital Technology Assessment Criteria (DTAC)", DtacStatus)
    dtac_date = DatePartsField("Date DTAC was completed")
    dcb0129_in_place = RadioField(
        "Is a DCB0129 clinical safety case in place?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        coerce=_yes_no,
        validate_choice=False,
        validators=[Optional()],
    )
    clinical_safety_officer = StringField("Clinical safety officer")
    dcb0129_date = DatePartsField("Date of the safety case")
    dspt_status = _radio("Data Security and Protection Toolkit (DSPT)", DsptStatus)
    dspt_date = DatePartsField("Date of the DSPT assessment")
    dspt_expiry = DatePartsField("DSPT renewal due")
    cyber_essentials = _radio("Cyber Essentials", CyberEssentials)
    cyber_essentials_date = DatePartsField("Certificate date")
    cyber_essentials_expiry = DatePartsField("Certificate expiry")
    esf_tier = _radio("NICE Evidence Standards Framework tier", EsfTier)


class CommercialForm(SectionForm):
    pricing_model = TextAreaField("Pricing model")
    contact_name = StringField("Contact name")
    contact_email = StringField("Contact email address")


SECTION_FORMS = {
    "overview": OverviewForm,
    "maturity": MaturityForm,
    "assurance": AssuranceForm,
    "commercial": CommercialForm,
}


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing it?")
