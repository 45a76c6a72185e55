"""JSON API for test-bed agreements: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.errors import NotFound
from marketplace.extensions import db
from procurement.testbeds import queries, services
from procurement.testbeds.schemas import (
    ActualSchema,
    AgreementPageSchema,
    AgreementSchema,
    CompleteSchema,
    MeasureSchema,
    RegisterQuerySchema,
    SignatureSchema,
    StartSchema,
    TerminateSchema,
    TermsInputSchema,
    VersionSchema,
)

testbeds = Blueprint(
    "testbeds_api", __name__, url_prefix="/api/v1/testbeds", description="Test-bed agreements"
)
blueprints = [testbeds]


def _done(agreement):
    db.session.commit()
    return agreement


@testbeds.get("")
@testbeds.arguments(RegisterQuerySchema, location="query")
@testbeds.response(200, AgreementPageSchema)
def register(args):
    """The register: every agreement past its draft, filterable."""
    filters = queries.RegisterFilters(
        status=args.get("status"),
        outcome=args.get("outcome"),
        organisation_id=args.get("organisation"),
        text=args.get("q"),
    )
    return queries.register(db.session, filters, args["page"], args["per_page"]).checked()


@testbeds.post("")
@testbeds.arguments(StartSchema)
@testbeds.response(201, AgreementSchema)
def start(data):
    """Draft an agreement from an accepted fit or a shortlisted response (service leads)."""
    return _done(
        services.start_agreement(
            db.session, current_user, data["challenge_id"], data["solution_id"]
        )
    )


@testbeds.get("/<int:agreement_id>")
@testbeds.response(200, AgreementSchema)
def show(agreement_id):
    return services.visible(db.session, current_user, agreement_id)


@testbeds.put("/<int:agreement_id>/terms")
@testbeds.arguments(TermsInputSchema)
@testbeds.response(200, AgreementSchema)
def save_terms(data, agreement_id):
    """Replace the terms (omitted fields become empty); saved as a new version."""
    version = data.pop("version", None)
    terms = {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}
    return _done(services.save_terms(db.session, current_user, agreement_id, terms, version))


@testbeds.post("/<int:agreement_id>/measures")
@testbeds.arguments(MeasureSchema)
@testbeds.response(201, MeasureSchema)
def add_measure(data, agreement_id):
    return _done(services.add_measure(db.session, current_user, agreement_id, data))


@testbeds.delete("/measures/<int:measure_id>")
@testbeds.response(200, AgreementSchema)
def remove_measure(measure_id):
    return _done(services.remove_measure(db.session, current_user, measure_id))


@testbeds.post("/measures/<int:measure_id>/actual")
@testbeds.arguments(ActualSchema)
@testbeds.response(200, MeasureSchema)
def record_actual(data, measure_id):
    return _done(
        services.record_actual(
            db.session, current_user, measure_id, data["actual"], data.get("note")
        )
    )


def _transition(name: str, service, doc: str):
    def endpoint(agreement_id):
        return _done(service(db.session, current_user, agreement_id))

    endpoint.__name__ = name.replace("-", "_")
    endpoint.__doc__ = doc
    testbeds.post(f"/<int:agreement_id>/{name}")(testbeds.response(200, AgreementSchema)(endpoint))


_transition("share", services.share, "The host shares its draft with the innovator.")
_transition("send", services.send_for_signature, "Send for signature; names every missing part.")
_transition("reopen", services.reopen, "Back to negotiation; signatures on it no longer count.")
_transition("go-live", services.go_live, "The host starts the trial (both safety officers named).")
_transition("evaluate", services.start_evaluation, "The host moves the trial to evaluation.")
_transition("amend", services.amend, "Open a new version of a signed agreement.")


@testbeds.post("/<int:agreement_id>/signatures")
@testbeds.arguments(SignatureSchema)
@testbeds.response(200, AgreementSchema)
def sign(data, agreement_id):
    """Sign the version awaiting signature for one party you act for."""
    return _done(services.sign(db.session, current_user, agreement_id, data["organisation_id"]))


@testbeds.post("/<int:agreement_id>/complete")
@testbeds.arguments(CompleteSchema)
@testbeds.response(200, AgreementSchema)
def complete(data, agreement_id):
    """Outcome met, partly_met or not_met, with the evaluation summary (the host)."""
    return _done(
        services.complete(db.session, current_user, agreement_id, data["outcome"], data["summary"])
    )


@testbeds.post("/<int:agreement_id>/terminate")
@testbeds.arguments(TerminateSchema)
@testbeds.response(200, AgreementSchema)
def terminate(data, agreement_id):
    return _done(services.terminate(db.session, current_user, agreement_id, data["reason"]))


@testbeds.get("/<int:agreement_id>/versions/<int:number>")
@testbeds.response(200, VersionSchema)
def version(agreement_id, number):
    """One version exactly as it was saved or signed."""
    agreement = services.visible(db.session, current_user, agreement_id)
    found = next((v for v in agreement.versions if v.number == number), None)
    if found is None:
        raise NotFound("There is no such version")
    return found
