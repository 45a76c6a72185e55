"""Demo challenges for the fictional partnership in marketplace.demo, written for it.

Figures are invented but of a believable size for an English acute trust, community trust,
children's hospital and council. Most are published; a few sit in other states so every screen
has something to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from challenges import services
from challenges.models import Theme
from marketplace.accounts.models import User

RIVERSIDE = "maternity.lead@riverside.example"
MILLBROOK = "community.lead@millbrook.example"
EASTVALE = "camhs.lead@eastvale.example"
COUNCIL = "adult.social.care@millbrook-council.example"


@dataclass(frozen=True)
class DemoChallenge:
    lead: str
    title: str
    need: str
    evidence: str
    affected: str
    outcomes: str
    themes: tuple[str, ...]
    stage: str
    closes_in_days: int = 60
    status: str = "open"


CHALLENGES = [
    DemoChallenge(
        RIVERSIDE,
        "Earlier warning of sepsis on general wards",
        "Deteriorating patients on general wards are sometimes recognised late because "
        "observations are taken on paper and early-warning scores are added up by hand.",
        "In 2025 there were 41 serious incidents where escalation was delayed by more than an "
        "hour; 9 involved sepsis.",
        "Adult inpatients on 22 general wards, and the nurses and doctors caring for them.",
        "Escalate every patient scoring 5 or more within 30 minutes; halve delayed-escalation "
        "incidents within 12 months.",
        ("Patient safety", "Digital"),
        "evidenced",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Fewer missed first outpatient appointments for young adults",
        "Young adults miss their first hospital appointment far more often than other ages. "
        "Letters go to old addresses and reminders are not read.",
        "Did-not-attend rate for first appointments was 14% for ages 18 to 25 against 7% overall.",
        "About 3,200 young adults a year, and the clinics whose slots go unused.",
        "Bring the rate for 18 to 25 year olds below 9% within a year.",
        ("Outpatients", "Health inequalities"),
        "piloted",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Support for women with gestational diabetes between clinics",
        "Women with gestational diabetes record blood glucose on paper and wait up to two weeks "
        "for a clinician to review it, so treatment changes come late.",
        "Gestational diabetes now affects 1 in 14 pregnancies here, about 380 women a year.",
        "Pregnant women with gestational diabetes and the diabetes midwives.",
        "Review readings within 3 working days; reduce babies born large for gestational age.",
        ("Maternity", "Supporting self-care", "Long-term conditions"),
        "piloted",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Reliable handover between night and day shifts",
        "Nursing handover relies on printed lists that go out of date during the night; things "
        "that happened after printing are passed on by word of mouth.",
        "A staff survey found 62% of ward nurses had missed information at handover in a month.",
        "Ward nurses and the patients whose care depends on handover.",
        "Cut handover-related incidents by a third; shorten handover by 10 minutes a shift.",
        ("Patient safety", "Workforce"),
        "prototype",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Filling short-notice gaps in nursing rotas",
        "Gaps that appear the day before a shift are filled through phone calls and expensive "
        "agency staff, and bank staff hear about shifts too late.",
        "Agency spend on nursing was £4.1m last year; 70% was booked less than 48 hours ahead.",
        "Ward managers, bank nurses and the patients on short-staffed wards.",
        "Fill 80% of short-notice gaps from the bank; reduce agency spend by a quarter.",
        ("Workforce", "Digital"),
        "deployable_now",
        35,
    ),
    DemoChallenge(
        RIVERSIDE,
        "Faster results for suspected lung cancer",
        "People referred with suspected lung cancer wait for a CT scan, then for a report, then "
        "for an appointment, with days lost between each step.",
        "Median 38 days from referral to diagnosis against a 28-day standard.",
        "Around 1,100 people referred a year, and their families.",
        "Meet the 28-day faster diagnosis standard for 85% of people.",
        ("Diagnostics",),
        "evidenced",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Emergency department waits for people with mental health crises",
        "People in mental health crisis wait many hours in the emergency department for "
        "assessment and a bed, in a setting that makes distress worse.",
        "In 2025, 640 people waited more than 12 hours; a third were under 25.",
        "People in crisis, their families, and emergency department staff.",
        "Assess within 1 hour and move people to a calmer setting within 4 hours.",
        ("Urgent and emergency care", "Mental health"),
        "early_idea",
        90,
    ),
    DemoChallenge(
        MILLBROOK,
        "Night-time falls among older people living alone",
        "Older people who fall at night often lie on the floor for hours before anyone knows, "
        "which leads to pressure damage, dehydration and loss of confidence.",
        "The community falls service recorded 412 falls last year; 30% were at night and 1 in "
        "8 of those people lay on the floor for more than an hour.",
        "People over 75 living alone, and their families and carers.",
        "Halve the time people lie on the floor; reduce conveyances to hospital after falls.",
        ("Frailty", "Supporting self-care"),
        "prototype",
    ),
    DemoChallenge(
        MILLBROOK,
        "Pressure ulcers in people cared for at home",
        "Pressure damage is spotted late in people receiving care at home, because carers and "
        "families do not know what early signs look like.",
        "Community nurses treated 260 new grade 2 or worse pressure ulcers last year.",
        "Housebound people, their carers, and community nursing teams.",
        "Reduce new grade 2 or worse pressure ulcers by 30%.",
        ("Patient safety", "Frailty"),
        "piloted",
    ),
    DemoChallenge(
        MILLBROOK,
        "Helping people manage COPD at home after a flare-up",
        "After a hospital stay for COPD, many people are readmitted within a month because a "
        "new flare-up is noticed too late.",
        "30-day readmission rate after a COPD admission is 22%.",
        "About 900 people with COPD discharged each year.",
        "Bring 30-day readmissions below 15%.",
        ("Long-term conditions", "Supporting self-care"),
        "evidenced",
    ),
    DemoChallenge(
        MILLBROOK,
        "Waiting well for adult talking therapies",
        "People referred for talking therapies wait up to 18 weeks with no contact, and some are "
        "in crisis by the time they are seen.",
        "2,400 people are waiting; 11% contact crisis services while they wait.",
        "Adults waiting for talking therapies.",
        "Contact everyone waiting at least monthly; halve crisis contacts while waiting.",
        ("Mental health",),
        "piloted",
    ),
    DemoChallenge(
        MILLBROOK,
        "Reaching people who do not come forward for health checks",
        "Uptake of NHS health checks is lowest in the most deprived neighbourhoods and among "
        "some ethnic minority communities.",
        "Uptake is 23% in the most deprived fifth of the area against 51% in the least.",
        "Adults aged 40 to 74 in the most deprived neighbourhoods.",
        "Raise uptake in the most deprived fifth to 40% within two years.",
        ("Health inequalities",),
        "early_idea",
        120,
    ),
    DemoChallenge(
        MILLBROOK,
        "Planning district nursing visits",
        "District nurses spend the start of every day planning routes by hand, and urgent "
        "visits upset the plan with no easy way to re-plan.",
        "Each team spends about 45 minutes a day planning; mileage has risen 18% in two years.",
        "District nursing teams and housebound patients.",
        "Save 30 minutes of planning a day per team; reduce mileage by 10%.",
        ("Workforce", "Digital"),
        "deployable_now",
    ),
    DemoChallenge(
        MILLBROOK,
        "Staying well at home after a stroke",
        "After early supported discharge ends, people recovering from a stroke lose momentum "
        "with exercises and feel left on their own.",
        "Six months after a stroke, 40% of people report doing no rehabilitation exercise.",
        "People recovering from stroke at home, and their carers.",
        "Double the share still doing exercises at six months.",
        ("Long-term conditions", "Supporting self-care"),
        "prototype",
        75,
    ),
    DemoChallenge(
        EASTVALE,
        "Support while waiting for an autism assessment",
        "Children wait more than two years for an autism assessment, and families get little "
        "help in the meantime.",
        "1,850 children are waiting; the median wait is 26 months.",
        "Children and young people waiting for assessment, and their families and schools.",
        "Every family offered practical support within 6 weeks of referral.",
        ("Children and young people", "Mental health"),
        "piloted",
    ),
    DemoChallenge(
        EASTVALE,
        "Early help for anxiety in secondary school pupils",
        "Anxiety in teenagers is rising and many reach specialist services only when it has "
        "become severe.",
        "Referrals for anxiety to children's mental health services rose 48% in three years.",
        "Pupils aged 11 to 16, school staff, and parents.",
        "Reach pupils earlier: more self-referrals and fewer urgent referrals.",
        ("Children and young people", "Mental health"),
        "early_idea",
        100,
    ),
    DemoChallenge(
        EASTVALE,
        "Asthma control in children from deprived areas",
        "Children from the most deprived neighbourhoods come to the emergency department with "
        "asthma attacks more often, and many have no up-to-date asthma plan.",
        "Emergency attendances for asthma are three times higher in the most deprived fifth.",
        "Children with asthma and their families.",
        "Every child with asthma has a current plan; emergency attendances fall by a quarter.",
        ("Children and young people", "Health inequalities", "Long-term conditions"),
        "evidenced",
    ),
    DemoChallenge(
        EASTVALE,
        "Preparing children for scans without sedation",
        "Young children often need sedation or a general anaesthetic for MRI scans because they "
        "find the scanner frightening.",
        "Around 420 children a year are sedated for MRI, each adding a day-case bed.",
        "Children aged 4 to 10 needing MRI, and their parents.",
        "Halve the number of children needing sedation for MRI.",
        ("Children and young people", "Diagnostics"),
        "prototype",
    ),
    DemoChallenge(
        EASTVALE,
        "Moving to adult services for young people with diabetes",
        "Young people with type 1 diabetes often disengage when they move from children's to "
        "adult services, and control worsens.",
        "A third of young people miss their first adult diabetes appointment.",
        "Young people with type 1 diabetes aged 16 to 19.",
        "Every young person attends their first adult appointment; average HbA1c does not rise.",
        ("Children and young people", "Long-term conditions", "Outpatients"),
        "piloted",
    ),
    DemoChallenge(
        COUNCIL,
        "Getting care packages in place for hospital discharge",
        "People who are ready to leave hospital wait for home care packages to be arranged, "
        "often over weekends.",
        "On an average day 62 beds are occupied by people waiting for a care package.",
        "Older people leaving hospital and their families.",
        "Cut the average wait for a care package from 6 days to 2.",
        ("Frailty", "Urgent and emergency care"),
        "deployable_now",
        30,
    ),
    DemoChallenge(
        COUNCIL,
        "Loneliness among carers",
        "Unpaid carers tell us they feel isolated and do not know what support exists near them.",
        "The carers' survey found 58% of carers feel socially isolated some or all of the time.",
        "About 28,000 unpaid carers in the city.",
        "More carers in touch with local support; fewer reporting isolation next year.",
        ("Health inequalities", "Supporting self-care"),
        "early_idea",
        110,
    ),
    DemoChallenge(
        COUNCIL,
        "Medication support for people receiving home care",
        "Home care workers prompting medicines use paper charts, and missed or doubled doses are "
        "found late.",
        "Providers reported 190 medication errors in home care last year.",
        "People receiving home care who take regular medicines.",
        "Halve reported medication errors in home care.",
        ("Patient safety", "Frailty"),
        "evidenced",
    ),
    DemoChallenge(
        RIVERSIDE,
        "Paper forms in the pre-operative assessment clinic",
        "Patients fill in long paper health questionnaires in clinic, and nurses re-type them.",
        "Pre-assessment clinics see 14,000 patients a year; each form takes 10 minutes to re-key.",
        "Patients waiting for surgery and pre-assessment nurses.",
        "Most patients complete questionnaires before they come; no re-keying.",
        ("Digital", "Outpatients"),
        "deployable_now",
        45,
        "submitted",
    ),
    DemoChallenge(
        MILLBROOK,
        "Hydration in care homes during hot weather",
        "Residents of care homes become dehydrated in hot weather, leading to falls, infections "
        "and admissions.",
        "Admissions from care homes for urinary infection rose by 40% in last summer's heatwave.",
        "Care home residents and staff.",
        "Fewer admissions for dehydration and urinary infection in summer.",
        ("Frailty", "Patient safety"),
        "prototype",
        80,
        "draft",
    ),
    DemoChallenge(
        EASTVALE,
        "Safer prescribing of liquid medicines for children",
        "Doses of liquid medicines for children are calculated by weight and errors of ten times "
        "the intended dose still happen.",
        "Twelve dosing incidents last year, two causing harm.",
        "Children prescribed liquid medicines and their parents.",
        "No tenfold dosing errors.",
        ("Patient safety", "Children and young people"),
        "evidenced",
        40,
        "submitted",
    ),
    DemoChallenge(
        COUNCIL,
        "Adapting homes quickly after a hospital stay",
        "People wait weeks for grab rails and other small adaptations after a hospital stay.",
        "Average wait for a minor adaptation is 34 days.",
        "Older and disabled people returning home.",
        "Fit minor adaptations within 7 days of discharge.",
        ("Frailty",),
        "deployable_now",
        20,
        "closed",
    ),
]


def steps(session: Session, team_email: str) -> Iterator[str]:
    """Create each demo challenge through the services and move it to its demo state."""
    themes = {t.name: t.id for t in session.query(Theme)}
    team = _user(session, team_email)
    for item in CHALLENGES:
        lead = _user(session, item.lead)
        organisation_id = lead.active_memberships[0].organisation_id
        challenge = services.create_challenge(
            session,
            lead,
            organisation_id,
            services.ChallengeInput(
                title=item.title,
                need=item.need,
                evidence=item.evidence,
                evidence_source="Partnership data, 2025 to 2026 (demo figures)",
                affected=item.affected,
                outcomes=item.outcomes,
                theme_ids=[themes[name] for name in item.themes],
                stage_wanted=item.stage,
                # A service ready to use a product now asks for the usual digital assurance.
                assurance_wanted=(
                    ["dtac", "dspt"] if item.stage in {"evidenced", "deployable_now"} else []
                ),
                closing_date=date.today() + timedelta(days=item.closes_in_days),
                budget_range="not_known",
            ),
        )
        if item.status != "draft":
            services.submit_challenge(session, lead, challenge.id)
        if item.status in {"open", "closed"}:
            services.publish_challenge(session, team, challenge.id)
        if item.status == "closed":
            services.close_challenge(session, lead, challenge.id)
        yield f"challenge {item.title}"


def _user(session: Session, email: str) -> User:
    return session.query(User).filter_by(email=email).one()
