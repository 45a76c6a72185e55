"""JSON shapes of test-bed agreements. Types and presence only; rules are in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.accounts.schemas import (
    ID_RANGE,
    OrganisationSummarySchema,
    PageArgsSchema,
    PageSchema,
)
from procurement.testbeds.models import (
    AgreementStatus,
    DpiaStatus,
    EvaluationKind,
    IpArrangement,
    LawfulBasis,
    Outcome,
)

TEXT = validate.Length(max=20_000)  # the services set the real limits and say so


def _enum(enum_cls):
    return fields.Enum(enum_cls, by_value=True, allow_none=True)


class TermsSchema(Schema):
    title = fields.Str(allow_none=True, validate=TEXT)
    host_site = fields.Str(allow_none=True, validate=TEXT)
    host_lead_id = fields.Int(allow_none=True, validate=ID_RANGE)
    innovator_lead_id = fields.Int(allow_none=True, validate=ID_RANGE)
    scope = fields.Str(allow_none=True, validate=TEXT)
    milestones = fields.Str(allow_none=True, validate=TEXT)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    benefits_patients = fields.Str(allow_none=True, validate=TEXT)
    benefits_service = fields.Str(allow_none=True, validate=TEXT)
    benefits_innovator = fields.Str(allow_none=True, validate=TEXT)
    costs = fields.Str(allow_none=True, validate=TEXT)
    in_kind = fields.Str(allow_none=True, validate=TEXT)
    liability_insurance = fields.Str(allow_none=True, validate=TEXT)
    patient_data = fields.Bool(allow_none=True)
    lawful_basis = _enum(LawfulBasis)
    dpia_status = _enum(DpiaStatus)
    dpia_completed_on = fields.Date(allow_none=True)
    data_sharing = fields.Str(allow_none=True, validate=TEXT)
    supplier_safety_case = fields.Bool(allow_none=True)
    host_safety_assessment = fields.Bool(allow_none=True)
    supplier_safety_officer = fields.Str(allow_none=True, validate=TEXT)
    host_safety_officer = fields.Str(allow_none=True, validate=TEXT)
    ip_arrangement = _enum(IpArrangement)
    ip_terms = fields.Str(allow_none=True, validate=TEXT)
    evaluation_kind = _enum(EvaluationKind)
    evaluation_plan = fields.Str(allow_none=True, validate=TEXT)
    exit_plan = fields.Str(allow_none=True, validate=TEXT)
    public_summary = fields.Str(allow_none=True, validate=TEXT)


class TermsInputSchema(TermsSchema):
    version = fields.Int(
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The agreement's version you edited (a stale one is a 409)"},
    )


class MeasureSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(validate=TEXT)
    unit = fields.Str(validate=TEXT)
    baseline = fields.Raw(allow_none=True, metadata={"type": "number"})
    target = fields.Raw(metadata={"type": "number"})
    how_collected = fields.Str(validate=TEXT)
    collected_by = fields.Str(validate=TEXT)
    actual = fields.Float(dump_only=True, allow_none=True)
    actual_note = fields.Str(dump_only=True, allow_none=True)


class ActualSchema(Schema):
    actual = fields.Raw(required=True, metadata={"type": "number"})
    note = fields.Str(allow_none=True, validate=TEXT)


class SignatureSchema(Schema):
    organisation_id = fields.Int(required=True, validate=ID_RANGE)
    version = fields.Int(dump_only=True, attribute="version.number")
    signed_by_id = fields.Int(dump_only=True)
    signed_at = fields.AwareDateTime(dump_only=True)


class VersionSchema(Schema):
    number = fields.Int()
    change = fields.Str()
    created_at = fields.AwareDateTime()
    signed_at = fields.AwareDateTime(allow_none=True)
    terms = fields.Dict()
    measures = fields.List(fields.Dict())


class VersionSummarySchema(Schema):
    number = fields.Int()
    change = fields.Str()
    created_at = fields.AwareDateTime()
    signed_at = fields.AwareDateTime(allow_none=True)


class AgreementSchema(TermsSchema):
    id = fields.Int()
    challenge_id = fields.Int()
    solution_id = fields.Int()
    host_organisation = fields.Nested(OrganisationSummarySchema)
    innovator_organisation = fields.Nested(OrganisationSummarySchema)
    status = fields.Enum(AgreementStatus, by_value=True)
    outcome = _enum(Outcome)
    evaluation_summary = fields.Str(allow_none=True)
    termination_reason = fields.Str(allow_none=True)
    measures = fields.List(fields.Nested(MeasureSchema))
    signatures = fields.List(fields.Nested(SignatureSchema))
    versions = fields.List(fields.Nested(VersionSummarySchema))
    version = fields.Int()


class RegisterItemSchema(Schema):
    """What the register shows everyone: no costs, terms, people or measures."""

    id = fields.Int()
    title = fields.Str()
    solution_id = fields.Int()
    host_organisation = fields.Nested(OrganisationSummarySchema)
    innovator_organisation = fields.Nested(OrganisationSummarySchema)
    host_site = fields.Str(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    status = fields.Enum(AgreementStatus, by_value=True)
    outcome = _enum(Outcome)
    public_summary = fields.Str(allow_none=True)


class AgreementPageSchema(PageSchema):
    items = fields.List(fields.Nested(RegisterItemSchema))


class RegisterQuerySchema(PageArgsSchema):
    status = fields.Enum(AgreementStatus, by_value=True)
    outcome = fields.Enum(Outcome, by_value=True)
    organisation = fields.Int(validate=ID_RANGE)
    q = fields.Str(validate=validate.Length(max=200))


class StartSchema(Schema):
    challenge_id = fields.Int(required=True, validate=ID_RANGE)
    solution_id = fields.Int(required=True, validate=ID_RANGE)


class CompleteSchema(Schema):
    outcome = fields.Str(required=True, validate=validate.Length(max=30))
    summary = fields.Str(required=True, validate=TEXT)


class TerminateSchema(Schema):
    reason = fields.Str(required=True, validate=TEXT)
