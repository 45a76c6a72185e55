"""A believable health and care partnership to explore the marketplace with.

Every name here is invented. Data goes through the same services as real use, so the demo also
exercises the rules. Later capabilities extend ``DEMO_*`` and ``load``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges import demo as challenge_demo
from challenges.fellowship import demo as fellowship_demo
from marketplace.accounts import services
from marketplace.accounts.models import OrganisationKind as Kind
from marketplace.accounts.models import Role, User
from marketplace.matches import demo as match_demo
from marketplace.solutions import demo as solution_demo
from procurement.dps import demo as dps_demo
from procurement.testbeds import demo as testbed_demo

DEMO_PASSWORD = "harbour-lantern-meadow-42"  # noqa: S105 - printed for demo sign-ins

# name, kind, ODS code, Companies House number
DEMO_ORGANISATIONS = [
    ("Riverside University Hospitals NHS Foundation Trust", Kind.NHS_TRUST, "XR1", None),
    ("Millbrook Community and Mental Health NHS Trust", Kind.NHS_TRUST, "XR2", None),
    ("Eastvale Children's Hospital NHS Foundation Trust", Kind.NHS_TRUST, "XR3", None),
    ("Riverside and Millbrook Integrated Care Board", Kind.ICB, "XQ1", None),
    ("Millbrook City Council", Kind.LOCAL_AUTHORITY, None, None),
    ("Brightpath Remote Care Ltd", Kind.SME, None, "14820361"),
    ("KindShift Software Ltd", Kind.SME, None, "13377204"),
    ("Little Steps Digital Ltd", Kind.SME, None, "12904418"),
    ("Clearview Point-of-Care Diagnostics Ltd", Kind.SME, None, "11652093"),
    ("Homeward Falls Prevention Ltd", Kind.SME, None, "15028877"),
    ("Open Ledger Health Analytics Ltd", Kind.SME, None, "SC612845"),
    ("University of Millbrook", Kind.ACADEMIC, None, None),
    ("Healthwatch Millbrook", Kind.VOLUNTARY, None, None),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisation: str
    role: Role


DEMO_USERS = [
    DemoUser(
        "innovation.lead@riverside.example",
        "Priya Natarajan",
        DEMO_ORGANISATIONS[0][0],
        Role.INNOVATION_TEAM,
    ),
    DemoUser(
        "innovation.officer@riverside.example",
        "Tom Aldridge",
        DEMO_ORGANISATIONS[0][0],
        Role.INNOVATION_TEAM,
    ),
    DemoUser(
        "maternity.lead@riverside.example",
        "Grace Okafor",
        DEMO_ORGANISATIONS[0][0],
        Role.SERVICE_LEAD,
    ),
    DemoUser(
        "community.lead@millbrook.example",
        "Declan Murphy",
        DEMO_ORGANISATIONS[1][0],
        Role.SERVICE_LEAD,
    ),
    DemoUser(
        "camhs.lead@eastvale.example", "Hannah Lewis", DEMO_ORGANISATIONS[2][0], Role.SERVICE_LEAD
    ),
    DemoUser("fellow@millbrook.example", "Samira Haddad", DEMO_ORGANISATIONS[1][0], Role.FELLOW),
    DemoUser(
        "procurement@riverside.example",
        "Martin Greaves",
        DEMO_ORGANISATIONS[0][0],
        Role.PROCUREMENT_OFFICER,
    ),
    DemoUser(
        "digital.adoption@eastvale.example", "Olivia Chen", DEMO_ORGANISATIONS[2][0], Role.ADOPTER
    ),
    DemoUser("commissioning@icb.example", "Rachel Adeyemi", DEMO_ORGANISATIONS[3][0], Role.ADOPTER),
    DemoUser(
        "adult.social.care@millbrook-council.example",
        "Joe Barnes",
        DEMO_ORGANISATIONS[4][0],
        Role.SERVICE_LEAD,
    ),
    DemoUser(
        "founder@brightpath.example", "Ade Williams", DEMO_ORGANISATIONS[5][0], Role.INNOVATOR
    ),
    DemoUser("cto@kindshift.example", "Ellie Fraser", DEMO_ORGANISATIONS[6][0], Role.INNOVATOR),
    DemoUser("hello@littlesteps.example", "Maya Patel", DEMO_ORGANISATIONS[7][0], Role.INNOVATOR),
    DemoUser("sales@clearview.example", "Ben Hughes", DEMO_ORGANISATIONS[8][0], Role.INNOVATOR),
    DemoUser("team@homeward.example", "Lucy Osei", DEMO_ORGANISATIONS[9][0], Role.INNOVATOR),
    DemoUser("data@openledger.example", "Callum Reid", DEMO_ORGANISATIONS[10][0], Role.INNOVATOR),
    DemoUser(
        "health.research@millbrook-uni.example",
        "Dr Anna Kowalski",
        DEMO_ORGANISATIONS[11][0],
        Role.PANEL_PROFESSIONAL,
    ),
    DemoUser(
        "clinical.reviewer@eastvale.example",
        "Dr Farid Rahman",
        DEMO_ORGANISATIONS[2][0],
        Role.PANEL_PROFESSIONAL,
    ),
    DemoUser(
        "patient.voice@healthwatch.example",
        "Margaret Ellis",
        DEMO_ORGANISATIONS[12][0],
        Role.PANEL_PATIENT,
    ),
]

# Someone whose organisation the innovation team has not yet checked: fills the review queues.
PENDING_USER = DemoUser(
    "director@newleaf.example", "Isaac Boateng", "Newleaf Wellbeing Ltd", Role.INNOVATOR
)


def has_data(session: Session) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(User)) > 0


def steps(session: Session) -> Iterator[str]:
    """Load the demo one step at a time, so the CLI can show progress."""
    organisations = {}
    for name, kind, ods, ch in DEMO_ORGANISATIONS:
        details = services.NewOrganisation(name, kind.value, ods, ch)
        organisations[name] = services.add_organisation(session, None, details)
        yield f"organisation {name}"
    for person in DEMO_USERS:
        user = services.create_user(
            session, None, email=person.email, name=person.name, password=DEMO_PASSWORD
        )
        services.grant_role(session, None, user, organisations[person.organisation], person.role)
        yield f"user {person.email}"
    services.register(
        session,
        email=PENDING_USER.email,
        name=PENDING_USER.name,
        password=DEMO_PASSWORD,
        role=PENDING_USER.role.value,
        new_organisation=services.NewOrganisation(
            PENDING_USER.organisation, Kind.SME.value, None, "16203398"
        ),
    )
    yield f"pending registration {PENDING_USER.email}"
    # Solutions first, so publishing the challenges tells innovators which ones fit theirs.
    yield from solution_demo.steps(session)
    yield from challenge_demo.steps(session, DEMO_USERS[0].email)
    yield from solution_demo.engagement_steps(session)
    yield from match_demo.steps(session)
    yield from testbed_demo.steps(session)
    yield from dps_demo.steps(session)
    yield from fellowship_demo.steps(session, DEMO_PASSWORD)


def step_count() -> int:
    return (
        len(DEMO_ORGANISATIONS)
        + len(DEMO_USERS)
        + 1
        + len(challenge_demo.CHALLENGES)
        + len(solution_demo.SOLUTIONS)
        + solution_demo.ENGAGEMENT_STEPS
        + len(match_demo.DECISIONS)
        + len(testbed_demo.TESTBEDS)
        + 1
        + len(dps_demo.APPLICATIONS)
        + 3  # listings, and two call-offs
        + fellowship_demo.STEPS
    )


def sign_ins() -> list[tuple[str, str, str]]:
    """(role, email, organisation) for every demo account, for the start-up banner."""
    rows = [(p.role.label, p.email, p.organisation) for p in DEMO_USERS]
    rows.append(("Awaiting approval", PENDING_USER.email, PENDING_USER.organisation))
    return rows
