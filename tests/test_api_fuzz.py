"""Property-based fuzzing of the JSON API from its own OpenAPI document.

Schemathesis generates valid and invalid requests for every operation and checks that none
makes the server fail (5xx) and that answers match the documented schemas. The number of
examples is bounded and derandomised so the suite stays quick and repeatable; to search
harder, raise EXAMPLES_PER_OPERATION and drop ``derandomize`` locally.

Schema-valid data may still break a rule (a weak password, an unknown organisation): the
schemas say only type and presence, and services hold the rules, so the "valid data must be
accepted" check does not apply.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from marketplace.accounts.models import Role
from tests import factories

EXAMPLES_PER_OPERATION = 25


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_api_never_fails_and_answers_as_documented(app, app_context):
    headers = {
        "Authorization": "Bearer "
        + factories.create_token(factories.create_user(role=Role.INNOVATION_TEAM))
    }
    operations = _operations(app)
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples every run, so CI failures reproduce
        )
        def exercise(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            exercise()
        except Exception as failure:
            pytest.fail(f"{operation.label}: {failure}")
