"""The crisis lines for the nation being searched, in the reader's language.

CRISIS_LINES is configuration, written once in English: either one list for everywhere or an
object of lists keyed by nation (community_hub/config.py DEFAULT_CRISIS_LINES). The default
lines' names and hours are translated here; a deployer's own line can carry its Welsh as
`name_cy` and `hours_cy`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale

from community_hub.catalogue import lazy_gettext as _l
from community_hub.core.nations import current_nation

# The default lines' wording (community_hub/config.py DEFAULT_CRISIS_LINES), for translation.
KNOWN = {
    "Samaritans": _l("Samaritans"),
    "DAN 24/7 (Wales drug and alcohol helpline)": _l("DAN 24/7 (Wales drug and alcohol helpline)"),
    "FRANK (drugs information)": _l("FRANK (drugs information)"),
    "Know the Score (Scotland drugs helpline)": _l("Know the Score (Scotland drugs helpline)"),
    "Lifeline (Northern Ireland crisis line)": _l("Lifeline (Northern Ireland crisis line)"),
    "Shout (text service)": _l("Shout (text service)"),
    "NHS 111": _l("NHS 111"),
    "NHS 24": _l("NHS 24"),
    "Emergency": _l("Emergency"),
    "24 hours, every day, free": _l("24 hours, every day, free"),
    "24 hours, every day, free; text DAN to 81066": _l(
        "24 hours, every day, free; text DAN to 81066"
    ),
    "24 hours, every day, free; text SHOUT to 85258": _l(
        "24 hours, every day, free; text SHOUT to 85258"
    ),
    "24 hours, every day, free; urgent health advice": _l(
        "24 hours, every day, free; urgent health advice"
    ),
    "free and confidential": _l("free and confidential"),
    "24 hours, every day": _l("24 hours, every day"),
    "if someone is in danger now": _l("if someone is in danger now"),
}


def _text(line: dict[str, Any], key: str, locale: str) -> str:
    own = line.get(f"{key}_{locale}")
    if own:
        return str(own)
    value = str(line.get(key, ""))
    return str(KNOWN[value]) if value in KNOWN else value


def configured_lines(nation: str) -> list[dict[str, Any]]:
    """The configured lines for a nation (a single list applies to every nation)."""
    lines = current_app.config["CRISIS_LINES"]
    if isinstance(lines, dict):
        default = str(current_app.config.get("DEFAULT_NATION", "england"))
        return list(lines.get(nation) or lines.get(default) or next(iter(lines.values()), []))
    return list(lines)


def crisis_lines(nation: str | None = None) -> list[dict[str, str]]:
    """The lines for a nation (the one being searched by default), in the reader's language."""
    locale = str(get_locale() or "en")
    return [
        {
            **{k: str(v) for k, v in line.items()},
            "name": _text(line, "name", locale),
            "hours": _text(line, "hours", locale),
        }
        for line in configured_lines(nation or current_nation())
    ]
