"""JSON shapes of the challenges API. Types and presence only; rules are in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from challenges.models import AssuranceWanted, BudgetRange, EvidenceTierWanted, SolutionStageWanted
from challenges.queries import SORTS
from marketplace.accounts.schemas import (
    ID_RANGE,
    OrganisationSummarySchema,
    PageArgsSchema,
    PageSchema,
)


class ThemeSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    retired = fields.Function(lambda theme: theme.retired_at is not None)


class ChallengeSchema(Schema):
    id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    title = fields.Str()
    need = fields.Str(allow_none=True)
    evidence = fields.Str(allow_none=True)
    evidence_source = fields.Str(allow_none=True)
    affected = fields.Str(allow_none=True)
    outcomes = fields.Str(allow_none=True)
    setting = fields.Str(allow_none=True)
    integration = fields.Str(allow_none=True)
    information_governance = fields.Str(allow_none=True)
    budget_range = fields.Enum(BudgetRange, by_value=True, allow_none=True)
    priority = fields.Str(allow_none=True)
    sites = fields.Str(allow_none=True)
    closing_date = fields.Date(allow_none=True)
    stage_wanted = fields.Enum(SolutionStageWanted, by_value=True, allow_none=True)
    evidence_tier_wanted = fields.Enum(EvidenceTierWanted, by_value=True, allow_none=True)
    assurance_wanted = fields.List(
        fields.Str(validate=validate.OneOf([a.value for a in AssuranceWanted])),
        metadata={"description": "Assurance the solution must have: dtac, dspt, device_class"},
    )
    themes = fields.List(fields.Nested(ThemeSchema))
    status = fields.Str()
    review_comments = fields.Str(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    version = fields.Int()


class ChallengeInputSchema(Schema):
    """Every field may be left out of a PATCH; what is sent replaces what was there."""

    title = fields.Str()
    need = fields.Str(allow_none=True)
    evidence = fields.Str(allow_none=True)
    evidence_source = fields.Str(allow_none=True)
    affected = fields.Str(allow_none=True)
    outcomes = fields.Str(allow_none=True)
    setting = fields.Str(allow_none=True)
    integration = fields.Str(allow_none=True)
    information_governance = fields.Str(allow_none=True)
    budget_range = fields.Str(allow_none=True)
    priority = fields.Str(allow_none=True)
    sites = fields.Str(allow_none=True)
    closing_date = fields.Date(allow_none=True)
    stage_wanted = fields.Str(allow_none=True)
    evidence_tier_wanted = fields.Str(
        allow_none=True, metadata={"description": "NICE evidence standards tier: a, b or c"}
    )
    assurance_wanted = fields.List(
        fields.Str(validate=validate.Length(max=50)),
        validate=validate.Length(max=10),
        metadata={"description": "Any of dtac, dspt, device_class"},
    )
    theme_ids = fields.List(fields.Int(validate=ID_RANGE))


class NewChallengeSchema(ChallengeInputSchema):
    organisation_id = fields.Int(required=True, validate=ID_RANGE)
    title = fields.Str(required=True)


class ChallengeUpdateSchema(ChallengeInputSchema):
    version = fields.Int(
        metadata={
            "description": "The version you started from, to detect someone else's save in between"
        }
    )


class ChallengePageSchema(PageSchema):
    items = fields.List(fields.Nested(ChallengeSchema))


class ChallengeQuerySchema(PageArgsSchema):
    q = fields.Str(validate=validate.Length(max=200))
    theme = fields.Int(validate=ID_RANGE)
    organisation = fields.Int(validate=ID_RANGE)
    status = fields.Str(load_default="open", validate=validate.OneOf(["open", "closed", "all"]))
    closing_soon = fields.Bool(load_default=False)
    sort = fields.Str(
        load_default="relevance",
        validate=validate.OneOf(list(SORTS)),
        metadata={
            "description": "relevance (the default) orders a search by best match; "
            "without a search it is the closing date."
        },
    )


class CommentsSchema(Schema):
    comments = fields.Str(required=True)


class ResponseSchema(Schema):
    id = fields.Int()
    challenge_id = fields.Int()
    solution_id = fields.Int()
    pitch = fields.Str()
    status = fields.Str()
    decision_reason = fields.Str(allow_none=True)
    submitted_at = fields.AwareDateTime()


class NewResponseSchema(Schema):
    solution_id = fields.Int(required=True, validate=ID_RANGE)
    pitch = fields.Str(required=True)


class FeedItemSchema(Schema):
    id = fields.Str()
    url = fields.Str()
    title = fields.Str()
    content_text = fields.Str()
    date_published = fields.AwareDateTime()
    tags = fields.List(fields.Str())
    authors = fields.List(fields.Dict())


class FeedSchema(Schema):
    version = fields.Str()
    title = fields.Str()
    home_page_url = fields.Str()
    feed_url = fields.Str()
    items = fields.List(fields.Nested(FeedItemSchema))
