"""JSON shapes of the solutions API. Types and presence only; rules are in services."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from challenges.schemas import ThemeSchema
from marketplace.accounts.schemas import (
    ID_RANGE,
    OrganisationSummarySchema,
    PageArgsSchema,
    PageSchema,
)
from marketplace.solutions.models import (
    CareSetting,
    CyberEssentials,
    DeviceClass,
    DsptStatus,
    DtacStatus,
    EsfTier,
    Maturity,
)


def _enum(enum_cls):
    return fields.Enum(enum_cls, by_value=True, allow_none=True)


class SolutionSchema(Schema):
    id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    title = fields.Str()
    summary = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    audience = fields.Str(allow_none=True)
    themes = fields.List(fields.Nested(ThemeSchema))
    care_settings = fields.List(fields.Enum(CareSetting, by_value=True))
    maturity = _enum(Maturity)
    evidence = fields.Str(allow_none=True)
    evidence_sites = fields.Str(allow_none=True)
    device_class = _enum(DeviceClass)
    device_marking = fields.Str(allow_none=True)
    dtac_status = _enum(DtacStatus)
    dtac_date = fields.Date(allow_none=True)
    dcb0129_in_place = fields.Bool(allow_none=True)
    clinical_safety_officer = fields.Str(allow_none=True)
    dcb0129_date = fields.Date(allow_none=True)
    dspt_status = _enum(DsptStatus)
    dspt_date = fields.Date(allow_none=True)
    dspt_expiry = fields.Date(allow_none=True)
    cyber_essentials = _enum(CyberEssentials)
    cyber_essentials_date = fields.Date(allow_none=True)
    cyber_essentials_expiry = fields.Date(allow_none=True)
    esf_tier = _enum(EsfTier)
    pricing_model = fields.Str(allow_none=True)
    contact_name = fields.Str(allow_none=True)
    contact_email = fields.Str(allow_none=True)
    status = fields.Str()
    published_at = fields.AwareDateTime(allow_none=True)
    version = fields.Int()


class SolutionPageSchema(PageSchema):
    items = fields.List(fields.Nested(SolutionSchema))


class SolutionQuerySchema(PageArgsSchema):
    q = fields.Str(validate=validate.Length(max=200))
    theme = fields.Int(validate=ID_RANGE)
    maturity = fields.Str(validate=validate.OneOf([m.value for m in Maturity]))


class NewSolutionSchema(Schema):
    organisation_id = fields.Int(required=True, validate=ID_RANGE)
    title = fields.Str(required=True)


class _Section(Schema):
    version = fields.Int()


class OverviewSchema(_Section):
    title = fields.Str(required=True)
    summary = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    audience = fields.Str(allow_none=True)


class MaturitySchema(_Section):
    theme_ids = fields.List(fields.Int(validate=ID_RANGE), load_default=list)
    care_settings = fields.List(fields.Str(), load_default=list)
    maturity = fields.Str(allow_none=True)
    evidence = fields.Str(allow_none=True)
    evidence_sites = fields.Str(allow_none=True)


class AssuranceSchema(_Section):
    device_class = fields.Str(allow_none=True)
    device_marking = fields.Str(allow_none=True)
    dtac_status = fields.Str(allow_none=True)
    dtac_date = fields.Date(allow_none=True)
    dcb0129_in_place = fields.Bool(allow_none=True)
    clinical_safety_officer = fields.Str(allow_none=True)
    dcb0129_date = fields.Date(allow_none=True)
    dspt_status = fields.Str(allow_none=True)
    dspt_date = fields.Date(allow_none=True)
    dspt_expiry = fields.Date(allow_none=True)
    cyber_essentials = fields.Str(allow_none=True)
    cyber_essentials_date = fields.Date(allow_none=True)
    cyber_essentials_expiry = fields.Date(allow_none=True)
    esf_tier = fields.Str(allow_none=True)


class CommercialSchema(_Section):
    pricing_model = fields.Str(allow_none=True)
    contact_name = fields.Str(allow_none=True)
    contact_email = fields.Str(allow_none=True)


SECTION_SCHEMAS = {
    "overview": OverviewSchema,
    "maturity": MaturitySchema,
    "assurance": AssuranceSchema,
    "commercial": CommercialSchema,
}
