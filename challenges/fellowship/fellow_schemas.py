"""JSON shapes of fellows, milestones, progress and learning sessions. Types and presence only;
the rules are in fellowship.fellows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from challenges.fellowship.models import FellowStatus
from marketplace.accounts.schemas import ID_RANGE
from marketplace.db import uk_today
from marketplace.solutions.schemas import (
    AssuranceSchema,
    CommercialSchema,
    MaturitySchema,
    OverviewSchema,
)

TEXT = validate.Length(max=20_000)  # the services set the real limits and say so


def _id(**kwargs):
    return fields.Int(strict=True, validate=ID_RANGE, **kwargs)


class FellowPersonSchema(Schema):
    id = fields.Int()
    name = fields.Str()


class FellowCohortSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    year = fields.Int()


class FellowSchema(Schema):
    id = fields.Int()
    cohort = fields.Nested(FellowCohortSchema)
    user = fields.Nested(FellowPersonSchema)
    mentor = fields.Nested(FellowPersonSchema, allow_none=True)
    year_of_fellowship = fields.Int()
    continues_from_id = fields.Int(allow_none=True)
    application_id = fields.Int(allow_none=True)
    solution_id = fields.Int(allow_none=True)
    status = fields.Enum(FellowStatus, by_value=True)
    ended_at = fields.AwareDateTime(allow_none=True)


class MilestoneSchema(Schema):
    id = fields.Int()
    fellow_id = fields.Int()
    title = fields.Str()
    due_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    overdue = fields.Method("_overdue")

    def _overdue(self, milestone) -> bool:

        return milestone.overdue(uk_today())


class ProgressUpdateSchema(Schema):
    id = fields.Int()
    fellow_id = fields.Int()
    milestone_id = fields.Int(allow_none=True)
    author = fields.Nested(FellowPersonSchema)
    text = fields.Str()
    created_at = fields.AwareDateTime()


class LearningSessionSchema(Schema):
    id = fields.Int()
    cohort_id = fields.Int()
    title = fields.Str()
    held_on = fields.Date()
    description = fields.Str(allow_none=True)


class AttendanceSchema(Schema):
    session_id = fields.Int()
    fellow_id = fields.Int()
    attended = fields.Bool()
    recorded_at = fields.AwareDateTime()


class SessionAttendanceSchema(Schema):
    session = fields.Nested(LearningSessionSchema)
    attended = fields.Bool(allow_none=True)


class YearSchema(Schema):
    fellow = fields.Nested(FellowSchema)
    milestones = fields.List(fields.Nested(MilestoneSchema))
    updates = fields.List(fields.Nested(ProgressUpdateSchema))
    attendance = fields.Method("_attendance")

    def _attendance(self, year) -> list[dict]:
        return SessionAttendanceSchema(many=True).dump(
            [{"session": s, "attended": a.attended if a else None} for s, a in year.attendance]
        )


class FellowRecordSchema(Schema):
    """One fellow, with every year of their fellowship, earliest first."""

    fellow = fields.Nested(FellowSchema)
    years = fields.List(fields.Nested(YearSchema))


class ProgressRowSchema(Schema):
    fellow = fields.Nested(FellowSchema)
    milestones_done = fields.Int()
    milestones_total = fields.Int()
    overdue = fields.Int()
    sessions_attended = fields.Int()
    sessions_recorded = fields.Int()
    attendance_rate = fields.Int(allow_none=True)


class CohortFellowsSchema(Schema):
    cohort = fields.Nested(FellowCohortSchema)
    fellows = fields.List(fields.Nested(ProgressRowSchema))


class MentorInputSchema(Schema):
    mentor_id = _id(required=True)


class MilestoneInputSchema(Schema):
    title = fields.Str(required=True, validate=TEXT)
    due_on = fields.Date(required=True)


class CompleteInputSchema(Schema):
    completed_on = fields.Date(allow_none=True)


class ProgressInputSchema(Schema):
    text = fields.Str(required=True, validate=TEXT)
    milestone_id = _id(allow_none=True)


class ContinueInputSchema(Schema):
    cohort_id = _id(required=True)


class EndInputSchema(Schema):
    status = fields.Str(required=True, validate=validate.OneOf(["completed", "withdrawn"]))


class LearningSessionInputSchema(Schema):
    title = fields.Str(required=True, validate=TEXT)
    held_on = fields.Date(required=True)
    description = fields.Str(allow_none=True, validate=TEXT)


class AttendanceInputSchema(Schema):
    fellow_id = _id(required=True)
    attended = fields.Bool(required=True, truthy={True}, falsy={False})


def _section_fields() -> dict:
    merged = {}
    for schema in (OverviewSchema, MaturitySchema, AssuranceSchema, CommercialSchema):
        merged.update({k: v for k, v in schema._declared_fields.items() if k != "version"})
    return merged


class IdeaInputSchema(Schema.from_dict(_section_fields())):
    """A solution record's fields (any section; pre-filled from the application where left out),
    its organisation (default: where you hold the fellow role) and whether to publish at once."""

    organisation_id = _id(allow_none=True)
    title = fields.Str(required=True, validate=TEXT)
    publish = fields.Bool(load_default=False, truthy={True}, falsy={False})
