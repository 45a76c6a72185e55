"""JSON shapes of the accounts API. Types and presence only; rules are in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import MAX_ID

ID_RANGE = validate.Range(min=1, max=MAX_ID)


class OrganisationSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str()
    kind = fields.Enum(OrganisationKind, by_value=True)
    ods_code = fields.Str(allow_none=True)
    companies_house_number = fields.Str(allow_none=True)
    status = fields.Str(dump_only=True)
    rejection_reason = fields.Str(allow_none=True, dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class OrganisationSummarySchema(Schema):
    id = fields.Int()
    name = fields.Str()
    status = fields.Str()


class MembershipSchema(Schema):
    id = fields.Int(dump_only=True)
    user_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    role = fields.Enum(Role, by_value=True)
    status = fields.Str()
    requested_at = fields.AwareDateTime()
    granted_at = fields.AwareDateTime(allow_none=True)
    decline_reason = fields.Str(allow_none=True)


class UserSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    email = fields.Email()
    memberships = fields.List(fields.Nested(MembershipSchema))


class PageSchema(Schema):
    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    pages = fields.Int()


class OrganisationPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrganisationSchema))


class MembershipPageSchema(PageSchema):
    items = fields.List(fields.Nested(MembershipSchema))


class AuditEventSchema(Schema):
    id = fields.Int()
    occurred_at = fields.AwareDateTime()
    actor_id = fields.Int(allow_none=True)
    action = fields.Str()
    target_type = fields.Str()
    target_id = fields.Str()
    data = fields.Dict()


class AuditEventPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEventSchema))


class PageArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))


class OrganisationQuerySchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(["pending", "approved", "rejected"]))
    kind = fields.Str(validate=validate.OneOf([k.value for k in OrganisationKind]))
    q = fields.Str(validate=validate.Length(max=200))


class MembershipQuerySchema(PageArgsSchema):
    status = fields.Str(validate=validate.OneOf(["requested", "granted", "declined", "revoked"]))
    organisation_id = fields.Int(validate=ID_RANGE)


class AuditQuerySchema(PageArgsSchema):
    target_type = fields.Str(validate=validate.Length(max=60))
    target_id = fields.Str(validate=validate.Length(max=60))
    actor_id = fields.Int(validate=ID_RANGE)
    action = fields.Str(validate=validate.Length(max=80))


class RegistrationSchema(Schema):
    """Organisation is either ``organisation_id`` (an approved one) or ``new_organisation``."""

    email = fields.Str(required=True)
    name = fields.Str(required=True)
    password = fields.Str(required=True, load_only=True)
    role = fields.Str(required=True)
    organisation_id = fields.Int(allow_none=True, validate=ID_RANGE)
    new_organisation = fields.Nested(
        Schema.from_dict(
            {
                "name": fields.Str(required=True),
                "kind": fields.Str(required=True),
                "ods_code": fields.Str(allow_none=True),
                "companies_house_number": fields.Str(allow_none=True),
            },
            name="NewOrganisation",
        )
    )


class MessageSchema(Schema):
    message = fields.Str()


class ProposeOrganisationSchema(Schema):
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    ods_code = fields.Str(allow_none=True)
    companies_house_number = fields.Str(allow_none=True)
    role = fields.Str(required=True)


class MembershipRequestSchema(Schema):
    role = fields.Str(required=True)


class ReasonSchema(Schema):
    reason = fields.Str(required=True)


class GrantRoleSchema(Schema):
    email = fields.Str(required=True)
    role = fields.Str(required=True)
