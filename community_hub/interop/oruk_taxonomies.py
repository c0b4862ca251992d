"""Our vocabularies published as HSDS taxonomies, with ids that never change.

A term's id is uuid5("term:<taxonomy key>:<code>") and a taxonomy's uuid5("taxonomy:<key>")
(hsds.stable_id), so the same term has the same id in every database, every install and
every export. Each taxonomy also says which of a listing's codes are its terms (`codes`) and
how to find the listings that carry a term (`where`), so the `taxonomy_term_id` and
`taxonomy_id` filters and the attributes of each record come from one definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, literal, select, true

from community_hub.extensions import db
from community_hub.interop.hsds import Record, stable_id
from community_hub.interop.oruk_search import has_code
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.meetings.types import is_known, type_name, vocabulary
from community_hub.people.models import PeerSupporter
from community_hub.people.vocab import LANGUAGES as PEER_LANGUAGES
from community_hub.people.vocab import OFFERS, PATHWAYS
from community_hub.resources.models import Service, TaxonomyTerm
from community_hub.resources.validation import LANGUAGES as RESOURCE_LANGUAGES

# Where: for a term's code, or None for "any term of this taxonomy", the condition on one kind
# of listing ("resource", "meeting", "peer"); kinds not named never carry the taxonomy.
Where = Callable[[str | None], ColumnElement[bool]]
Codes = Callable[[Any], list[str]]


@dataclass(frozen=True)
class Term:
    taxonomy: str  # the key of its Taxonomy
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return stable_id("term", self.taxonomy, self.code)


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str
    uri: str
    read_terms: Callable[[], list[Term]]
    where: dict[str, Where] = field(default_factory=dict)
    codes: dict[str, Codes] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.key)

    def terms(self) -> list[Term]:
        return self.read_terms()


def _coded(column: Any) -> Where:
    """Codes kept as ",a,b," in one column (meeting types, peers' offers and pathways)."""
    return lambda code: has_code(column, code) if code else column != ""


def _categories() -> list[Term]:
    rows = db.session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.code))
    return [Term("community_hub", t.code, t.term, t.description or t.term) for t in rows]


def _category_where(code: str | None) -> ColumnElement[bool]:
    if code is None:
        return Service.taxonomy_term_id.is_not(None)
    return Service.taxonomy_term_id.in_(select(TaxonomyTerm.id).where(TaxonomyTerm.code == code))


def _fellowships() -> list[Term]:
    rows = db.session.scalars(select(Fellowship).order_by(Fellowship.slug))
    return [Term("fellowships", f.slug, f.name, f.description or f.name) for f in rows]


def _fellowship_where(code: str | None) -> ColumnElement[bool]:
    if code is None:
        return true()
    return Meeting.fellowship_id.in_(select(Fellowship.id).where(Fellowship.slug == code))


def _fixed(key: str, names: dict[str, Any]) -> Callable[[], list[Term]]:
    return lambda: [Term(key, code, str(name), str(name)) for code, name in names.items()]


@cache
def language_names() -> dict[str, Any]:
    return RESOURCE_LANGUAGES | PEER_LANGUAGES  # the peers' names are the fuller ones


def _resource_languages(code: str | None) -> ColumnElement[bool]:
    if code is None:
        return Service.languages != ""
    padded = literal(",") + Service.languages + literal(",")
    return has_code(padded, code)


def _known(names: dict[str, Any], codes: list[str]) -> list[str]:
    return [code for code in codes if code in names]


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy(
        "community_hub",
        "Community resource categories",
        "The kinds of community resource in this directory: recovery cafés, recovery "
        "housing, education and work, family support and more.",
        "",
        _categories,
        {"resource": _category_where},
        {"resource": lambda s: [s.taxonomy_term.code] if s.taxonomy_term else []},
    ),
    Taxonomy(
        "fellowships",
        "Mutual aid fellowships",
        "The fellowship whose meeting this is: AA, NA, CA, SMART Recovery, Al-Anon and others.",
        "",
        _fellowships,
        {"meeting": _fellowship_where},
        {"meeting": lambda m: [m.fellowship.slug]},
    ),
    Taxonomy(
        "meeting_guide_types",
        "Meeting types",
        "Meeting type codes of the Meeting Guide specification (O open, C closed, W women, "
        "and so on), with a few UK additions: BSL, HL (hearing loop), MAR, CY (Welsh).",
        "https://github.com/code4recovery/spec",
        lambda: [
            Term("meeting_guide_types", code, type_name(code), type_name(code))
            for code in sorted(vocabulary())
        ],
        {"meeting": _coded(Meeting.types)},
        {"meeting": lambda m: [c for c in m.type_list if is_known(c)]},
    ),
    Taxonomy(
        "peer_offers",
        "What peer supporters offer",
        "The kinds of support a peer supporter offers, such as going with someone to their "
        "first meeting.",
        "",
        _fixed("peer_offers", OFFERS),
        {"peer": _coded(PeerSupporter.offers)},
        {"peer": lambda p: _known(OFFERS, p.offer_list)},
    ),
    Taxonomy(
        "pathways",
        "Recovery pathways",
        "The fellowships and pathways to recovery a peer supporter knows, listed side by "
        "side and never ranked.",
        "",
        _fixed("pathways", PATHWAYS),
        {"peer": _coded(PeerSupporter.pathways)},
        {"peer": lambda p: _known(PATHWAYS, p.pathway_list)},
    ),
    Taxonomy(
        "languages",
        "Languages",
        "Languages a service is offered in, by ISO 639 code (bfi is British Sign Language).",
        "https://www.loc.gov/standards/iso639-2/php/code_list.php",
        lambda: _fixed("languages", language_names())(),
        {"resource": _resource_languages, "peer": _coded(PeerSupporter.languages)},
        {
            "resource": lambda s: _known(language_names(), s.language_list),
            "peer": lambda p: _known(language_names(), p.language_list),
        },
    ),
)
BY_KEY = {t.key: t for t in TAXONOMIES}


def taxonomy_by_id(taxonomy_id: str) -> Taxonomy | None:
    return next((t for t in TAXONOMIES if t.id == taxonomy_id), None)


def all_terms() -> list[Term]:
    return [term for taxonomy in TAXONOMIES for term in taxonomy.terms()]


def term_by_id(term_id: str) -> Term | None:
    return next((t for t in all_terms() if t.id == term_id), None)


def term_record(term: Term) -> Record:
    """A term as the UK profile has it: `term` is the code, `name` what people read."""
    taxonomy = BY_KEY[term.taxonomy]
    return {
        "id": term.id,
        "name": term.name,
        "description": term.description,
        "taxonomy": taxonomy.name,
        "taxonomy_id": taxonomy.id,
        "term": term.code,
    }


def taxonomy_record(taxonomy: Taxonomy, with_terms: bool = False) -> Record:
    record: Record = {"id": taxonomy.id, "name": taxonomy.name, "description": taxonomy.description}
    if taxonomy.uri:
        record["uri"] = taxonomy.uri
    if with_terms:
        record["taxonomy_terms"] = [term_record(t) for t in taxonomy.terms()]
    return record


def attributes(kind: str, owner_id: str, listing: Any, terms: dict[str, Term]) -> list[Record]:
    """The terms a listing carries, as HSDS attributes (`terms`: every term by id)."""
    found = []
    for taxonomy in TAXONOMIES:
        codes = taxonomy.codes.get(kind)
        for code in codes(listing) if codes else []:
            term = terms.get(stable_id("term", taxonomy.key, code))
            if term is not None:
                found.append(
                    {
                        "id": stable_id("attribute", owner_id, taxonomy.key, code),
                        "link_id": owner_id,
                        "link_type": taxonomy.key,
                        "taxonomy_term_id": term.id,
                        "taxonomy_term": term_record(term),
                    }
                )
    return found


def where_term(kind: str, term: Term) -> ColumnElement[bool] | None:
    """Listings of this kind that carry the term; None when this kind never does."""
    where = BY_KEY[term.taxonomy].where.get(kind)
    return where(term.code) if where else None


def where_taxonomy(kind: str, taxonomy: Taxonomy) -> ColumnElement[bool] | None:
    where = taxonomy.where.get(kind)
    return where(None) if where else None
