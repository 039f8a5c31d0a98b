"""Ingestion credentials: entropy, masking, constant-time comparison."""

from __future__ import annotations

import base64

from pipelines.rules import credentials


def test_secret_carries_at_least_32_random_bytes():
    secret = credentials.new_secret()
    body = secret.removeprefix("fcs_")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert len(raw) >= 32


def test_secrets_and_ids_are_unique():
    assert len({credentials.new_secret() for _ in range(200)}) == 200
    assert len({credentials.new_ingestion_id() for _ in range(200)}) == 200


def test_mask_hides_all_but_the_last_four_characters():
    secret = credentials.new_secret()
    masked = credentials.mask(secret)
    assert secret[:-4] not in masked
    assert masked.endswith(secret[-4:])
    assert credentials.mask("") == ""


def test_secrets_match_only_the_exact_secret():
    secret = credentials.new_secret()
    assert credentials.secrets_match(secret, secret)
    assert not credentials.secrets_match(secret[:-1] + "x", secret)
    assert not credentials.secrets_match("", secret)
    assert not credentials.secrets_match(None, secret)
    assert not credentials.secrets_match(secret, "")


def test_the_secret_is_read_from_bearer_or_the_ingestion_header():
    assert credentials.presented_secret({"authorization": "Bearer abc "}) == "abc"
    assert credentials.presented_secret({"authorization": "bearer abc"}) == "abc"
    assert credentials.presented_secret({"x-ingestion-secret": "xyz"}) == "xyz"
    assert credentials.presented_secret({"authorization": "Token abc"}) is None
    assert credentials.presented_secret({}) is None
