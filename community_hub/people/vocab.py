"""The words people listings use: what a peer offers, pathways they know, languages, levels.

Codes are stored; labels are shown. Pathways are listed side by side, never ranked.
"""

from __future__ import annotations

from community_hub.catalogue import lazy_gettext as _l

OFFERS = {
    "accompany": _l("Go with you to a first meeting"),
    "one_to_one": _l("One-to-one support"),
    "phone": _l("Phone support"),
    "family": _l("Support for family members"),
}

PATHWAYS = {
    "aa": _l("Alcoholics Anonymous (AA)"),
    "na": _l("Narcotics Anonymous (NA)"),
    "ca": _l("Cocaine Anonymous (CA)"),
    "smart": _l("SMART Recovery"),
    "al-anon": _l("Al-Anon (for families and friends)"),
    "alcohol": _l("Recovery from alcohol"),
    "drugs": _l("Recovery from drugs"),
    "medication-assisted": _l("Medication-assisted recovery (people on a prescription)"),
    "abstinence": _l("Abstinence-based recovery"),
    "family": _l("Families affected by someone's use"),
}

# ISO 639 codes; "bfi" is the ISO 639-3 code for British Sign Language.
LANGUAGES = {
    "en": _l("English"),
    "cy": _l("Welsh (Cymraeg)"),
    "pl": _l("Polish"),
    "ur": _l("Urdu"),
    "pa": _l("Punjabi"),
    "bn": _l("Bengali"),
    "ar": _l("Arabic"),
    "ro": _l("Romanian"),
    "ku": _l("Kurdish"),
    "so": _l("Somali"),
    "pt": _l("Portuguese"),
    "bfi": _l("British Sign Language"),
}

# Names people type for a language, in English and Welsh, for reading free text ("english,
# polish") into codes.
LANGUAGE_WORDS = {
    "english": "en", "saesneg": "en", "welsh": "cy", "cymraeg": "cy", "polish": "pl",
    "urdu": "ur", "punjabi": "pa", "bengali": "bn", "arabic": "ar", "romanian": "ro",
    "kurdish": "ku", "somali": "so", "portuguese": "pt", "bsl": "bfi",
    "british sign language": "bfi",
}  # fmt: skip


def language_code(text: str) -> str:
    """'English' -> 'en', 'cy' -> 'cy'; anything else as typed, lower-cased."""
    word = " ".join(text.strip().lower().split())
    return word if word in LANGUAGES else LANGUAGE_WORDS.get(word, word)


# How people most often describe their gender, so a Welsh reader sees Welsh; anything else is
# shown in the person's own words.
GENDER_WORDS = {
    "man": _l("Man"),
    "woman": _l("Woman"),
    "male": _l("Male"),
    "female": _l("Female"),
    "non-binary": _l("Non-binary"),
}


def gender_name(described: str) -> str:
    known = GENDER_WORDS.get(described.strip().lower())
    return str(known) if known is not None else described


LEVELS = {
    "strategic": _l("Strategic: changing the system"),
    "therapeutic": _l("Therapeutic: supporting people in services"),
    "community": _l("Community: visible recovery in the neighbourhood"),
}
LEVEL_NAMES = {
    "strategic": _l("Strategic champion"),
    "therapeutic": _l("Therapeutic champion"),
    "community": _l("Community champion"),
}

VISIBILITIES = {
    "public": _l("Public: anyone can see the profile"),
    "private": _l("Private: only signed-in staff can see it"),
}


# Self-described genders, as typed, that women's (W) and men's (M) meetings and a client's
# preference are checked against. Anything else (or nothing) matches neither.
WOMAN_WORDS = frozenset({"woman", "female", "f", "w", "trans woman", "cis woman", "menyw", "benyw"})
MAN_WORDS = frozenset({"man", "male", "m", "trans man", "cis man", "dyn", "gwryw", "gŵr"})


def gender_group(described: str) -> str:
    """'woman', 'man' or '' for a self-described gender (case and spaces ignored)."""
    word = " ".join(described.strip().lower().replace("-", " ").split())
    if word in WOMAN_WORDS:
        return "woman"
    if word in MAN_WORDS:
        return "man"
    return ""


def label(vocabulary: dict[str, object], code: str) -> str:
    """The human name of a code, or the code itself when it is not in the vocabulary."""
    return str(vocabulary.get(code, code))


def to_column(codes: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    """Codes as a ',a,b,' column value, so one code can be matched with an indexed LIKE."""
    unique = list(dict.fromkeys(c.strip().lower() for c in codes if c.strip()))
    return "," + ",".join(unique) + "," if unique else ""


def from_column(value: str) -> list[str]:
    return [c for c in value.split(",") if c]
