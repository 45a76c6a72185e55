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


class AdoptionSchema(Schema):
    id = fields.Int()
    solution_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    site = fields.Str()
    stage = fields.Function(lambda a: a.stage.value)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)


class AdoptionPageSchema(PageSchema):
    items = fields.List(fields.Nested(AdoptionSchema))


class AdoptionQuerySchema(Schema):
    organisation = fields.Int(validate=ID_RANGE)
    theme = fields.Int(validate=ID_RANGE)
    stage = fields.Str(validate=validate.OneOf(["exploring", "piloting", "using", "stopped"]))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))


class NewAdoptionSchema(Schema):
    solution_id = fields.Int(required=True, validate=ID_RANGE)
    organisation_id = fields.Int(required=True, validate=ID_RANGE)
    site = fields.Str(required=True)
    stage = fields.Str(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True)


class AdoptionUpdateSchema(Schema):
    stage = fields.Str(required=True)
    end_date = fields.Date(allow_none=True)


class EnquirySchema(Schema):
    id = fields.Int()
    solution_id = fields.Int()
    organisation = fields.Nested(OrganisationSummarySchema)
    message = fields.Str()
    sent_at = fields.AwareDateTime()
    answer = fields.Str(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)


class NewEnquirySchema(Schema):
    organisation_id = fields.Int(required=True, validate=ID_RANGE)
    message = fields.Str(required=True)


class AnswerSchema(Schema):
    answer = fields.Str(required=True)


class EnquiryListsSchema(Schema):
    received = fields.List(fields.Nested(EnquirySchema))
    sent = fields.List(fields.Nested(EnquirySchema))


class FacetValueSchema(Schema):
    value = fields.Str()
    label = fields.Str()
    count = fields.Int()
    selected = fields.Bool()


class CatalogueQuerySchema(Schema):
    q = fields.Str(validate=validate.Length(max=200))
    theme = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    setting = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    esf_tier = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    device_class = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    assurance = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    adopted = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))


class CatalogueSchema(Schema):
    total = fields.Function(lambda r: r.page.total)
    page = fields.Function(lambda r: r.page.page)
    pages = fields.Function(lambda r: r.page.pages)
    items = fields.Function(lambda r: SolutionSchema(many=True).dump(r.page.items))
    facets = fields.Dict(keys=fields.Str(), values=fields.List(fields.Nested(FacetValueSchema)))
