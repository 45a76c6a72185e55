"""Generated data at scale for `bench_scale.py`: published solutions and challenges with varied
text, written into the real schema in bulk, with their passage and sentence vectors stored as
the product stores them.

The vectors come from a stand-in (a fixed random projection of each text's stemmed words) so
that 100,000 documents take seconds rather than hours; they have the real model's width, are
unit length, are split into passages and sentences by the product's own code, and are stored
under the configured model's name with the product's content hashes, so the app treats them as
its own (a re-index finds nothing to encode).
"""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import sqlalchemy as sa
from sklearn.feature_extraction.text import CountVectorizer

from challenges.models import Challenge, SolutionStageWanted, Theme, challenge_themes
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organisation, OrganisationKind, Role
from marketplace.db import uk_today, utcnow
from marketplace.matches import documents
from marketplace.matches.models import DocumentKind, IndexedDocument
from marketplace.solutions.models import (
    Adoption,
    AdoptionStage,
    CareSetting,
    Maturity,
    Solution,
    SolutionCareSetting,
    solution_themes,
)
from matching import passages
from matching.engine import split_sentences
from matching.lexical import analyse
from procurement.dps.models import (
    Admission,
    Application,
    ApplicationStatus,
    Category,
    PurchasingSystem,
    Regime,
)
from procurement.testbeds.models import Agreement, AgreementStatus

DIMENSIONS = 384
PASSWORD = "harbour-lantern-meadow-42"  # noqa: S105 - the demo password, for bench accounts
CHUNK = 5000

TOPICS = {
    "falls": "fall falls frailty balance hip fracture floor sensor alarm older people home "
    "telecare responder strength mobility lying night bedroom carer",
    "diabetes": "diabetes glucose insulin HbA1c foot retinal screening type structured education "
    "monitor sensor continuous ketoacidosis hypoglycaemia diet weight",
    "maternity": "maternity pregnancy birth postnatal antenatal midwife blood pressure "
    "pre-eclampsia neonatal baby mother perinatal labour scan infant feeding",
    "mental": "mental health anxiety depression crisis talking therapy psychosis wellbeing "
    "self-harm young people waiting referral community team peer support",
    "workforce": "workforce staff rota shift bank nurses agency retention recruitment "
    "rostering wellbeing burnout training induction vacancies overtime",
    "respiratory": "asthma COPD inhaler oxygen spirometry breathlessness pulmonary "
    "rehabilitation exacerbation virtual ward respiratory infection lung",
    "cardiology": "heart failure atrial fibrillation ECG hypertension stroke anticoagulation "
    "cardiac rehabilitation blood pressure cholesterol arrhythmia echocardiogram",
    "outpatients": "outpatient appointment clinic waiting list follow-up virtual video "
    "referral triage booking did-not-attend patient-initiated letters",
    "cancer": "cancer screening diagnosis biopsy colonoscopy lung skin dermatology faster "
    "pathway oncology chemotherapy tumour FIT test radiology",
    "urgent": "emergency department ambulance urgent care handover discharge beds flow "
    "frequent attenders same day emergency admission avoidance",
    "primary": "GP practice primary care pharmacy prescribing appointments receptionist "
    "care navigation long-term conditions annual review repeat prescriptions",
    "children": "children young people school paediatric family parents autism ADHD "
    "speech language asthma obesity vaccination eczema",
    "wounds": "wound leg ulcer pressure ulcer dressing district nurses photograph healing "
    "compression tissue viability skin damage",
    "medicines": "medicines pharmacy adherence polypharmacy deprescribing dispensing "
    "medication review errors interactions anticoagulants",
    "digital": "app platform dashboard remote monitoring interoperability record FHIR "
    "integration data analytics artificial intelligence algorithm cloud",
}
GENERAL = [
    *[
        "service",
        "patients",
        "staff",
        "care",
        "team",
        "outcome",
        "pathway",
        "support",
        "improve",
        "reduce",
        "time",
        "cost",
    ],
    *[
        "evidence",
        "pilot",
        "trial",
        "evaluation",
        "quality",
        "safety",
        "access",
        "reliable",
        "simple",
        "secure",
        "trust",
    ],
    *[
        "community",
        "hospital",
        "home",
        "integrated",
        "local",
        "partnership",
        "system",
        "capacity",
        "demand",
    ],
]
OPENINGS = [
    "The {a} gives {b} a simple way to {c} {d}.",
    "It helps {b} {c} {d} and {e} sooner.",
    "Our {a} reduces {d} by linking {e} with {f}.",
    "Teams use it to {c} {d} across {f}.",
    "An evaluation with {b} showed fewer {d} and faster {e}.",
    "The service needs a way to {c} {d} for {b}.",
    "People affected include {b}, {f} and their {e}.",
    "Staff spend too long on {d}, and {e} is often delayed.",
    "We want {a} that works with {f} and {e}.",
    "It must {c} {d} without adding to the {e} workload.",
]
VERBS = [
    *[
        "track",
        "spot",
        "prevent",
        "find",
        "book",
        "monitor",
        "share",
        "predict",
        "triage",
        "manage",
        "record",
    ]
]
SYLLABLES = [
    *[
        "an",
        "bel",
        "cor",
        "dra",
        "el",
        "fin",
        "gal",
        "hel",
        "is",
        "jor",
        "ka",
        "lum",
        "mor",
        "nex",
        "ol",
        "pra",
        "quin",
        "ros",
        "sen",
    ]
]


class Writer:
    """Varied text from topic words, common words and made-up product names."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)  # noqa: S311 - repeatable text, not secrets
        self.topics = {name: words.split() for name, words in TOPICS.items()}

    def name(self) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(3)).title()

    def words(self, topics: list[str], n: int) -> str:
        pool = [w for t in topics for w in self.topics[t]]
        picks = [self.random.choice(pool if self.random.random() < 0.6 else GENERAL)]
        picks += [self.random.choice(pool) for _ in range(n - 1)]
        return " ".join(picks)

    def sentence(self, topics: list[str]) -> str:
        template = self.random.choice(OPENINGS)
        return template.format(
            a=self.words(topics, 2),
            b=self.words(topics, 2),
            c=self.random.choice(VERBS),
            d=self.words(topics, 2),
            e=self.words(topics, 1),
            f=self.words(topics, 2),
        )

    def paragraph(self, topics: list[str], sentences: int) -> str:
        return " ".join(self.sentence(topics) for _ in range(sentences))

    def topics_for(self) -> list[str]:
        return self.random.sample(sorted(self.topics), self.random.choice((1, 2, 2, 3)))


class StandIn:
    """Unit vectors of the model's width from a fixed random projection of stemmed words."""

    def __init__(self, seed: int = 11):
        self.rng = np.random.default_rng(seed)
        self.vectoriser = CountVectorizer(analyzer=analyse, dtype=np.float32)
        self.projection: np.ndarray | None = None

    def fit(self, texts: list[str]) -> None:
        self.vectoriser.fit(texts)
        vocabulary = len(self.vectoriser.vocabulary_)
        self.projection = self.rng.standard_normal((vocabulary, DIMENSIONS)).astype(np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        counts = self.vectoriser.transform(texts)
        vectors = np.asarray(counts @ self.projection, dtype=np.float32)
        vectors += 1e-3 * self.rng.standard_normal(vectors.shape).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def count_tokens(text: str) -> int:
    """About what the model's WordPiece tokenizer counts for English prose."""
    return int(len(text.split()) * 1.3) + 2


def seed(session, n_solutions: int, n_challenges: int, model: str, seed_value: int = 5) -> dict:
    """Accounts, then ``n_solutions`` published solutions and ``n_challenges`` open challenges
    with their themes and stored vectors. Returns the people and ids the benchmark uses."""
    writer = Writer(seed_value)
    people = _people(session)
    session.commit()
    themes = session.scalars(sa.select(Theme.id).order_by(Theme.id)).all()
    now = utcnow()
    solutions, challenges, solution_links, challenge_links = [], [], [], []
    for i in range(1, n_solutions + 1):
        topics = writer.topics_for()
        solutions.append(
            {
                "id": i,
                "organisation_id": people["sme"],
                "created_by_id": people["innovator_id"],
                "title": f"{writer.name()} {writer.words(topics, 2)}"[:150],
                "summary": writer.sentence(topics)[:300],
                "description": writer.paragraph(topics, writer.random.randint(3, 6)),
                "audience": writer.sentence(topics),
                "maturity": writer.random.choice(list(Maturity)),
                "evidence": writer.paragraph(topics, writer.random.randint(1, 2)),
                "device_class": "not_a_device",
                "dtac_status": "passed",
                "dcb0129_in_place": True,
                "clinical_safety_officer": "Dr Bench",
                "dspt_status": "met",
                "cyber_essentials": "plus",
                "esf_tier": "b",
                "pricing_model": "Per user per year.",
                "contact_name": "Sales",
                "contact_email": "sales@example.org",
                "published_at": now - timedelta(days=writer.random.randint(2, 900)),
            }
        )
        for theme in writer.random.sample(themes, writer.random.randint(1, 3)):
            solution_links.append({"solution_id": i, "theme_id": theme})
    for i in range(1, n_challenges + 1):
        topics = writer.topics_for()
        closing = writer.random.choice([None, 30, 90, 365])
        challenges.append(
            {
                "id": i,
                "organisation_id": people["trust"],
                "created_by_id": people["lead_id"],
                "title": f"{writer.words(topics, 3)} for {writer.words(topics, 2)}"[:150],
                "need": writer.paragraph(topics, writer.random.randint(3, 5)),
                "affected": writer.sentence(topics),
                "outcomes": writer.sentence(topics),
                "setting": writer.sentence(topics),
                "stage_wanted": writer.random.choice(list(SolutionStageWanted)),
                "closing_date": uk_today() + timedelta(days=closing) if closing else None,
                "submitted_at": now - timedelta(days=40),
                "published_at": now - timedelta(days=writer.random.randint(2, 30)),
            }
        )
        for theme in writer.random.sample(themes, writer.random.randint(1, 2)):
            challenge_links.append({"challenge_id": i, "theme_id": theme})
    for start in range(0, len(solutions), CHUNK):
        session.execute(sa.insert(Solution), solutions[start : start + CHUNK])
    session.execute(sa.insert(solution_themes), solution_links)
    session.execute(
        sa.insert(SolutionCareSetting),
        [{"solution_id": s["id"], "setting": CareSetting.HOME} for s in solutions],
    )
    session.execute(sa.insert(Challenge), challenges)
    session.execute(sa.insert(challenge_themes), challenge_links)
    _store_vectors(session, model, solutions, challenges)
    if session.get_bind().dialect.name == "postgresql":
        for table in ("solutions", "challenges", "indexed_documents", "stored_vectors"):
            session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    session.commit()
    return people


def settle(session) -> None:
    """Statistics and visibility maps, as autovacuum keeps them on a live database (rows
    just loaded in bulk have neither, and index-only scans would visit every row)."""
    if session.get_bind().dialect.name == "postgresql":
        with session.get_bind().connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("VACUUM ANALYZE")
            )


def seed_registers(session, people: dict, n_solutions: int, seed_value: int = 9) -> dict:
    """What the registers and the impact page list, in proportion to the solutions (one for
    every 20): suppliers admitted to a DPS category, test-bed agreements on the register, and
    adoptions in the partnership. Returns the category's id."""
    writer = Writer(seed_value)
    n = max(1, n_solutions // 20)
    now = utcnow()
    system = PurchasingSystem(
        organisation_id=people["trust"],
        created_by_id=people["lead_id"],
        title="Bench digital health DPS",
        regime=Regime.PCR_2015,
        scope="Digital products for the partnership.",
        starts_on=uk_today() - timedelta(days=30),
        ends_on=uk_today() + timedelta(days=1000),
    )
    category = Category(system=system, name="Remote monitoring", definition="At home.")
    session.add_all([system, category])
    session.flush()
    first = session.scalar(sa.select(sa.func.max(Organisation.id))) + 1
    session.execute(
        sa.insert(Organisation),
        [
            {
                "id": first + i,
                "name": f"{writer.name()} {writer.name()} Ltd {i}",
                "kind": OrganisationKind.SME,
                "companies_house_number": f"{90_000_000 + i:08d}",
                "approved_at": now,
            }
            for i in range(n)
        ],
    )
    answers = {"insurance_expiry": "2099-03-31", "dspt_expiry": "2099-06-30"}
    session.execute(
        sa.insert(Application),
        [
            {
                "id": i + 1,
                "system_id": system.id,
                "organisation_id": first + i,
                "submitted_by_id": people["innovator_id"],
                "status": ApplicationStatus.ADMITTED,
                "answers": {**answers, "cyber_essentials_expiry": f"20{27 + i % 3}-01-31"},
                "due_on": uk_today(),
            }
            for i in range(n)
        ],
    )
    session.execute(
        sa.insert(Admission),
        [
            {"organisation_id": first + i, "category_id": category.id, "application_id": i + 1}
            for i in range(n)
        ],
    )
    statuses = [AgreementStatus.NEGOTIATION, AgreementStatus.LIVE, AgreementStatus.SIGNED]
    session.execute(
        sa.insert(Agreement),
        [
            {
                "challenge_id": 1 + i % 2000,
                "solution_id": 1 + i,
                "host_organisation_id": people["trust"],
                "innovator_organisation_id": people["sme"],
                "created_by_id": people["lead_id"],
                "status": statuses[i % 3],
                "title": f"{writer.words(topics, 3)} trial"[:200],
                "public_summary": writer.sentence(topics),
                "start_date": uk_today() - timedelta(days=i % 300),
                "end_date": uk_today() + timedelta(days=180),
            }
            for i, topics in ((i, writer.topics_for()) for i in range(n))
        ],
    )
    session.execute(
        sa.insert(Adoption),
        [
            {
                "solution_id": 1 + 3 * i,
                "organisation_id": people["trust"],
                "recorded_by_id": people["lead_id"],
                "site": f"Site {i % 40}",
                "stage": AdoptionStage.USING if i % 2 else AdoptionStage.PILOTING,
                "start_date": uk_today() - timedelta(days=i % 700),
            }
            for i in range(n)
        ],
    )
    if session.get_bind().dialect.name == "postgresql":
        for table in ("organisations", "dps_applications"):
            session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    session.commit()
    return {"category": category.id}


def _people(session) -> dict:
    trust = accounts.add_organisation(
        session, None, accounts.NewOrganisation("Bench Hospitals Trust", "nhs_trust", "RB1", None)
    )
    sme = accounts.add_organisation(
        session, None, accounts.NewOrganisation("Bench Devices Ltd", "sme", None, "01234567")
    )
    found = {"trust": trust.id, "sme": sme.id}
    for key, email, organisation, role in (
        ("lead", "lead@bench.example", trust, Role.SERVICE_LEAD),
        ("team", "team@bench.example", trust, Role.INNOVATION_TEAM),
        ("innovator", "innovator@bench.example", sme, Role.INNOVATOR),
    ):
        user = accounts.create_user(session, None, email=email, name=key.title(), password=PASSWORD)
        accounts.grant_role(session, None, user, organisation, role)
        session.flush()
        _token, secret = accounts.create_api_token(session, user, "bench", 30)
        found |= {f"{key}_id": user.id, f"{key}_email": email, f"{key}_token": secret}
    return found


def _store_vectors(session, model: str, solutions: list[dict], challenges: list[dict]) -> None:
    """Passages and sentences split by the product's own code, hashed as it hashes them, with
    stand-in vectors, written with COPY (PostgreSQL) or in batches (SQLite)."""
    stand_in = StandIn()
    work = []
    for kind, rows in ((DocumentKind.SOLUTION, solutions), (DocumentKind.CHALLENGE, challenges)):
        for row in rows:
            document = documents.build(kind, _Row(row), ())
            work.append(
                (
                    kind,
                    row["id"],
                    documents.content_hash(document),
                    passages.split(document.title, document.text, count_tokens, 256),
                    split_sentences(document),
                )
            )
    stand_in.fit([" ".join(p) for _, _, _, p, _ in work[:20000]])
    indexed, vector_rows = [], []
    for number, (kind, object_id, digest, passage_texts, sentences) in enumerate(work, start=1):
        indexed.append(
            {
                "id": number,
                "kind": kind,
                "object_id": object_id,
                "model": model,
                "content_hash": digest,
                "generation": 0,
            }
        )
        for unit, texts in (("passage", passage_texts), ("sentence", sentences)):
            vector_rows.extend((number, unit, at, text) for at, text in enumerate(texts))
    for start in range(0, len(indexed), CHUNK):
        session.execute(sa.insert(IndexedDocument), indexed[start : start + CHUNK])
    session.flush()
    connection = session.connection().connection.driver_connection
    for start in range(0, len(vector_rows), 50000):
        batch = vector_rows[start : start + 50000]
        vectors = stand_in.encode([text for *_, text in batch])
        if session.get_bind().dialect.name == "postgresql":
            with connection.cursor().copy(
                "COPY stored_vectors (document_id, unit, position, text, vector) FROM STDIN"
            ) as copy:
                for (document_id, unit, position, text), vector in zip(batch, vectors, strict=True):
                    copy.write_row((document_id, unit, position, text, vector.tobytes()))
        else:
            session.execute(
                sa.text(
                    "INSERT INTO stored_vectors (document_id, unit, position, text, vector) "
                    "VALUES (:d, :u, :p, :t, :v)"
                ),
                [
                    {"d": d, "u": u, "p": p, "t": t, "v": v.tobytes()}
                    for (d, u, p, t), v in zip(batch, vectors, strict=True)
                ],
            )


class _Row:
    """A dict read by attribute, as the document builders read rows."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def __getattr__(self, name):
        return None
