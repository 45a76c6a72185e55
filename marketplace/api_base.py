"""flask-smorest's Api, documenting errors in the shape our one error mapping returns."""

from __future__ import annotations

from flask_smorest import Api
from marshmallow import Schema, fields


class ErrorSchema(Schema):
    code = fields.Str(
        metadata={"description": "Machine-readable kind, such as invalid or forbidden"}
    )
    message = fields.Str(metadata={"description": "What went wrong, for a person"})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.Str(),
        values=fields.List(fields.Str()),
        metadata={"description": "Messages for each field that broke a rule"},
    )


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorSchema)


class MarketplaceApi(Api):
    ERROR_SCHEMA = ErrorEnvelopeSchema
