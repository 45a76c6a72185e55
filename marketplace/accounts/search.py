"""What of an organisation search finds: its name and its ODS and Companies House numbers (the
DPS registers and the team's list of organisations search these)."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Organisation
from marketplace.search.index import Source, joined, register

KIND = "organisation"


def _rows() -> sa.Select:
    return sa.select(
        Organisation.id.label("ref_id"),
        Organisation.name.label("title"),
        joined(Organisation.ods_code, Organisation.companies_house_number).label("names"),
        sa.literal("").label("themes"),
        sa.literal("").label("body"),
    )


SOURCE = register(
    Source(
        kind=KIND,
        model=Organisation,
        watched=("name", "ods_code", "companies_house_number"),
        rows=_rows,
    )
)
