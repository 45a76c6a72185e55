"""JSON shapes of fits and decisions. Types and presence only; rules are in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.accounts.schemas import ID_RANGE, OrganisationSummarySchema
from marketplace.matches.models import WEIGHT_NAMES, FeedbackStatus
from marketplace.solutions.models import Maturity


class ReasonsSchema(Schema):
    summary = fields.Str(metadata={"description": "Why, in a sentence a service lead can read"})
    query_sentence = fields.Str(
        allow_none=True, metadata={"description": "From the document the fits are ranked for"}
    )
    match_sentence = fields.Str(
        allow_none=True, metadata={"description": "The closest sentence of the ranked document"}
    )
    sentence_similarity = fields.Float(allow_none=True)
    shared_terms = fields.List(fields.Str())
    themes = fields.List(fields.Str())
    maturity = fields.Str(allow_none=True)
    gaps = fields.List(
        fields.Str(),
        metadata={
            "description": "What the challenge asks for that the solution does not yet show "
            "(NICE evidence tier, DTAC, DSPT, device class), one sentence each"
        },
    )


class ComponentsSchema(Schema):
    dense = fields.Float(metadata={"description": "Best passage cosine similarity, -1 to 1"})
    late = fields.Float(
        metadata={
            "description": "Sentence by sentence: the mean over the ranked-for text's sentences "
            "of each one's closest sentence cosine, -1 to 1 (only for the shortlist the second "
            "stage re-ranks)"
        }
    )
    lexical = fields.Float(metadata={"description": "BM25 score of shared words"})
    themes = fields.Float(metadata={"description": "Share of themes in common, 0 to 1"})
    maturity = fields.Float(metadata={"description": "Maturity fit, 0 to 1"})


class DecisionSchema(Schema):
    id = fields.Int()
    challenge_id = fields.Int()
    solution_id = fields.Int()
    side = fields.Str(attribute="side.value")
    status = fields.Str(attribute="status.value")
    reason = fields.Str(allow_none=True)
    score = fields.Float(allow_none=True)
    decided_by_id = fields.Int()
    decided_at = fields.AwareDateTime()
    version = fields.Int()


class RankedSchema(Schema):
    """The challenge or solution that was ranked."""

    id = fields.Int()
    title = fields.Str()
    organisation = fields.Nested(OrganisationSummarySchema)
    status = fields.Str()


class WeightsSchema(Schema):
    """The weight of each normalised signal in a fit's score."""

    dense = fields.Float()
    late = fields.Float()
    lexical = fields.Float()
    themes = fields.Float()
    maturity = fields.Float()


class FitSchema(Schema):
    rank = fields.Int()
    ranked = fields.Nested(RankedSchema)
    score = fields.Float(
        metadata={
            "description": "The weighted sum of the normalised signals (``features``) by the "
            "weights in use: about 0 to 1.15"
        }
    )
    band = fields.Str(validate=validate.OneOf(["strong", "good", "possible"]))
    components = fields.Nested(ComponentsSchema)
    features = fields.Nested(
        WeightsSchema,
        metadata={
            "description": "Each signal scaled over the candidates, 0 (weakest) to 1 (strongest); "
            "themes and maturity as they are"
        },
    )
    reasons = fields.Nested(ReasonsSchema)
    decision = fields.Nested(DecisionSchema, allow_none=True)


class FitsSchema(Schema):
    items = fields.List(fields.Nested(FitSchema))
    decided = fields.List(fields.Nested(DecisionSchema))
    waiting = fields.Int(metadata={"description": "Candidates not yet indexed"})


class FitQuerySchema(Schema):
    limit = fields.Int(load_default=10, validate=validate.Range(min=1, max=50))
    theme = fields.Int(validate=ID_RANGE)


class SolutionFitQuerySchema(FitQuerySchema):
    maturity = fields.List(fields.Enum(Maturity, by_value=True), load_default=list)


class DecisionInputSchema(Schema):
    status = fields.Enum(FeedbackStatus, by_value=True, required=True)
    reason = fields.Str(allow_none=True, validate=validate.Length(max=20_000))
    version = fields.Int(
        allow_none=True,
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "The decision's version you last saw (0: none yet)"},
    )


class LearnedWeightsSchema(Schema):
    id = fields.Int()
    weights = fields.Method("_weights")
    decisions = fields.Int(metadata={"description": "Learned from and held back, together"})
    figures = fields.Dict(
        metadata={
            "description": "held_back_pairs, learned_pairs_right, current_pairs_right, "
            "better_in (share of resamples in which the learned weights did better), "
            "trained_on, held_back, position_effect, compared_with"
        }
    )
    adopted = fields.Bool(metadata={"description": "Whether they beat the weights then in use"})
    in_use = fields.Bool()
    learned_by_id = fields.Int()
    learned_at = fields.AwareDateTime()
    put_in_use_by_id = fields.Int(allow_none=True)
    put_in_use_at = fields.AwareDateTime(allow_none=True)

    def _weights(self, row) -> dict:
        return {name: getattr(row, name) for name in WEIGHT_NAMES}


class WeightsOverviewSchema(Schema):
    in_use = fields.Int(
        attribute="in_use.id",
        allow_none=True,
        metadata={"description": "The learned set in use; null: the built-in weights"},
    )
    weights = fields.Nested(WeightsSchema, metadata={"description": "The weights in use"})
    built_in = fields.Nested(WeightsSchema)
    learned = fields.List(
        fields.Nested(LearnedWeightsSchema), metadata={"description": "Newest first"}
    )
    decisions = fields.Int(metadata={"description": "Decisions learning can use"})
    minimum = fields.Int(metadata={"description": "Decisions learning needs"})


class WeightsChoiceSchema(Schema):
    id = fields.Int(
        required=True,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A learned set that was adopted; null: the built-in weights"},
    )
