"""The one rule for names people give pipelines, events and components.

Any script is welcome (RTL text, emoji, joiners); what is refused is what renders as
nothing or as something else: control characters (tabs, newlines, NUL …), lone surrogates,
and the bidirectional overrides that make a name display differently from what it is.
"""

from __future__ import annotations

import unicodedata

from pipelines.exceptions import InvalidChange

MAX_NAME_LENGTH = 120  # the models' max_length
# Embeddings, overrides and isolates (LRE … RLO, LRI … PDI); the marks LRM/RLM stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def name_problem(name: str) -> str | None:
    """Why `name` (already stripped) cannot be a name, or None."""
    if not name:
        return "A name is required."
    if len(name) > MAX_NAME_LENGTH:
        return f"A name has at most {MAX_NAME_LENGTH} characters; this one has {len(name)}."
    for position, char in enumerate(name, 1):
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            return (
                f"A name cannot contain control characters: U+{ord(char):04X} "
                f"at character {position}."
            )
    return None


def clean_name(name: object, field: str = "name") -> str:
    """`name` stripped of surrounding spaces, or InvalidChange saying what is wrong with it."""
    if name is not None and not isinstance(name, str):
        raise InvalidChange({field: [f"A name is text, not {type(name).__name__}."]})
    cleaned = (name or "").strip()
    problem = name_problem(cleaned)
    if problem:
        raise InvalidChange({field: [problem]})
    return cleaned
