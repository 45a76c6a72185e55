"""JSON shapes of funding records. Types and presence only; the rules are in the service."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from marketplace.accounts.schemas import ID_RANGE, PageArgsSchema, PageSchema
from marketplace.impact import funding
from marketplace.impact.models import FundingKind


class FundingInputSchema(Schema):
    solution_id = fields.Int(
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        metadata={
            "description": "The solution it was for (this, fellow_id, or both); not a withdrawn one"
        },
    )
    fellow_id = fields.Int(
        allow_none=True,
        strict=True,
        validate=ID_RANGE,
        metadata={"description": "The fellow it was for (this, solution_id, or both)"},
    )
    funder = fields.Str(required=True, validate=validate.Length(max=1000))
    kind = fields.Str(
        required=True,
        validate=validate.Length(max=30),
        metadata={"enum": [k.value for k in FundingKind]},
    )
    amount = fields.Raw(
        required=True,
        metadata={"type": "integer", "description": "Whole pounds, from 1 to 1,000,000,000"},
    )
    received_on = fields.Date(required=True, metadata={"description": "Not in the future"})
    note = fields.Str(allow_none=True, validate=validate.Length(max=20_000))


class FundingSchema(Schema):
    id = fields.Int()
    solution_id = fields.Int(allow_none=True)
    # Named only to someone who may view the solution (drafts are their organisation's and the
    # team's); the viewer is the one the response is for.
    solution_title = fields.Function(
        lambda record: funding.solution_title(record.solution, current_user),
        allow_none=True,
        metadata={
            "type": "string",
            "description": "“An unpublished solution” unless you may view it",
        },
    )
    fellow_id = fields.Int(allow_none=True)
    fellow_cohort_year = fields.Int(attribute="fellow.cohort.year", allow_none=True)
    funder = fields.Str()
    kind = fields.Enum(FundingKind, by_value=True)
    amount = fields.Int()
    received_on = fields.Date()
    note = fields.Str(allow_none=True)
    recorded_at = fields.AwareDateTime()


class FundingPageSchema(PageSchema):
    items = fields.List(fields.Nested(FundingSchema))


class FundingQuerySchema(PageArgsSchema):
    kind = fields.Enum(FundingKind, by_value=True)
    solution = fields.Int(validate=ID_RANGE)
    fellow = fields.Int(validate=ID_RANGE)
