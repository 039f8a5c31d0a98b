"""Rates from the environment (config.env.env_rate): read exactly or refused at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_rate

NAME = "FLOWCAST_TEST_RATE"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5/second", (5, 1)),
        ("20000/minute", (20000, 60)),
        (" 3 / hours ", (3, 3600)),
        ("10 per day", (10, 86400)),
        ("7/MINUTE", (7, 60)),
        ("", (60, 60)),  # empty: the default
    ],
)
def test_it_reads_a_count_per_period(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)
    assert env_rate(NAME, "60/minute") == expected


def test_unset_means_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_rate(NAME, "1000/second") == (1000, 1)


@pytest.mark.parametrize("raw", ["0/second", "-1/minute", "5", "5/fortnight", "five/second"])
def test_it_refuses_a_bad_rate_naming_the_variable_and_value(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        env_rate(NAME, "60/minute")
    assert NAME in str(error.value) and repr(raw) in str(error.value)
