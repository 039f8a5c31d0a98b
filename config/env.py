"""Typed readers for settings from the environment.

Each refuses a bad value with ImproperlyConfigured instead of guessing, so a typo in a
deployment fails at start-up rather than at the first request.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    return _number(name, default, minimum, int, "an integer")


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    return _number(name, default, minimum, float, "a number")


def _number(name: str, default, minimum, parse, kind: str):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, *, min_length: int) -> str:
    """A shared secret such as a bearer token: unset (empty), or long enough to resist guessing."""
    value = os.environ.get(name, "").strip()
    if value and len(value) < min_length:
        raise ImproperlyConfigured(
            f"{name} must be at least {min_length} characters long, got {len(value)}"
        )
    return value


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate such as `100/second` or `20000/minute`, as (count, period in seconds)."""
    raw = os.environ.get(name)
    text = default if raw is None or raw.strip() == "" else raw
    match = _RATE.match(text)
    if match is None or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 100/second (a count of at least 1, then /second, "
            f"/minute, /hour or /day), got {text!r}"
        )
    return int(match.group(1)), _PERIODS[match.group(2).lower()]
