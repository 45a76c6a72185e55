"""Demo solutions for the fictional partnership: 60 products and ideas across every maturity.

Written for this demo; companies, products and results are invented. Assurance answers follow
from maturity (a market-ready product has passed DTAC, an idea has not started it), which is
how such records usually look.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from challenges.models import Theme
from marketplace.accounts.models import User
from marketplace.solutions import services

BRIGHTPATH = "founder@brightpath.example"
KINDSHIFT = "cto@kindshift.example"
LITTLESTEPS = "hello@littlesteps.example"
CLEARVIEW = "sales@clearview.example"
HOMEWARD = "team@homeward.example"
OPENLEDGER = "data@openledger.example"
FELLOW = "fellow@millbrook.example"


@dataclass(frozen=True)
class DemoSolution:
    owner: str
    title: str
    summary: str
    audience: str
    themes: tuple[str, ...]
    settings: tuple[str, ...]
    maturity: str
    evidence: str = ""


S = DemoSolution
SOLUTIONS = [
    S(
        BRIGHTPATH,
        "Brightpath Virtual Ward",
        "Remote monitoring of people on a virtual ward, with alerts when observations change.",
        "Adults on virtual wards and the clinical teams who look after them.",
        ("Frailty", "Long-term conditions", "Digital"),
        ("home", "hospital"),
        "market_ready",
        "Used by two trusts for 18 months; 1,400 patients monitored; readmissions down 17%.",
    ),
    S(
        BRIGHTPATH,
        "COPD Companion",
        "Daily symptom check-ins for people with COPD that flag a flare-up early.",
        "People with COPD after a hospital stay.",
        ("Long-term conditions", "Supporting self-care"),
        ("home", "community"),
        "evidence",
        "Service evaluation with 210 people: 30-day readmissions fell from 21% to 14%.",
    ),
    S(
        BRIGHTPATH,
        "Heart failure weight watch",
        "Connected scales that warn the heart failure nurse when weight rises quickly.",
        "People with heart failure at home.",
        ("Long-term conditions",),
        ("home",),
        "piloted",
        "Piloted with 60 patients in one community service; 11 early decompensations caught.",
    ),
    S(
        BRIGHTPATH,
        "Post-op wound photo review",
        "Patients photograph their wound after surgery; nurses review images remotely.",
        "Day-surgery patients and surgical nurses.",
        ("Patient safety", "Outpatients"),
        ("home", "hospital"),
        "piloted",
        "Pilot with 150 patients; 40% fewer unplanned wound clinic visits.",
    ),
    S(
        BRIGHTPATH,
        "Gestational diabetes glucose diary",
        "Blood glucose readings sent "
        "straight to the diabetes midwife, who can adjust treatment between clinics.",
        "Pregnant women with gestational diabetes.",
        ("Maternity", "Supporting self-care"),
        ("home", "hospital"),
        "market_ready",
        "In use in three maternity units; review time fell from 12 days to 2.",
    ),
    S(
        BRIGHTPATH,
        "Early warning score capture",
        "Bedside tablet capture of observations "
        "that calculates the early warning score and escalates.",
        "Ward nurses and doctors.",
        ("Patient safety", "Digital"),
        ("hospital",),
        "market_ready",
        "Deployed on 40 wards elsewhere; escalation within 30 minutes rose from 61% to 92%.",
    ),
    S(
        BRIGHTPATH,
        "Blood pressure at home for pregnancy",
        "Home blood pressure monitoring for women at risk of pre-eclampsia.",
        "Pregnant women with raised blood pressure.",
        ("Maternity",),
        ("home",),
        "evidence",
        "Evaluation across two units: 35% fewer day-unit visits with no change in outcomes.",
    ),
    S(
        KINDSHIFT,
        "KindShift bank booking",
        "Offers short-notice shifts to bank staff on "
        "their phones and fills gaps before agency is called.",
        "Ward managers and bank staff.",
        ("Workforce", "Digital"),
        ("hospital", "community"),
        "market_ready",
        "Used by four trusts; agency shifts fell 22% in the first year at the first site.",
    ),
    S(
        KINDSHIFT,
        "Safe staffing dashboard",
        "Shows staffing against patient acuity, ward "
        "by ward, so gaps are moved before a shift starts.",
        "Matrons and site managers.",
        ("Workforce", "Patient safety"),
        ("hospital",),
        "evidence",
        "Evaluated on 18 wards: red-flag staffing shifts fell by a third.",
    ),
    S(
        KINDSHIFT,
        "Digital handover board",
        "An electronic handover list that stays current overnight and prints only when needed.",
        "Ward nurses.",
        ("Patient safety", "Workforce"),
        ("hospital",),
        "piloted",
        "Piloted on 3 wards for 4 months; handover 8 minutes shorter.",
    ),
    S(
        KINDSHIFT,
        "District nursing route planner",
        "Plans district nurses' visits and re-plans when urgent visits come in.",
        "District nursing teams.",
        ("Workforce", "Digital"),
        ("community", "home"),
        "market_ready",
        "Used by six community teams; 35 minutes saved per team per day, mileage down 12%.",
    ),
    S(
        KINDSHIFT,
        "Annual leave fairness tool",
        "Balances leave requests across a team against minimum staffing rules.",
        "Team leaders in any service.",
        ("Workforce",),
        ("hospital", "community"),
        "prototype",
    ),
    S(
        KINDSHIFT,
        "Wellbeing check-in for staff",
        "A 30-second weekly check-in that shows managers where teams are under strain.",
        "NHS and care staff.",
        ("Workforce",),
        ("hospital", "community", "social_care"),
        "piloted",
        "Piloted with 400 staff; response rate 58% over 12 weeks.",
    ),
    S(
        KINDSHIFT,
        "Care home staffing exchange",
        "Lets care homes share trained staff at short notice.",
        "Care home managers.",
        ("Workforce", "Frailty"),
        ("care_home", "social_care"),
        "idea",
    ),
    S(
        LITTLESTEPS,
        "Little Steps waiting support",
        "Practical guides and coaching for families waiting for an autism assessment.",
        "Families of children on the autism assessment waiting list.",
        ("Children and young people", "Mental health"),
        ("home", "community"),
        "evidence",
        "Evaluation with 320 families: 71% felt more able to support their child while waiting.",
    ),
    S(
        LITTLESTEPS,
        "Worry Toolkit for schools",
        "Short, evidence-based lessons and a self-help app for pupils with anxiety.",
        "Pupils aged 11 to 16 and school staff.",
        ("Children and young people", "Mental health"),
        ("community",),
        "piloted",
        "Piloted in 5 secondary schools; self-referrals to school counsellors doubled.",
    ),
    S(
        LITTLESTEPS,
        "Teen sleep coach",
        "A coaching app that helps teenagers improve sleep, a common driver of low mood.",
        "Young people aged 13 to 18.",
        ("Children and young people", "Mental health", "Supporting self-care"),
        ("home",),
        "prototype",
    ),
    S(
        LITTLESTEPS,
        "Scanner practice game",
        "A game that prepares young children for an MRI scan at home.",
        "Children aged 4 to 10 and their parents.",
        ("Children and young people", "Diagnostics"),
        ("home", "hospital"),
        "piloted",
        "Used by 90 children at one hospital; sedation needed in 18% against 41% before.",
    ),
    S(
        LITTLESTEPS,
        "Transition passport",
        "A young person's own record to carry from children's to adult services.",
        "Young people with long-term conditions aged 14 to 19.",
        ("Children and young people", "Long-term conditions"),
        ("hospital", "community"),
        "prototype",
    ),
    S(
        LITTLESTEPS,
        "Asthma buddy for families",
        "An asthma plan in the family's pocket, with "
        "reminders and a trigger diary, in 12 languages.",
        "Children with asthma and parents.",
        ("Children and young people", "Health inequalities", "Long-term conditions"),
        ("home", "primary_care"),
        "market_ready",
        "In use by two health boards; attacks needing emergency care fell by 24% in a year.",
    ),
    S(
        LITTLESTEPS,
        "Crisis text line for under-18s",
        "Text-based crisis support staffed by trained volunteers with clinical back-up.",
        "Young people in crisis.",
        ("Children and young people", "Mental health", "Urgent and emergency care"),
        ("community",),
        "evidence",
        "Two years of operation elsewhere; 9 in 10 texters said they felt safer after.",
    ),
    S(
        CLEARVIEW,
        "Clearview point-of-care CRP",
        "A finger-prick CRP test giving a result in four minutes, to guide antibiotic decisions.",
        "GP practices and urgent treatment centres.",
        ("Diagnostics", "Patient safety"),
        ("primary_care", "community"),
        "market_ready",
        "Used in 80 practices; antibiotic prescribing for chest infections fell 23%.",
    ),
    S(
        CLEARVIEW,
        "Mobile spirometry service",
        "Quality-assured spirometry in community hubs with remote specialist reporting.",
        "People with suspected COPD or asthma.",
        ("Diagnostics", "Long-term conditions"),
        ("community", "primary_care"),
        "evidence",
        "Evaluation across 3 hubs: wait for spirometry fell from 26 weeks to 4.",
    ),
    S(
        CLEARVIEW,
        "Lung nodule triage support",
        "Software that prioritises chest CT reports with suspicious nodules.",
        "Radiology departments.",
        ("Diagnostics",),
        ("hospital",),
        "piloted",
        "Retrospective study on 5,000 scans and a 3-month live pilot at one trust.",
    ),
    S(
        CLEARVIEW,
        "Home sleep study kit",
        "Posted sleep study kits for suspected sleep apnoea, read by a sleep physiologist.",
        "Adults referred with suspected sleep apnoea.",
        ("Diagnostics", "Outpatients"),
        ("home",),
        "market_ready",
        "Used by two sleep services; 70% of patients no longer need a clinic visit to start.",
    ),
    S(
        CLEARVIEW,
        "Anaemia check in pregnancy",
        "A point-of-care haemoglobin test for community midwives.",
        "Pregnant women and community midwives.",
        ("Maternity", "Diagnostics"),
        ("community", "home"),
        "prototype",
    ),
    S(
        CLEARVIEW,
        "Urine infection test for care homes",
        "A simple dip-and-photo urine test that care staff can use, reviewed by a clinician.",
        "Care home residents and staff.",
        ("Frailty", "Diagnostics"),
        ("care_home",),
        "piloted",
        "Piloted in 8 care homes; inappropriate antibiotic starts fell by 30%.",
    ),
    S(
        CLEARVIEW,
        "Atrial fibrillation pulse check",
        "A one-minute ECG check for people over 65 at flu clinics and pharmacies.",
        "People over 65.",
        ("Diagnostics", "Long-term conditions"),
        ("primary_care", "community"),
        "evidence",
        "Screened 6,000 people in a county-wide programme; 2.1% had new AF found.",
    ),
    S(
        HOMEWARD,
        "Homeward FallAlert",
        "A bedside radar sensor that notices a fall at night and calls a responder.",
        "Older people living alone.",
        ("Frailty", "Patient safety"),
        ("home", "care_home"),
        "market_ready",
        "Evaluated in 120 homes: median time on the floor fell from 70 to 9 minutes.",
    ),
    S(
        HOMEWARD,
        "Home hazard check app",
        "A guided video check of a home's falls hazards by an occupational therapist.",
        "Older people after a fall and occupational therapists.",
        ("Frailty",),
        ("home", "community"),
        "piloted",
        "Piloted with 200 home checks; two thirds done without a visit.",
    ),
    S(
        HOMEWARD,
        "Strength and balance at home",
        "Follow-along strength and balance classes "
        "on the television, with progress sent to the physiotherapist.",
        "Older people at risk of falls.",
        ("Frailty", "Supporting self-care"),
        ("home",),
        "evidence",
        "12-week evaluation with 340 people: falls fell by 28% against the year before.",
    ),
    S(
        HOMEWARD,
        "Pressure ulcer early signs guide",
        "Picture-based guidance and a checklist for carers to spot early pressure damage.",
        "Family carers and home care workers.",
        ("Patient safety", "Frailty"),
        ("home", "social_care"),
        "prototype",
    ),
    S(
        HOMEWARD,
        "Hydration prompts for care homes",
        "Smart cups that track drinking and prompt staff when a resident drinks too little.",
        "Care home residents.",
        ("Frailty", "Patient safety"),
        ("care_home",),
        "piloted",
        "Piloted in 6 homes over a summer; admissions for dehydration fell from 9 to 2.",
    ),
    S(
        HOMEWARD,
        "Grab rail fast track",
        "A fitting service that installs minor adaptations within a week of hospital discharge.",
        "People returning home from hospital.",
        ("Frailty", "Urgent and emergency care"),
        ("home", "social_care"),
        "market_ready",
        "Running for two councils; average wait 5 days against 34.",
    ),
    S(
        HOMEWARD,
        "Stroke exercise coach",
        "A tablet coach that keeps people doing their rehabilitation exercises after a stroke.",
        "People recovering from stroke at home.",
        ("Long-term conditions", "Supporting self-care"),
        ("home",),
        "prototype",
    ),
    S(
        HOMEWARD,
        "Night-time wandering alert",
        "Discreet door and bed sensors that alert a "
        "carer when a person with dementia is up at night.",
        "People with dementia and carers.",
        ("Frailty",),
        ("home",),
        "idea",
    ),
    S(
        OPENLEDGER,
        "Did-not-attend predictor",
        "Predicts which outpatient appointments are "
        "likely to be missed and prompts targeted reminders.",
        "Outpatient services.",
        ("Outpatients", "Health inequalities", "Digital"),
        ("hospital",),
        "evidence",
        "Used at one trust for 9 months: missed appointments down 3 percentage points.",
    ),
    S(
        OPENLEDGER,
        "Discharge flow tracker",
        "Shows every patient waiting for a care package "
        "and where the hold-up is, across hospital and council.",
        "Discharge teams, social workers and commissioners.",
        ("Urgent and emergency care", "Frailty", "Digital"),
        ("hospital", "social_care"),
        "market_ready",
        "In use across two systems; average delay fell from 6.2 to 3.1 days.",
    ),
    S(
        OPENLEDGER,
        "Health check outreach targeting",
        "Finds people overdue a health check in the most deprived areas and plans outreach.",
        "Public health teams and practices.",
        ("Health inequalities",),
        ("primary_care", "community"),
        "piloted",
        "Piloted in 4 practices; uptake in the most deprived fifth rose from 22% to 35%.",
    ),
    S(
        OPENLEDGER,
        "Theatre scheduling optimiser",
        "Fills theatre lists better by matching case lengths to session time.",
        "Theatre managers.",
        ("Outpatients", "Workforce"),
        ("hospital",),
        "market_ready",
        "Three trusts; theatre utilisation up from 76% to 85%.",
    ),
    S(
        OPENLEDGER,
        "Population health dashboard",
        "Brings together GP, hospital and council data to show need by neighbourhood.",
        "Integrated care board analysts and planners.",
        ("Health inequalities", "Digital"),
        ("primary_care", "community"),
        "evidence",
        "Used by one ICB for two years to target three programmes.",
    ),
    S(
        OPENLEDGER,
        "Waiting list validation",
        "Contacts people on long waiting lists to "
        "check they still need treatment and how they are.",
        "Elective care services.",
        ("Outpatients",),
        ("hospital",),
        "market_ready",
        "Used at five trusts; 9% of pathways closed as no longer needed.",
    ),
    S(
        OPENLEDGER,
        "Carer connection map",
        "A searchable map of local support for unpaid "
        "carers, kept current by the services themselves.",
        "Unpaid carers.",
        ("Health inequalities", "Supporting self-care"),
        ("community", "social_care"),
        "prototype",
    ),
    S(
        OPENLEDGER,
        "Medicines round recorder",
        "Electronic recording of medicines prompts in home care, with alerts for missed doses.",
        "Home care providers.",
        ("Patient safety", "Frailty"),
        ("home", "social_care"),
        "piloted",
        "Piloted with two providers and 300 clients; reported errors fell by half.",
    ),
    S(
        FELLOW,
        "Young adult appointment texting",
        "Reminders written with young adults, "
        "sent by text and WhatsApp, with an easy rebooking link.",
        "People aged 18 to 25 with hospital appointments.",
        ("Outpatients", "Health inequalities"),
        ("hospital",),
        "piloted",
        "Fellowship pilot in two clinics: did-not-attend fell from 15% to 9%.",
    ),
    S(
        FELLOW,
        "Crisis café for young people",
        "An evening drop-in alternative to the emergency department for young people in distress.",
        "Young people aged 16 to 25.",
        ("Mental health", "Urgent and emergency care", "Children and young people"),
        ("community", "mental_health"),
        "idea",
    ),
    S(
        FELLOW,
        "Falls first responder training",
        "Trains care workers to get someone up safely after a fall, with a lifting cushion.",
        "Home care workers.",
        ("Frailty", "Workforce"),
        ("home", "social_care"),
        "prototype",
    ),
    S(
        FELLOW,
        "Talking therapies waiting check-in",
        "Monthly check-in calls by peer workers for people waiting for talking therapies.",
        "Adults waiting for talking therapies.",
        ("Mental health",),
        ("community", "mental_health"),
        "piloted",
        "Peer worker pilot with 180 people; crisis contacts while waiting fell from 11% to 6%.",
    ),
    S(
        FELLOW,
        "Sepsis screening prompt",
        "A laminated and digital prompt card that helps "
        "health care assistants recognise sepsis early.",
        "Health care assistants on wards.",
        ("Patient safety", "Workforce"),
        ("hospital",),
        "prototype",
    ),
    S(
        FELLOW,
        "Shift swap app",
        "Lets nurses swap shifts with colleagues and get approval "
        "in minutes, built by a ward sister.",
        "Ward nurses.",
        ("Workforce", "Digital"),
        ("hospital",),
        "market_ready",
        "Home-grown app used across one trust for three years; sold to two other trusts.",
    ),
    S(
        FELLOW,
        "Maternity advice app",
        "Answers common questions in pregnancy and after birth, written by local midwives.",
        "Pregnant women and new parents.",
        ("Maternity", "Supporting self-care"),
        ("home",),
        "market_ready",
        "Downloaded 40,000 times; triage calls for common questions fell by a quarter.",
    ),
    S(
        FELLOW,
        "Liquid medicine dose checker",
        "Checks children's liquid medicine doses against weight before they are given.",
        "Children's nurses and pharmacists.",
        ("Patient safety", "Children and young people"),
        ("hospital",),
        "prototype",
    ),
    S(
        FELLOW,
        "Diabetes transition clinic",
        "A joint clinic run by children's and adult diabetes teams for young people moving on.",
        "Young people with type 1 diabetes.",
        ("Children and young people", "Long-term conditions"),
        ("hospital",),
        "evidence",
        "Two years of data: first adult appointment attendance rose from 66% to 93%.",
    ),
    S(
        FELLOW,
        "Pre-op questionnaire online",
        "Patients complete their pre-operative health questionnaire at home before clinic.",
        "Patients waiting for surgery.",
        ("Outpatients", "Digital"),
        ("home", "hospital"),
        "piloted",
        "Piloted in one pre-assessment clinic: 64% completed online, no re-keying.",
    ),
    S(
        FELLOW,
        "Community language health walks",
        "Health walks led in community languages, with a health check on the way.",
        "Adults in communities with low health check uptake.",
        ("Health inequalities", "Supporting self-care"),
        ("community",),
        "idea",
    ),
    S(
        FELLOW,
        "Hospital at night task board",
        "A shared task list for the night team so urgent jobs are seen and picked up.",
        "Night doctors and nurse practitioners.",
        ("Patient safety", "Workforce"),
        ("hospital",),
        "idea",
    ),
    S(
        FELLOW,
        "Carers' breaks finder",
        "Helps carers find and book a short break, with replacement care arranged.",
        "Unpaid carers.",
        ("Supporting self-care",),
        ("community", "social_care"),
        "idea",
    ),
    S(
        FELLOW,
        "Kind words discharge letters",
        "Discharge letters rewritten in plain language with a clear 'what happens next'.",
        "Patients leaving hospital and their GPs.",
        ("Patient safety", "Health inequalities"),
        ("hospital", "primary_care"),
        "prototype",
    ),
    S(
        FELLOW,
        "Outpatient video triage",
        "Short video consultations to decide whether a face-to-face appointment is needed.",
        "Outpatient clinicians.",
        ("Outpatients", "Digital"),
        ("hospital", "home"),
        "piloted",
        "Piloted in dermatology and ENT; 30% of first appointments avoided.",
    ),
    S(
        FELLOW,
        "Autism-friendly emergency department",
        "A quiet room, visual guides and "
        "staff training for autistic patients in the emergency department.",
        "Autistic children and adults attending the emergency department.",
        ("Urgent and emergency care", "Health inequalities"),
        ("hospital",),
        "prototype",
    ),
]

ASSURANCE_BY_MATURITY = {
    "market_ready": {
        "dtac_status": "passed",
        "dspt_status": "met",
        "cyber_essentials": "plus",
        "esf_tier": "b",
        "dcb0129_in_place": True,
    },
    "evidence": {
        "dtac_status": "passed",
        "dspt_status": "met",
        "cyber_essentials": "basic",
        "esf_tier": "b",
        "dcb0129_in_place": True,
    },
    "piloted": {
        "dtac_status": "in_progress",
        "dspt_status": "approaching",
        "cyber_essentials": "basic",
        "esf_tier": "a",
        "dcb0129_in_place": True,
    },
    "prototype": {
        "dtac_status": "not_started",
        "dspt_status": "not_published",
        "cyber_essentials": "none",
        "esf_tier": "not_applicable",
        "dcb0129_in_place": False,
    },
    "idea": {
        "dtac_status": "not_started",
        "dspt_status": "not_published",
        "cyber_essentials": "none",
        "esf_tier": "not_applicable",
        "dcb0129_in_place": False,
    },
}


def steps(session: Session) -> Iterator[str]:
    themes = {t.name: t.id for t in session.query(Theme)}
    for item in SOLUTIONS:
        owner = session.query(User).filter_by(email=item.owner).one()
        solution = services.create_solution(
            session, owner, owner.active_memberships[0].organisation_id, item.title
        )
        for section, values in _sections(item, owner, themes).items():
            services.save_section(session, owner, solution.id, section, values)
        services.publish_solution(session, owner, solution.id)
        yield f"solution {item.title}"


def _sections(item: DemoSolution, owner: User, themes: dict[str, int]) -> dict[str, dict]:
    assurance = dict(ASSURANCE_BY_MATURITY[item.maturity])
    assurance["device_class"] = "not_a_device"
    if assurance["dcb0129_in_place"]:
        assurance["clinical_safety_officer"] = "Named clinical safety officer (demo)"
    return {
        "overview": {
            "title": item.title,
            "summary": item.summary,
            "description": f"{item.summary} {DESCRIPTIONS[item.maturity]}",
            "audience": item.audience,
        },
        "maturity": {
            "theme_ids": [themes[name] for name in item.themes],
            "care_settings": list(item.settings),
            "maturity": item.maturity,
            "evidence": item.evidence or None,
        },
        "assurance": assurance,
        "commercial": {
            "pricing_model": PRICING[item.maturity],
            "contact_name": owner.name,
            "contact_email": owner.email,
        },
    }


DESCRIPTIONS = {
    "market_ready": "It is in routine use and can be deployed within weeks.",
    "evidence": "It has been evaluated and is ready for wider roll-out.",
    "piloted": "It has been piloted and the team is looking for further test sites.",
    "prototype": "A working prototype exists; the team wants a service to test it with.",
    "idea": "This is an early idea looking for a service to shape it with.",
}
PRICING = {
    "market_ready": "Annual licence per site, with implementation and training included.",
    "evidence": "Annual licence per site; pilot pricing available for early adopters.",
    "piloted": "Free for test-bed sites; pricing to be agreed after evaluation.",
    "prototype": "No charge while testing.",
    "idea": "Not yet priced.",
}


# (challenge title, solution title, pitch, answer): answer None waits, "shortlist", or a reason.
RESPONSES = [
    (
        "Night-time falls among older people living alone",
        "Homeward FallAlert",
        "FallAlert notices a fall without anything to wear and calls your responder; in 120 homes "
        "time on the floor fell from 70 to 9 minutes.",
        "shortlist",
    ),
    (
        "Night-time falls among older people living alone",
        "Strength and balance at home",
        "Fewer falls in the first place: our home classes cut falls by 28% in a year.",
        "A good programme, but this challenge is about finding people after a fall; we have "
        "passed it to the falls prevention lead.",
    ),
    (
        "Filling short-notice gaps in nursing rotas",
        "KindShift bank booking",
        "Bank staff get offers on their phones within minutes; agency use fell 22% at our first "
        "trust.",
        "shortlist",
    ),
    (
        "Filling short-notice gaps in nursing rotas",
        "Shift swap app",
        "Built by a ward sister here: colleagues swap shifts and managers approve in minutes.",
        None,
    ),
    (
        "Support while waiting for an autism assessment",
        "Little Steps waiting support",
        "Guides and coaching for families while they wait; 71% felt more able to help their child.",
        None,
    ),
    (
        "Fewer missed first outpatient appointments for young adults",
        "Young adult appointment texting",
        "Written with young adults; our pilot cut missed appointments from 15% to 9%.",
        "shortlist",
    ),
    (
        "Fewer missed first outpatient appointments for young adults",
        "Did-not-attend predictor",
        "Targets reminders at the appointments most likely to be missed.",
        None,
    ),
]

# (solution title, organisation name, site, stage, start)
ADOPTIONS = [
    (
        "Brightpath Virtual Ward",
        "Riverside University Hospitals NHS Foundation Trust",
        "Respiratory virtual ward",
        "using",
        "2025-06-01",
    ),
    (
        "KindShift bank booking",
        "Riverside University Hospitals NHS Foundation Trust",
        "Medical wards",
        "piloting",
        "2026-02-01",
    ),
    (
        "Homeward FallAlert",
        "Millbrook City Council",
        "Telecare service, north locality",
        "piloting",
        "2026-03-15",
    ),
    (
        "Asthma buddy for families",
        "Eastvale Children's Hospital NHS Foundation Trust",
        "Children's respiratory clinic",
        "exploring",
        "2026-09-01",
    ),
    (
        "Discharge flow tracker",
        "Riverside and Millbrook Integrated Care Board",
        "System discharge hub",
        "using",
        "2025-11-01",
    ),
    (
        "Maternity advice app",
        "Riverside University Hospitals NHS Foundation Trust",
        "Maternity services",
        "using",
        "2024-04-01",
    ),
]


def engagement_steps(session: Session) -> Iterator[str]:
    """Responses to challenges, adoption records and an enquiry, so every screen has data."""
    from datetime import date

    from challenges import responses
    from challenges.models import Challenge
    from marketplace.accounts.models import Organisation
    from marketplace.solutions import adoption
    from marketplace.solutions.models import Solution

    def solution(title):
        return session.query(Solution).filter_by(title=title).one()

    for challenge_title, solution_title, pitch, answer in RESPONSES:
        challenge = session.query(Challenge).filter_by(title=challenge_title).one()
        offered = solution(solution_title)
        response = responses.respond(session, offered.created_by, challenge.id, offered.id, pitch)
        lead = challenge.created_by
        if answer == "shortlist":
            responses.shortlist(session, lead, response.id)
        elif answer:
            responses.not_taken_forward(session, lead, response.id, answer)
        yield f"response {solution_title}"
    for title, organisation_name, site, stage, start in ADOPTIONS:
        organisation = session.query(Organisation).filter_by(name=organisation_name).one()
        recorder = next(
            m.user
            for m in organisation.memberships
            if m.is_active and m.role.value in {"adopter", "service_lead", "procurement_officer"}
        )
        adoption.record_adoption(
            session,
            recorder,
            solution(title).id,
            organisation.id,
            site,
            stage,
            date.fromisoformat(start),
        )
        yield f"adoption {title}"
    buyer = session.query(User).filter_by(email="digital.adoption@eastvale.example").one()
    adoption.send_enquiry(
        session,
        buyer,
        solution("Home sleep study kit").id,
        buyer.active_memberships[0].organisation_id,
        "We are looking at home sleep studies for teenagers. Could the kit be used from age 14, "
        "and what would 200 studies a year cost?",
    )
    yield "enquiry"


ENGAGEMENT_STEPS = len(RESPONSES) + len(ADOPTIONS) + 1
