"""The selection questionnaire: what an NHS supplier is asked at onboarding, and the pass rules a
purchasing system may set. A question with a rule is passed or failed automatically; one without
is assessed by a procurement officer.

Rules are data stored with each system (``{"min": 5000000}``, ``{"equals": "no"}``,
``{"in": [...]}``, ``{"future": true}``), so two systems can ask for different insurance levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marketplace.solutions.models import CyberEssentials, DsptStatus
from marketplace.validation import FieldErrors, has_control_characters


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str  # "text", "yes_no", "choice", "money", "date"
    choices: tuple[tuple[str, str], ...] = ()
    default_rule: dict | None = None
    hint: str = ""
    reusable_from: str | None = None  # a Solution attribute holding the same fact
    expires: bool = False  # assurance that lapses and must be renewed
    required: bool = True
    extra: dict = field(default_factory=dict)


SIZES = (("micro", "Micro"), ("small", "Small"), ("medium", "Medium"), ("large", "Large"))
# The catalogue's own scales, so answers given there carry over unchanged.
CYBER = tuple(CyberEssentials.choices())
DSPT = tuple(DsptStatus.choices())
DTAC = (("passed", "Passed"), ("in_progress", "In progress"), ("not_applicable", "Not applicable"))
DEVICE = (
    ("not_a_device", "Not a medical device"),
    ("class_i", "Class I"),
    ("class_iia", "Class IIa"),
    ("class_iib", "Class IIb"),
    ("class_iii", "Class III"),
    ("ivd", "In vitro diagnostic"),
)

BANK = [
    Question("companies_house", "Companies House number", "text", hint="8 characters"),
    Question("duns", "DUNS number", "text", hint="9 digits", required=False),
    Question("size", "Organisation size", "choice", SIZES),
    Question(
        "mandatory_exclusion",
        "Have the organisation or anyone with control over it been convicted of a mandatory "
        "exclusion offence (for example fraud, bribery, corruption, terrorism) in the last "
        "5 years?",
        "yes_no",
        default_rule={"equals": "no"},
    ),
    Question(
        "discretionary_exclusion",
        "Does any discretionary exclusion ground apply (for example insolvency, grave "
        "professional misconduct, breach of tax or environmental obligations)? Explain below.",
        "yes_no",
    ),
    Question(
        "employers_liability",
        "Employer's liability insurance, per claim (£)",
        "money",
        default_rule={"min": 5_000_000},
        hint="At least £5 million is a legal requirement for most employers",
    ),
    Question(
        "public_liability",
        "Public liability insurance, per claim (£)",
        "money",
        default_rule={"min": 5_000_000},
    ),
    Question(
        "insurance_expiry",
        "Date the insurance above expires",
        "date",
        default_rule={"future": True},
        expires=True,
    ),
    Question(
        "cyber_essentials",
        "Cyber Essentials certification",
        "choice",
        CYBER,
        default_rule={"in": ["basic", "plus"]},
        reusable_from="cyber_essentials",
    ),
    Question(
        "cyber_essentials_expiry",
        "Cyber Essentials certificate expiry date",
        "date",
        default_rule={"future": True},
        reusable_from="cyber_essentials_expiry",
        expires=True,
    ),
    Question(
        "dspt",
        "Data Security and Protection Toolkit status",
        "choice",
        DSPT,
        default_rule={"in": ["exceeded", "met"]},
        reusable_from="dspt_status",
    ),
    Question(
        "dspt_expiry",
        "Date the current DSPT assessment lapses",
        "date",
        default_rule={"future": True},
        reusable_from="dspt_expiry",
        expires=True,
    ),
    Question("dtac", "Digital Technology Assessment Criteria (DTAC)", "choice", DTAC),
    Question(
        "clinical_safety",
        "Do you comply with DCB0129 and have a named clinical safety officer?",
        "yes_no",
        reusable_from="dcb0129_in_place",
    ),
    Question("device_class", "Medical device class (UKCA or CE)", "choice", DEVICE),
    Question(
        "modern_slavery",
        "Do you publish a modern slavery statement (or are you below the threshold and "
        "say how you address the risks)?",
        "yes_no",
    ),
    Question(
        "notes",
        "Anything the assessor should know (explain any 'yes' to exclusion grounds here)",
        "text",
        required=False,
        extra={"long": True},
    ),
]
BY_KEY = {q.key: q for q in BANK}


def clean_answers(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Typed answers to the bank's questions; every problem named on its own question."""
    answers: dict[str, Any] = {}
    for question in BANK:
        value = data.get(question.key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors.add(question.key, f"Answer: {question.text.split('?')[0]}")
            answers[question.key] = None
            continue
        answers[question.key] = _typed(question, value, errors)
    return answers


def _typed(question: Question, value, errors: FieldErrors):
    field = question.key
    if question.kind == "text":
        limit = 2000 if question.extra.get("long") else 40
        if not isinstance(value, str) or len(value) > limit or has_control_characters(value):
            errors.add(field, f"Enter plain text of {limit:,} characters or fewer")
            return None
        if "<" in value and ">" in value:
            errors.add(field, "Enter plain text: remove the HTML tags")
            return None
        return value
    if question.kind == "yes_no":
        if value in (True, "yes"):
            return "yes"
        if value in (False, "no"):
            return "no"
        errors.add(field, "Answer yes or no")
        return None
    if question.kind == "choice":
        if not isinstance(value, str) or value not in {v for v, _ in question.choices}:
            errors.add(field, "Choose an answer from the list")
            return None
        return value
    if question.kind == "money":
        try:
            amount = int(str(value).replace(",", "").replace("£", ""))
        except ValueError:
            errors.add(field, "Enter an amount in whole pounds, like 5000000")
            return None
        if not 0 <= amount <= 10**12:
            errors.add(field, "Enter an amount between £0 and £1 trillion")
            return None
        return amount
    if question.kind == "date":
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, "Enter a real date, like 2027-03-31")
            return None
        return day.isoformat()
    raise ValueError(question.kind)


def check(rule: dict | None, value, today: date) -> bool | None:
    """True or False under the rule; None when an officer must judge (no rule, or no answer)."""
    if rule is None:
        return None
    if value is None:
        return False
    if "equals" in rule:
        return value == rule["equals"]
    if "in" in rule:
        return value in rule["in"]
    if "min" in rule:
        return value >= rule["min"]
    if rule.get("future"):
        return date.fromisoformat(value) > today
    return None


def rule_text(rule: dict | None, question: Question) -> str:
    """The rule as a supplier reads it."""
    if rule is None:
        return "Assessed by a procurement officer"
    if "equals" in rule:
        return f"Must be “{rule['equals']}”"
    if "in" in rule:
        labels = dict(question.choices)
        return "Must be " + " or ".join(labels.get(v, v) for v in rule["in"])
    if "min" in rule:
        return f"At least £{rule['min']:,}"
    if rule.get("future"):
        return "Must not have passed"
    return ""


def reusable(solution) -> dict[str, Any]:
    """Answers that a supplier already gave in its catalogue assurance details."""
    found = {}
    for question in BANK:
        if question.reusable_from is None:
            continue
        value = getattr(solution, question.reusable_from, None)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, date):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        found[question.key] = value
    return found
