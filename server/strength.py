"""How guessable a new password is, by zxcvbn (Dropbox's estimator, with its lists of the most common passwords,
names and words, so the passwords found most often in breaches are refused too) — offline, nothing is sent."""

from __future__ import annotations

from typing import Any

from zxcvbn import zxcvbn

MIN_SCORE = 3  # of 0-4: "safely unguessable", about 10^8 guesses and more


def weakness(password: str, email: str) -> str | None:
    """Why ``password`` is too easy to guess (a sentence with zxcvbn's advice), or None if it is strong enough."""
    # zxcvbn's time grows with length; past 100 characters the estimate no longer changes the answer.
    result: dict[str, Any] = zxcvbn(password[:100], user_inputs=[email, *email.split("@")])
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    advice = " ".join(part for part in [feedback.get("warning") or "", *(feedback.get("suggestions") or [])] if part)
    return ("This password is too easy to guess. " + (advice or "Use a few uncommon words together.")).strip()
