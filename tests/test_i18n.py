"""English and Welsh: every piece of text is translatable, translated, compiled and shown.

When a test here fails after you changed some wording, run `make translations`, translate the
new entries in community_hub/translations/cy/LC_MESSAGES/messages.po (empty msgstr, or marked
fuzzy), run `make translations` again to compile, and commit the .pot, .po and .mo together.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import refresh

from community_hub.extensions import available_locales

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "community_hub" / "translations"
WELSH_PO = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po"
WELSH_MO = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.mo"
HOW_TO_FIX = (
    "Run `make translations`, translate the new or changed entries in "
    f"{WELSH_PO.relative_to(ROOT)}, run `make translations` again and commit the .pot, .po "
    "and .mo files."
)

# Visible text that is deliberately the same in every language.
NOT_TRANSLATED = {
    ("base.html", "English"),  # each language is named in itself on the switch
    ("base.html", "Cymraeg"),
    ("suggestion.html", "UTC"),  # the time standard's own abbreviation
}
TRANSLATABLE_ATTRIBUTES = re.compile(
    r"""\b(?:aria-label|title|alt|placeholder)\s*=\s*(["'])([^"']*)\1""", re.IGNORECASE
)
HIDDEN_CONTENT = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
ENTITY = re.compile(r"&#?\w+;")
WORDS = re.compile(r"[^\W\d_]{2,}")
JINJA = "\x00"  # stands in for every {{ }}, {% %} and {# #} while reading the HTML around them


def _untranslated_text(app: Flask, path: Path) -> list[str]:
    """Words in a template that reach the page without passing through _() or ngettext()."""
    html, starts, lines = [], [], []
    offset = 0
    for lineno, kind, value in app.jinja_env.lexer.tokeniter(path.read_text("utf-8"), path.name):
        text = value if kind == "data" else JINJA
        starts.append(offset)
        lines.append(lineno)
        html.append(text)
        offset += len(text)
    source = "".join(html)

    def line_at(position: int) -> int:
        token = bisect.bisect_right(starts, position) - 1
        return lines[token] + source.count("\n", starts[token], position)

    found = []
    masked = HIDDEN_CONTENT.sub(lambda m: " " * len(m.group(0)), source)
    for tag in TAG.finditer(masked):
        for attribute in TRANSLATABLE_ATTRIBUTES.finditer(tag.group(0)):
            if WORDS.search(attribute.group(2)):
                found.append(f"line {line_at(tag.start())}: {attribute.group(0)}")
    text = TAG.sub(lambda m: " " * len(m.group(0)), masked)
    text = ENTITY.sub(lambda m: " " * len(m.group(0)), text)
    for chunk in re.finditer(r"[^\x00]+", text):
        first_word = WORDS.search(chunk.group(0))
        phrase = " ".join(chunk.group(0).split())
        if first_word and (path.name, phrase) not in NOT_TRANSLATED:
            found.append(f"line {line_at(chunk.start() + first_word.start())}: {phrase!r}")
    return found


def test_every_visible_template_string_is_wrapped_for_translation(app):
    problems = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := _untranslated_text(app, path))
    }
    assert not problems, (
        "Text in these templates is not translatable: wrap it in {{ _('...') }}, then "
        + HOW_TO_FIX
        + "\n"
        + "\n".join(f"{name}: {', '.join(found)}" for name, found in problems.items())
    )


def _source_messages() -> set[str]:
    """Every msgid the code and templates use today, read the way `make translations` reads it."""
    method_map = [("community_hub/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "lazy_pgettext": ((1, "c"), 2),
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _welsh() -> Catalog:
    with WELSH_PO.open("rb") as handle:
        return read_po(handle)


def test_the_welsh_catalogue_has_every_message_in_the_code():
    catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in _welsh() if m.id}
    missing = sorted(_source_messages() - catalogue)
    assert not missing, (
        f"{len(missing)} messages are not in the Welsh catalogue. {HOW_TO_FIX}\n"
        + ("\n".join(missing[:40]))
    )


def test_every_welsh_message_is_translated_and_keeps_its_placeholders():
    catalogue = _welsh()
    untranslated = [
        m.id
        for m in catalogue
        if m.id
        and ("fuzzy" in m.flags or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"Not yet translated into Welsh: {untranslated[:40]}. {HOW_TO_FIX}"
    broken = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert not broken, f"Placeholders differ between English and Welsh: {broken}"


def test_the_compiled_welsh_catalogue_matches_its_source():
    def pairs(catalogue: Catalog) -> dict[object, object]:
        return {
            tuple(m.id) if isinstance(m.id, list | tuple) else m.id: (
                tuple(m.string) if isinstance(m.string, list | tuple) else m.string
            )
            for m in catalogue
            if m.id and "fuzzy" not in m.flags
        }

    with WELSH_MO.open("rb") as handle:
        compiled = pairs(read_mo(handle))
    source = pairs(_welsh())
    assert compiled == source, f"messages.mo is older than messages.po. {HOW_TO_FIX}"


def test_the_template_scanner_catches_bare_text(app, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "{# a comment #}<p>{{ _('Fine') }}</p>\n"
        '<a href="{{ url }}" aria-label="Close it">{{ _(\'Ok\') }}</a>\n<p>Bare words</p>',
        "utf-8",
    )
    assert _untranslated_text(app, page) == [
        'line 2: aria-label="Close it"',
        "line 3: 'Bare words'",
    ]


# ---- Choosing Welsh ----


@pytest.fixture
def welsh(client):
    if "cy" not in available_locales():
        pytest.fail(f"No compiled Welsh catalogue at {WELSH_MO}. {HOW_TO_FIX}")
    client.get("/language/cy?next=/")
    return client


def test_the_finder_in_welsh_with_a_switch_back_to_english(welsh):
    html = welsh.get("/").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "Dod o hyd i gyfarfod yn agos atoch" in html
    assert "Tref neu god post" in html
    assert 'hreflang="en">English</a>' in html


def test_english_pages_offer_welsh_in_welsh(client):
    html = client.get("/help").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in html


def test_a_welsh_browser_gets_welsh_without_choosing(client):
    response = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert '<html lang="cy">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # nothing is stored until a person chooses


def test_the_choice_is_a_first_party_preference_cookie_only(client):
    response = client.get("/language/cy?next=/help")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=cy;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Domain" not in cookie
    assert client.get("/language/xx?next=/help").headers.get("Set-Cookie") is None


def test_listings_show_their_welsh_name_and_notes(welsh, make_meeting):
    make_meeting(
        slug="grwp-caerdydd", name="Cardiff Hope", name_cy="Gobaith Caerdydd",
        notes="Tea first", notes_cy="Te yn gyntaf",
    )  # fmt: skip
    html = welsh.get("/meetings/grwp-caerdydd").get_data(as_text=True)
    assert "<h1>Gobaith Caerdydd</h1>" in html and "Te yn gyntaf" in html
    assert "Ychwanegu at y calendr" in html


def test_staff_pages_are_in_welsh_too(welsh, make_user, auth):
    worker = make_user(role="worker")
    auth.login(worker)
    html = welsh.get("/referrals/").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "Allgofnodi" in html


def test_peer_and_champion_profiles_can_be_given_in_welsh(welsh, make_org):
    from datetime import datetime

    from community_hub.extensions import db
    from community_hub.people.models import PeerSupporter, RecoveryChampion

    common = {
        "organisation": make_org(), "area": "Cardiff", "consent_at": datetime(2026, 11, 1),
        "consent_note": "Agreed in person.",
    }  # fmt: skip
    peer = PeerSupporter(
        slug="sian", display_name="Siân", bio="I went to my first meeting in 2019.",
        bio_cy="Es i i fy nghyfarfod cyntaf yn 2019.", **common,
    )  # fmt: skip
    champion = RecoveryChampion(
        slug="dai", display_name="Dai", level="community", bio="Ask me about the café.", **common
    )
    for listing in (peer, champion):
        listing.place_at(51.48, -3.18)
        db.session.add(listing)
    db.session.commit()
    peer_page, champion_page = f"/peers/{peer.id}", f"/champions/{champion.id}"
    assert "Es i i fy nghyfarfod cyntaf" in welsh.get(peer_page).get_data(as_text=True)
    # With no Welsh profile, the English one is shown rather than nothing.
    assert "Ask me about the café." in welsh.get(champion_page).get_data(as_text=True)
    welsh.get("/language/en?next=/")
    refresh()  # the test's app context outlives requests; Flask-Babel caches the locale on it
    assert "I went to my first meeting" in welsh.get(peer_page).get_data(as_text=True)
