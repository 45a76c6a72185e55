"""JSON shapes of the dynamic purchasing system. Types and presence only; rules in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.accounts.schemas import (
    ID_RANGE,
    OrganisationSummarySchema,
    PageArgsSchema,
    PageSchema,
)
from procurement.dps.models import ApplicationStatus, Regime


class CategorySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    definition = fields.Str()


class SystemSchema(Schema):
    id = fields.Int(dump_only=True)
    organisation = fields.Nested(OrganisationSummarySchema, dump_only=True)
    organisation_id = fields.Int(load_only=True, required=True, validate=ID_RANGE)
    title = fields.Str(required=True, validate=validate.Length(max=20_000))
    regime = fields.Enum(Regime, by_value=True, required=True)
    scope = fields.Str(required=True, validate=validate.Length(max=20_000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    categories = fields.List(fields.Nested(CategorySchema), required=True)
    decision_working_days = fields.Int(dump_only=True, attribute="rules.decision_days")
    minimum_tender_days = fields.Int(dump_only=True, attribute="rules.min_tender_days")


class ApplyInputSchema(Schema):
    organisation_id = fields.Int(required=True, strict=True, validate=ID_RANGE)
    category_ids = fields.List(fields.Int(strict=True, validate=ID_RANGE), required=True)
    answers = fields.Dict(keys=fields.Str(validate=validate.Length(max=60)), required=True)


class AssessmentSchema(Schema):
    key = fields.Str()
    question = fields.Str()
    answer = fields.Raw(allow_none=True)
    rule = fields.Str()
    result = fields.Bool(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.Int()
    system_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    categories = fields.List(fields.Nested(CategorySchema))
    status = fields.Enum(ApplicationStatus, by_value=True)
    submitted_at = fields.AwareDateTime()
    due_on = fields.Date()
    deadline = fields.Date()
    extension_reason = fields.Str(allow_none=True)
    information_request = fields.Str(allow_none=True)
    reasons = fields.Str(allow_none=True)
    answers = fields.Dict()
    version = fields.Int()


class ApplicationDecisionSchema(Schema):
    decision = fields.Str(required=True, validate=validate.Length(max=30))
    reasons = fields.Str(allow_none=True, validate=validate.Length(max=20_000))
    version = fields.Int(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


class ExtensionSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(max=20_000))


class RegisterEntrySchema(Schema):
    supplier = fields.Nested(OrganisationSummarySchema, attribute="admission.organisation")
    admitted_at = fields.AwareDateTime(attribute="admission.admitted_at")
    expired = fields.List(fields.Str())
    expiring = fields.List(fields.Str())
    invitable = fields.Bool()


class RegisterPageSchema(PageSchema):
    items = fields.List(fields.Nested(RegisterEntrySchema))


class RegisterQuerySchema(PageArgsSchema):
    q = fields.Str(validate=validate.Length(max=200))


class ListingInputSchema(Schema):
    solution_id = fields.Int(required=True, strict=True, validate=ID_RANGE)
    price = fields.Str(required=True, validate=validate.Length(max=20_000))
    terms = fields.Str(required=True, validate=validate.Length(max=20_000))
    service_levels = fields.Str(required=True, validate=validate.Length(max=20_000))


class ListingSchema(Schema):
    id = fields.Int()
    category_id = fields.Int()
    solution_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    price = fields.Str()
    terms = fields.Str()
    service_levels = fields.Str()
    listed_at = fields.AwareDateTime()
    withdrawn_at = fields.AwareDateTime(allow_none=True)


class CriterionSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(max=20_000))
    weight = fields.Int(
        required=True, strict=True, validate=validate.Range(min=-(2**31), max=2**31 - 1)
    )


class ClarificationSchema(Schema):
    id = fields.Int(dump_only=True)
    question = fields.Str()
    answer = fields.Str(allow_none=True)


class AwardSchema(Schema):
    bid_id = fields.Int()
    contract_value = fields.Int()
    reasons = fields.Str()
    awarded_at = fields.AwareDateTime()


class CallOffSchema(Schema):
    id = fields.Int(dump_only=True)
    category_id = fields.Int(required=True, strict=True, validate=ID_RANGE)
    buyer_organisation_id = fields.Int(required=True, strict=True, validate=ID_RANGE)
    title = fields.Str(required=True, validate=validate.Length(max=20_000))
    requirement = fields.Str(required=True, validate=validate.Length(max=20_000))
    closes_on = fields.Date(required=True, load_only=True)
    closes_at = fields.AwareDateTime(dump_only=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)
    invited = fields.Function(lambda c: len(c.invitations), dump_only=True)
    clarifications = fields.Function(
        lambda c: [
            {"question": q.question, "answer": q.answer} for q in c.clarifications if q.answer
        ],
        dump_only=True,
    )
    award = fields.Nested(AwardSchema, allow_none=True, dump_only=True)


class BidInputSchema(Schema):
    price = fields.Raw(required=True, metadata={"type": "integer"})
    proposal = fields.Str(required=True, validate=validate.Length(max=50_000))


class BidSchema(Schema):
    id = fields.Int()
    call_off_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    price = fields.Int()
    proposal = fields.Str()
    submitted_at = fields.AwareDateTime()


class ClarificationQuestionSchema(Schema):
    question = fields.Str(required=True, validate=validate.Length(max=20_000))


class ClarificationAnswerSchema(Schema):
    answer = fields.Str(required=True, validate=validate.Length(max=20_000))


class ScoreInputSchema(Schema):
    criterion_id = fields.Int(required=True, strict=True, validate=ID_RANGE)
    score = fields.Int(
        required=True, strict=True, validate=validate.Range(min=-(2**31), max=2**31 - 1)
    )


class ContractValueSchema(Schema):
    contract_value = fields.Raw(required=True, metadata={"type": "integer"})


class ResultSchema(Schema):
    rank = fields.Int()
    total = fields.Float()
    bid = fields.Nested(BidSchema)
