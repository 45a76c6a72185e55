"""What the demo fellowship is made of: the people, their ideas, last year's decisions,
this year's applications, mentors, milestones and funding. `demo` loads it through the
services."""

from __future__ import annotations

from dataclasses import dataclass

TEAM = "innovation.lead@riverside.example"
OFFICER = "innovation.officer@riverside.example"
REVIEWERS = (
    "health.research@millbrook-uni.example",
    "clinical.reviewer@eastvale.example",
    "patient.voice@healthwatch.example",  # the patient and public member
)
SAMIRA = "fellow@millbrook.example"

RIVERSIDE = "Riverside University Hospitals NHS Foundation Trust"
MILLBROOK = "Millbrook Community and Mental Health NHS Trust"
EASTVALE = "Eastvale Children's Hospital NHS Foundation Trust"
ICB = "Riverside and Millbrook Integrated Care Board"
COUNCIL = "Millbrook City Council"

CRITERIA = [
    {"name": "The need and who benefits", "weight": 40},
    {"name": "Feasibility", "weight": 35},
    {"name": "What the fellow will learn", "weight": 25},
]


@dataclass(frozen=True)
class Staff:
    email: str
    name: str
    organisation: str


# Staff who apply to the fellowship; they hold the adopter role at their organisation until
# an accepted application makes them fellows as well.
STAFF = [
    Staff("chloe.bennett@riverside.example", "Chloe Bennett", RIVERSIDE),
    Staff("daniel.price@millbrook.example", "Daniel Price", MILLBROOK),
    Staff("amara.nwosu@millbrook-council.example", "Amara Nwosu", COUNCIL),
    Staff("owen.griffiths@riverside.example", "Owen Griffiths", RIVERSIDE),
    Staff("leah.morgan@icb.example", "Leah Morgan", ICB),
    Staff("ifeoma.obi@riverside.example", "Ifeoma Obi", RIVERSIDE),
    Staff("rhys.jenkins@millbrook.example", "Rhys Jenkins", MILLBROOK),
    Staff("nadia.karim@eastvale.example", "Nadia Karim", EASTVALE),
    Staff("george.whitfield@millbrook-council.example", "George Whitfield", COUNCIL),
    Staff("priti.shah@icb.example", "Priti Shah", ICB),
]


@dataclass(frozen=True)
class Idea:
    applicant: str
    problem: str
    idea: str
    stage: str
    service: str
    support: str


IDEAS = {
    SAMIRA: Idea(
        SAMIRA,
        "Leg ulcers heal slowly when changes go unnoticed between visits by different nurses.",
        "Photos taken the same way at every visit, compared side by side, so any nurse sees "
        "whether a wound is improving.",
        "concept",
        "Community nursing",
        "A mentor who has taken a digital tool through clinical safety, and time to test it.",
    ),
    "chloe.bennett@riverside.example": Idea(
        "chloe.bennett@riverside.example",
        "Patients go home with new medicines and a printed list few of them read; one in five "
        "calls the ward with questions in the first week.",
        "Short plain-language explanations of each discharge medicine, sent by text, with a "
        "pharmacist's number for questions.",
        "prototype",
        "Hospital pharmacy",
        "Help with information governance and with testing it on two wards.",
    ),
    "daniel.price@millbrook.example": Idea(
        "daniel.price@millbrook.example",
        "People waiting for knee replacement lose strength while they wait, which slows "
        "recovery afterwards.",
        "A twelve-week programme of short exercise videos, with a weekly check-in call.",
        "concept",
        "Musculoskeletal physiotherapy",
        "Video production and an evaluation plan.",
    ),
    "amara.nwosu@millbrook-council.example": Idea(
        "amara.nwosu@millbrook-council.example",
        "New parents who stop breastfeeding earlier than they wanted often say they had nobody "
        "to ask at night.",
        "Matching new parents with trained peer supporters who have fed a baby the same way.",
        "concept",
        "Health visiting",
        "Links with the voluntary sector and a mentor.",
    ),
    "owen.griffiths@riverside.example": Idea(
        "owen.griffiths@riverside.example",
        "Porters are sent for by phone, so jobs queue invisibly and wards chase them.",
        "An app for wards to request porters and see when one is on the way.",
        "concept",
        "Portering",
        "Software development.",
    ),
    "leah.morgan@icb.example": Idea(
        "leah.morgan@icb.example",
        "Practices cannot see which of their patients attend A&E most often.",
        "A monthly report for each practice of its frequent attenders.",
        "prototype",
        "Population health analytics",
        "Data access.",
    ),
    "ifeoma.obi@riverside.example": Idea(
        "ifeoma.obi@riverside.example",
        "Women whose first language is not English miss antenatal appointments more often.",
        "Appointment reminders recorded as short voice notes in the ten languages most spoken "
        "locally.",
        "concept",
        "Maternity",
        "Interpreting services and a mentor in maternity.",
    ),
    "rhys.jenkins@millbrook.example": Idea(
        "rhys.jenkins@millbrook.example",
        "Older people who fall but are not injured still wait hours for an ambulance.",
        "A community falls pick-up team, called by the ambulance service, with lifting kit.",
        "tested",
        "Urgent community response",
        "An evaluation of the month we tried it.",
    ),
    "nadia.karim@eastvale.example": Idea(
        "nadia.karim@eastvale.example",
        "Young people on the CAMHS waiting list hear nothing for months and some give up.",
        "A monthly message from a named worker, with what to do if things get worse.",
        "concept",
        "Children and young people's mental health",
        "Time with the digital team.",
    ),
    "george.whitfield@millbrook-council.example": Idea(
        "george.whitfield@millbrook-council.example",
        "Minor home adaptations take weeks to arrange after a hospital stay.",
        "A stock of the ten most used adaptations, fitted within two days of discharge.",
        "concept",
        "Occupational therapy",
        "Help to make the case for the stock.",
    ),
    "priti.shah@icb.example": Idea(
        "priti.shah@icb.example",
        "Carers are rarely asked about their own health at their GP practice.",
        "A carers' health check offered whenever a practice records someone as a carer.",
        "concept",
        "Primary care",
        "A mentor in primary care.",
    ),
}

# The past cohort: applicant, outcome, reasons.
PAST_DECISIONS = [
    (SAMIRA, "accepted", "A clear need, a realistic plan and strong support from her service."),
    (
        "chloe.bennett@riverside.example",
        "accepted",
        "Well evidenced; a working prototype and two wards ready to test it.",
    ),
    (
        "daniel.price@millbrook.example",
        "accepted",
        "A common problem with a low-cost answer that the service can evaluate.",
    ),
    (
        "amara.nwosu@millbrook-council.example",
        "accepted",
        "Strong patient and public support on the panel, and a partner charity ready to help.",
    ),
    (
        "owen.griffiths@riverside.example",
        "declined",
        "The trust's new patient-flow system already includes portering requests from next "
        "spring; we have put you in touch with its project team.",
    ),
    (
        "leah.morgan@icb.example",
        "declined",
        "Valuable, but it is analytics work the ICB already plans rather than an innovation "
        "to develop; please apply again with a new idea.",
    ),
]

# The current cohort: applicant and how far selection has got.
CURRENT = [
    ("ifeoma.obi@riverside.example", "all scored"),  # ready for the team to decide
    ("rhys.jenkins@millbrook.example", "all scored"),
    ("nadia.karim@eastvale.example", "partly scored"),  # one recused, one still to score
    ("george.whitfield@millbrook-council.example", "screened"),
    ("priti.shah@icb.example", "submitted"),
]

# Funding: (solution title or None, fellow's email or None, funder, kind, amount, days ago, note)
FUNDING = [
    (
        "Brightpath Virtual Ward",
        None,
        "Millbrook Angel Syndicate",
        "investment",
        1_200_000,
        520,
        "Seed round, after the first trust contract.",
    ),
    (
        "Homeward FallAlert",
        None,
        "Northern Health Innovation Network",
        "grant",
        150_000,
        410,
        "Funded the community falls test bed.",
    ),
    (
        "KindShift bank booking",
        None,
        "Riverside University Hospitals NHS Foundation Trust",
        "contract",
        48_000,
        120,
        "First year's licence after the pilot.",
    ),
    (
        "Gestational diabetes glucose diary",
        None,
        "University of Millbrook",
        "in_kind",
        12_000,
        60,
        "Research nurse time for the evaluation, valued at cost.",
    ),
    (None, SAMIRA, "Millbrook Health Innovation Fund", "grant", 5_000, 300, "Fellowship bursary."),
    (
        None,
        "daniel.price@millbrook.example",
        "Millbrook Health Innovation Fund",
        "grant",
        3_500,
        280,
        "Video production.",
    ),
    (
        "Discharge medicines explained",
        "chloe.bennett@riverside.example",
        "Riverside Hospitals Charity",
        "grant",
        25_000,
        90,
        "To test on four more wards.",
    ),
]


MENTORS = {
    SAMIRA: "community.lead@millbrook.example",
    "chloe.bennett@riverside.example": OFFICER,
    "daniel.price@millbrook.example": "health.research@millbrook-uni.example",
    "amara.nwosu@millbrook-council.example": "adult.social.care@millbrook-council.example",
    "ifeoma.obi@riverside.example": "maternity.lead@riverside.example",
}

PAST_MILESTONES = [
    ("Problem and baseline agreed with the service", (6, 30)),
    ("First version tested with five patients", (10, 31)),
    ("Evaluation written up and shared", (3, 31)),  # in the following year
]


PANEL_CHALLENGE = "Fewer missed first outpatient appointments for young adults"
