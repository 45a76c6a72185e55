"""JSON shapes of fellowship selection. Types and presence only; rules are in services."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from challenges.fellowship import queries, services
from challenges.fellowship.models import ApplicationOutcome, IdeaStage
from marketplace.accounts import policy
from marketplace.accounts.schemas import ID_RANGE

TEXT = validate.Length(max=20_000)  # the services set the real limits and say so
NAME = validate.Length(max=300)
ROWS = validate.Length(max=20)
YEAR = validate.Range(min=0, max=10_000)
COUNT = validate.Range(min=-1_000_000, max=1_000_000)


class FellowshipStageSchema(Schema):
    name = fields.Str(required=True, validate=NAME)
    ends_on = fields.Date(allow_none=True)


class FellowshipCriterionSchema(Schema):
    name = fields.Str(required=True, validate=NAME)
    weight = fields.Int(required=True, strict=True, validate=COUNT)


class FellowshipCohortInputSchema(Schema):
    title = fields.Str(required=True, validate=NAME)
    year = fields.Int(required=True, strict=True, validate=YEAR)
    themes = fields.Str(required=True, validate=TEXT)
    eligibility = fields.Str(required=True, validate=TEXT)
    places = fields.Int(required=True, strict=True, validate=COUNT)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    stages = fields.List(fields.Nested(FellowshipStageSchema), required=True, validate=ROWS)
    criteria = fields.List(fields.Nested(FellowshipCriterionSchema), required=True, validate=ROWS)


class FellowshipCohortSchema(Schema):
    id = fields.Int()
    year = fields.Int()
    title = fields.Str()
    themes = fields.Str()
    eligibility = fields.Str()
    places = fields.Int()
    opens_on = fields.Date()
    closes_on = fields.Date()
    status = fields.Function(
        lambda c: queries.status_of(c),
        metadata={"description": "upcoming, open (taking applications today) or closed"},
    )
    stages = fields.Function(
        lambda c: [
            {"name": s["name"], "ends_on": s["ends_on"].isoformat() if s["ends_on"] else None}
            for s in queries.stages_of(c)
        ]
    )
    criteria = fields.List(fields.Nested(FellowshipCriterionSchema))


class FellowshipApplicationInputSchema(Schema):
    problem = fields.Str(validate=TEXT)
    idea = fields.Str(validate=TEXT)
    idea_stage = fields.Str(
        validate=validate.Length(max=30),
        metadata={"enum": [s.value for s in IdeaStage]},
    )
    service = fields.Str(validate=TEXT)
    support_needed = fields.Str(validate=TEXT)
    challenge_id = fields.Int(allow_none=True, strict=True, validate=ID_RANGE)
    solution_id = fields.Int(allow_none=True, strict=True, validate=ID_RANGE)


class FellowshipReviewSchema(Schema):
    id = fields.Int()
    application_id = fields.Int(allow_none=True)
    response_id = fields.Int(allow_none=True)
    panel_id = fields.Int()
    reviewer_id = fields.Int()
    reviewer_name = fields.Str(attribute="reviewer.name")
    scores = fields.Dict(keys=fields.Str(), values=fields.Int(), allow_none=True)
    comment = fields.Str(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    recused = fields.Bool()
    conflict = fields.Method("_conflict_for_viewer", allow_none=True)

    def _conflict_for_viewer(self, review) -> str | None:
        """A conflict's reason stays with the reviewer and the team; other reviewers see only
        that someone was recused."""
        if review.reviewer_id == current_user.id or policy.may_run_fellowship(current_user):
            return review.conflict
        return None


class FellowshipApplicationSchema(Schema):
    id = fields.Int()
    cohort_id = fields.Int()
    cohort_title = fields.Str(attribute="cohort.title")
    applicant_id = fields.Int()
    problem = fields.Str()
    idea = fields.Str()
    idea_stage = fields.Enum(IdeaStage, by_value=True)
    service = fields.Str()
    support_needed = fields.Str()
    challenge_id = fields.Int(allow_none=True)
    solution_id = fields.Int(allow_none=True)
    submitted_at = fields.AwareDateTime()
    stage_index = fields.Int()
    stage = fields.Function(lambda a: services.stage_name(a.cohort, a.stage_index))
    outcome = fields.Enum(ApplicationOutcome, by_value=True, allow_none=True)
    outcome_reasons = fields.Str(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class FellowshipApplicationDetailSchema(FellowshipApplicationSchema):
    reviews = fields.List(
        fields.Nested(FellowshipReviewSchema),
        metadata={
            "description": "All of them for the team; a reviewer sees the others' only "
            "after submitting their own; none for the applicant"
        },
    )
    weighted_score = fields.Float(allow_none=True, metadata={"description": "Out of 100"})


class FellowshipScoredApplicationSchema(Schema):
    application = fields.Nested(FellowshipApplicationSchema)
    score = fields.Float(allow_none=True, metadata={"description": "Weighted, out of 100"})
    scored = fields.Int()
    reviewing = fields.Int()


class FellowshipPanelInputSchema(Schema):
    name = fields.Str(required=True, validate=NAME)
    member_ids = fields.List(
        fields.Int(strict=True, validate=ID_RANGE), required=True, validate=validate.Length(max=50)
    )


class FellowshipPanelMemberSchema(Schema):
    user_id = fields.Int()
    name = fields.Str(attribute="user.name")
    patient_or_public = fields.Bool()


class FellowshipPanelSchema(Schema):
    id = fields.Int()
    cohort_id = fields.Int(allow_none=True)
    challenge_id = fields.Int(allow_none=True)
    name = fields.Str()
    formed_at = fields.AwareDateTime()
    members = fields.List(fields.Nested(FellowshipPanelMemberSchema))


class FellowshipAssignSchema(Schema):
    panel_id = fields.Int(required=True, strict=True, validate=ID_RANGE)


class FellowshipScoresSchema(Schema):
    scores = fields.Dict(
        keys=fields.Str(validate=NAME),
        values=fields.Raw(metadata={"type": "integer"}),
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "Criterion name → whole number from 0 to 5, for every criterion"},
    )
    comment = fields.Str(allow_none=True, validate=TEXT)


class FellowshipConflictSchema(Schema):
    reason = fields.Str(required=True, validate=TEXT)


class FellowshipDecisionSchema(Schema):
    outcome = fields.Str(
        required=True,
        validate=validate.Length(max=30),
        metadata={"enum": [o.value for o in ApplicationOutcome]},
    )
    reasons = fields.Str(required=True, validate=TEXT)


class FellowshipReviewQueueSchema(Schema):
    to_score = fields.List(fields.Nested(FellowshipReviewSchema))
    scored = fields.List(fields.Nested(FellowshipReviewSchema))
    recused = fields.List(fields.Nested(FellowshipReviewSchema))
