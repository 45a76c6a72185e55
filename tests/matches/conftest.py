"""A service lead and their open falls challenge, which most fit tests rank against."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Role
from tests import factories
from tests.matches.test_fits import FALLS_NEED


@pytest.fixture
def lead(session):
    return factories.create_user(role=Role.SERVICE_LEAD)


@pytest.fixture
def challenge(lead):
    return factories.create_challenge(lead, status="open", **FALLS_NEED)
