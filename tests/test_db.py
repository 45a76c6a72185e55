"""Looking objects up by ids that came from outside (forms, JSON, URLs)."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import User
from marketplace.db import MAX_ID, get_by_id
from tests import factories


@pytest.mark.parametrize("object_id", [True, False, "1", 1.0, None, 0, -1, MAX_ID + 1])
def test_ids_that_are_not_whole_numbers_in_range_are_never_looked_up(
    session, monkeypatch, object_id
):
    """JSON true would otherwise be the id 1, and a huge id would fail in the driver."""
    monkeypatch.setattr(session, "get", lambda *_: pytest.fail("looked up"))

    assert get_by_id(session, User, object_id) is None


def test_a_whole_number_id_finds_its_row(session):
    user = factories.create_user()

    assert get_by_id(session, User, user.id) is user
