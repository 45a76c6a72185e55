"""JSON shapes of a challenge's response panel. Types and presence only; the rules are in
response_panels."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.accounts.schemas import ID_RANGE

TEXT = validate.Length(max=20_000)  # the services set the real limits and say so
SHORT = validate.Length(max=1_000)


class ChallengePanelRequestSchema(Schema):
    """A challenge with the moment its service asked for a panel."""

    challenge_id = fields.Int(attribute="id", dump_only=True)
    title = fields.Str(dump_only=True)
    panel_requested_at = fields.DateTime(dump_only=True, allow_none=True)


class ChallengePanelCriterionSchema(Schema):
    name = fields.Str(required=True, validate=SHORT)
    weight = fields.Int(required=True, strict=True, metadata={"description": "Whole number"})


class ChallengePanelInputSchema(Schema):
    name = fields.Str(required=True, validate=SHORT)
    member_ids = fields.List(
        fields.Int(strict=True, validate=ID_RANGE),
        required=True,
        validate=validate.Length(max=100),
        metadata={"description": "At least two people, one a patient or public member"},
    )
    criteria = fields.List(
        fields.Nested(ChallengePanelCriterionSchema),
        required=True,
        validate=validate.Length(max=50),
        metadata={"description": "Up to 10 criteria; whole-number weights adding up to 100"},
    )


class ChallengePanelMemberSchema(Schema):
    user_id = fields.Int()
    name = fields.Str(attribute="user.name")
    patient_or_public = fields.Bool()


class ChallengePanelSchema(Schema):
    id = fields.Int()
    challenge_id = fields.Int()
    name = fields.Str()
    formed_at = fields.DateTime()
    criteria = fields.List(fields.Nested(ChallengePanelCriterionSchema))
    members = fields.List(fields.Nested(ChallengePanelMemberSchema))


class ResponseReviewSchema(Schema):
    id = fields.Int()
    response_id = fields.Int()
    challenge_id = fields.Int(attribute="panel.challenge_id")
    panel_id = fields.Int()
    reviewer_id = fields.Int()
    reviewer_name = fields.Str(attribute="reviewer.name")
    scores = fields.Dict(keys=fields.Str(), values=fields.Int(), allow_none=True)
    comment = fields.Str(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    recused = fields.Bool()


class ResponseScoreInputSchema(Schema):
    scores = fields.Dict(
        keys=fields.Str(validate=SHORT),
        values=fields.Int(strict=True),
        required=True,
        metadata={"description": "Each of the panel's criteria by name: a whole number, 0 to 5"},
    )
    comment = fields.Str(allow_none=True, validate=TEXT)


class ResponseConflictInputSchema(Schema):
    reason = fields.Str(required=True, validate=TEXT)


class ResponseResultRowSchema(Schema):
    response_id = fields.Int(attribute="response.id")
    solution_id = fields.Int(attribute="response.solution.id")
    solution_title = fields.Str(attribute="response.solution.title")
    organisation = fields.Str(attribute="response.solution.organisation.name")
    response_status = fields.Str(attribute="response.status")
    score = fields.Float(allow_none=True, metadata={"description": "Weighted, out of 100"})
    means = fields.Dict(keys=fields.Str(), values=fields.Float(allow_none=True))
    scored = fields.Int()
    waiting = fields.Int(metadata={"description": "Reviewers not recused still to score"})
    recused = fields.Int()
    patient_scored = fields.Bool(
        metadata={"description": "A patient or public member is among those who scored"}
    )
    moderated = fields.Bool(
        metadata={
            "description": "Every reviewer not recused has scored, at least two have, and one "
            "of them is a patient or public member; otherwise the score is provisional"
        }
    )
    rank = fields.Int(allow_none=True)


class ChallengePanelResultsSchema(Schema):
    challenge_id = fields.Int(attribute="challenge.id")
    panel_id = fields.Int(attribute="panel.id", allow_none=True)
    complete = fields.Bool()
    withheld = fields.Bool(
        metadata={
            "description": "You still have responses of your own to score on this panel: "
            "nobody else's scores are shown until you have"
        }
    )
    criteria = fields.List(fields.Nested(ChallengePanelCriterionSchema))
    rows = fields.List(fields.Nested(ResponseResultRowSchema))
