"""Account forms: field presence and type only. The rules are in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Optional

from marketplace.accounts.models import ORGANISATION_KIND_LABELS
from marketplace.accounts.services import SELF_SERVICE_ROLES

NEW_ORGANISATION = "new"

REQUESTABLE_ROLES = [SelectChoice(role.value, role.label) for role in SELF_SERVICE_ROLES]
KIND_CHOICES = [SelectChoice("", "Select the kind")] + [
    SelectChoice(k.value, v) for k, v in ORGANISATION_KIND_LABELS.items()
]


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class OrganisationFields:
    """The fields for naming an organisation we do not know yet (registration and joining)."""

    organisation_name = StringField("Organisation name")
    organisation_kind = SelectField(
        "Kind of organisation", choices=KIND_CHOICES, validate_choice=False
    )
    ods_code = StringField("ODS code")
    companies_house_number = StringField("Companies House number")


class RegisterForm(OrganisationFields, FlaskForm):
    name = StringField("Full name")
    email = StringField("Email address")
    password = PasswordField("Create a password")
    confirm_password = PasswordField(
        "Confirm your password", validators=[EqualTo("password", "The passwords do not match")]
    )
    organisation_id = SelectField("Your organisation", choices=[], validate_choice=False)
    role = RadioField("The role you need", choices=REQUESTABLE_ROLES, validate_choice=False)

    def set_organisations(self, organisations) -> None:
        self.organisation_id.choices = (
            [SelectChoice("", "Select your organisation")]
            + [SelectChoice(str(o.id), o.name) for o in organisations]
            + [SelectChoice(NEW_ORGANISATION, "My organisation is not listed")]
        )


class JoinOrganisationForm(OrganisationFields, FlaskForm):
    organisation_id = SelectField("Organisation", choices=[], validate_choice=False)
    role = RadioField("The role you need", choices=REQUESTABLE_ROLES, validate_choice=False)

    set_organisations = RegisterForm.set_organisations


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password")
    new_password = PasswordField("New password")
    confirm_password = PasswordField(
        "Confirm your new password",
        validators=[EqualTo("new_password", "The passwords do not match")],
    )


class ApiTokenForm(FlaskForm):
    name = StringField("Token name")
    expires_in_days = IntegerField("Expires after (days)", default=90, validators=[Optional()])


class ReasonForm(FlaskForm):
    reason = StringField("Reason")
