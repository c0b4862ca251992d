"""The optional second factor: time-based one-time codes (RFC 6238) from an authenticator app."""

from __future__ import annotations

import hmac
import re
import time

import pyotp

from community_hub.auth.models import User, utcnow
from community_hub.auth.services import end_all_sessions

# One step either side of now (30 s each) allows for a phone's clock being a little out.
VALID_WINDOW = 1
CODE_RE = re.compile(r"^\d{6}$")


class SecondFactorError(ValueError):
    """A user-facing reason a second-factor change could not be made."""


def new_secret() -> str:
    """A fresh random base32 secret (160 bits, as authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed in or pasted; no QR service)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into a phone."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    """Accept '123 456' or '123-456' as typed from a phone."""
    return re.sub(r"[\s-]", "", code or "")


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (within the window) whose code this is, or None."""
    code = normalise_code(code)
    if not CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int((time.time() if at is None else at) // totp.interval)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_code(user: User, code: str, at: float | None = None) -> bool:
    """True for a valid code not used before; remembers it so it cannot be replayed."""
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code, at)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enable(user: User, secret: str, code: str, at: float | None = None) -> None:
    """Turn the second factor on once the person proves their app shows the right code."""
    if not user.is_staff:
        raise SecondFactorError("Two-step sign-in is for staff accounts.")
    step = matching_step(secret, code, at)
    if step is None:
        raise SecondFactorError(
            "That code did not match. Check the time on your phone and enter the newest code."
        )
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    end_all_sessions(user)


def disable(user: User) -> None:
    """Turn the second factor off (by the person, with a code, or by an admin's reset)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    end_all_sessions(user)
