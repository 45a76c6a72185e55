"""Password hashing (argon2id) and the strength rule for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_ZXCVBN_SCORE = 3  # "safely unguessable: moderate protection from offline slow-hash attack"

_HASHERS = {
    "production": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    # Tests hash hundreds of passwords; the cheapest profile keeps the suite fast.
    "test": PasswordHasher.from_parameters(profiles.CHEAPEST),
}


def hasher(profile: str) -> PasswordHasher:
    return _HASHERS[profile]


def hash_password(password: str, profile: str) -> str:
    return hasher(profile).hash(password)


def verify_password(password_hash: str, password: str, profile: str) -> bool:
    try:
        return hasher(profile).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, profile: str) -> bool:
    return hasher(profile).check_needs_rehash(password_hash)


# Verified against when the email is unknown, so sign-in takes as long either way.
def dummy_hash(profile: str) -> str:
    return _DUMMY.setdefault(profile, hash_password("not a real password", profile))


_DUMMY: dict[str, str] = {}


def password_problems(password: str, *, personal: tuple[str, ...] = ()) -> list[str]:
    """Why a new password is too weak, as messages for the person choosing it (empty if fine)."""
    if len(password) < MIN_LENGTH:
        return [f"Password must be at least {MIN_LENGTH} characters"]
    if len(password) > MAX_LENGTH:
        return [f"Password must be {MAX_LENGTH} characters or fewer"]
    result = zxcvbn(password, user_inputs=[p for p in personal if p])
    if result["score"] < MIN_ZXCVBN_SCORE:
        hint = result["feedback"].get("warning") or "It is too easy to guess"
        return [f"Choose a stronger password. {hint.rstrip('.')}. Try 3 or 4 unrelated words"]
    return []
