"""The `search` parameter of the Open Referral UK API: words in names and descriptions.

This is the one place a keyword search of the directory is defined, and the place the
finder's full-text engine will plug into when it has one: replace `matches` (and the columns
in `TEXT`) and every caller follows. Until then it is plain SQL on both databases: every word
must appear, case-insensitively, in one of the listing's published text columns (LIKE/ILIKE,
wildcards escaped), or in the wording every record of its kind carries. Only text the API
publishes is searched, so a search can never reveal what a record does not show (a peer's
name or biography, for instance). Case-insensitive for ASCII letters on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, literal, or_, select, true

from community_hub.auth.models import Organisation
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.meetings.types import vocabulary
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import OFFERS, PATHWAYS
from community_hub.resources.models import Service, TaxonomyTerm

MAX_LENGTH = 200  # characters: at most 100 words


def escape_like(text: str) -> str:
    """Text for a LIKE pattern with its wildcards taken literally (escape character \\)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive: the column holds this text anywhere."""
    return column.ilike(f"%{escape_like(text)}%", escape="\\")


def has_code(column: Any, code: str) -> ColumnElement[bool]:
    """A ",a,b," code column holds this code (the form meetings and peers store codes in)."""
    return column.like(f"%,{escape_like(code)},%", escape="\\")


def split_words(text: str) -> tuple[str, ...]:
    """The distinct words of a search, lower-cased, in the order given."""
    return tuple(dict.fromkeys(word.casefold() for word in text.split()))


@dataclass(frozen=True)
class Searchable:
    """What one kind of listing publishes as text, for the search."""

    columns: Callable[[], list[Any]]  # text columns
    # Extra ways a word can match: a word in a fellowship's name, a meeting type's name...
    related: Callable[[str], list[ColumnElement[bool]]]
    always: str  # wording every record of this kind carries in its name or description


def _labelled(word: str, labels: dict[str, Any]) -> list[str]:
    """The codes whose label holds the word (an offer, a pathway, a language...)."""
    return [code for code, label in labels.items() if word in str(label).casefold()]


def _languages(column: Any, word: str) -> list[ColumnElement[bool]]:
    # Imported here: the taxonomies use this module's has_code.
    from community_hub.interop.oruk_taxonomies import language_names

    return [has_code(column, code) for code in _labelled(word, language_names())]


def _resource_related(word: str) -> list[ColumnElement[bool]]:
    category = select(TaxonomyTerm.id).where(contains(TaxonomyTerm.term, word))
    padded = literal(",") + Service.languages + literal(",")
    return [Service.taxonomy_term_id.in_(category), *_languages(padded, word)]


def _meeting_related(word: str) -> list[ColumnElement[bool]]:
    fellowships = select(Fellowship.id).where(
        or_(contains(Fellowship.name, word), contains(Fellowship.short_name, word))
    )
    types = {code: names["en"] for code, names in vocabulary().items()}
    return [
        Meeting.fellowship_id.in_(fellowships),
        *(has_code(Meeting.types, code) for code in _labelled(word, types)),
    ]


def _peer_related(word: str) -> list[ColumnElement[bool]]:
    organisations = select(Organisation.id).where(contains(Organisation.name, word))
    found: list[ColumnElement[bool]] = [PeerSupporter.organisation_id.in_(organisations)]
    found += [has_code(PeerSupporter.offers, code) for code in _labelled(word, OFFERS)]
    found += [has_code(PeerSupporter.pathways, code) for code in _labelled(word, PATHWAYS)]
    found += _languages(PeerSupporter.languages, word)
    if word in "a paid peer worker":  # how hsds_meetings.peer_record describes them
        found.append(PeerSupporter.paid.is_(True))
    if word in "a volunteer":
        found.append(PeerSupporter.paid.is_(False))
    return found


TEXT: dict[str, Searchable] = {
    "resource": Searchable(
        lambda: [
            Service.name,
            Service.alternate_name,
            Service.description,
            Service.eligibility_description,
            Service.application_process,
            Service.pathways_welcome,
        ],
        _resource_related,
        "",
    ),
    "meeting": Searchable(
        lambda: [Meeting.name, Meeting.group_name, Meeting.notes],
        _meeting_related,
        "a weekly meeting",
    ),
    # Peers are published as "Peer support in <area>" with their organisation, never a name.
    "peer": Searchable(
        lambda: [PeerSupporter.area],
        _peer_related,
        "peer support in with lived experience of recovery offers peer support in through "
        "ask to be put in touch; they pass your message on.",
    ),
}


def matches(kind: str, words: Iterable[str]) -> ColumnElement[bool]:
    """Every word appears in the listing's published text (a kind of TEXT)."""
    searchable = TEXT[kind]
    clauses: list[ColumnElement[bool]] = []
    for word in words:
        if word in searchable.always:
            continue
        found = [contains(column, word) for column in searchable.columns()]
        clauses.append(or_(*found, *searchable.related(word)) if found else false())
    return and_(*clauses) if clauses else true()
