"""UK postcodes to positions: a deployer's import of the ONS Postcode Directory or OS Code-Point
Open, or else the bundled postcode-district centroids.

`flask gazetteer import-postcodes FILE` streams the file into the `postcode_position` table:
one row per live postcode ("DN2 6AB"), plus the centroid of each sector ("DN2 6") and district
("DN2") worked out from the same rows. A full postcode that is not there (new, or the file is
older) falls back to its sector, then its district. Without an import, districts come from
`data/outcodes-GB.tsv` (Contains OS data © Crown copyright and database right; contains Royal
Mail data © Royal Mail copyright and database right; Open Government Licence v3.0).
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy import Double, String, delete, insert, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, mapped_column

from community_hub.extensions import db
from community_hub.geo.gazetteer import DATA

UNIT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$")
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
BRITAIN = (49.0, 61.5, -9.0, 2.5)  # a generous box round the UK, Channel Islands and Man


class PostcodePosition(db.Model):  # type: ignore[name-defined]
    """Where a postcode, sector ("DN2 6") or district ("DN2") is, from an imported file."""

    __tablename__ = "postcode_position"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)


class PostcodeFileError(Exception):
    """The file is not an ONSPD or Code-Point Open CSV."""


@dataclass
class ImportCounts:
    postcodes: int = 0
    sectors: int = 0
    districts: int = 0
    skipped: int = 0


def tidy(text: str) -> str:
    """'dn26ab' -> 'DN2 6AB', 'dn2  6' -> 'DN2 6', ' dn2 ' -> 'DN2'; other text upper-cased."""
    compact = re.sub(r"\s+", "", text.upper())
    unit = UNIT.match(compact)
    if unit:
        return f"{unit.group(1)} {unit.group(2)}{unit.group(3)}"
    sector = re.match(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9])$", compact)
    if sector and " " in text.strip():
        return f"{sector.group(1)} {sector.group(2)}"
    return " ".join(text.upper().split())


def _in_britain(lat: float, lng: float) -> bool:
    south, north, west, east = BRITAIN
    return south <= lat <= north and west <= lng <= east


_OSGB = threading.local()


def osgb_to_wgs84(eastings: list[float], northings: list[float]) -> Iterator[tuple[float, float]]:
    """British National Grid (OSGB36, EPSG:27700) to WGS84 latitude/longitude with PROJ.

    Without the OSTN15 grid (not downloaded) PROJ uses the published 7-parameter Helmert
    transformation, good to a few metres: far finer than a postcode."""
    transformer = getattr(_OSGB, "transformer", None)
    if transformer is None:
        from pyproj import Transformer

        transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
        _OSGB.transformer = transformer
    lngs, lats = transformer.transform(eastings, northings)
    return zip(lats, lngs, strict=True)


def _onspd_rows(reader: Iterator[list[str]], header: list[str], counts: ImportCounts):
    names = [h.strip().lower() for h in header]
    code_col = names.index("pcds") if "pcds" in names else names.index("pcd")
    lat_col, lng_col = names.index("lat"), names.index("long")
    term_col = names.index("doterm") if "doterm" in names else None
    for row in reader:
        if len(row) <= max(code_col, lat_col, lng_col):
            counts.skipped += 1
            continue
        if term_col is not None and row[term_col].strip():
            counts.skipped += 1  # terminated: no longer in use
            continue
        try:
            lat, lng = float(row[lat_col]), float(row[lng_col])
        except ValueError:
            counts.skipped += 1
            continue
        code = tidy(row[code_col])
        if not UNIT.match(code.replace(" ", "")) or not _in_britain(lat, lng):
            counts.skipped += 1  # 99.999999 is ONSPD's "no position"
            continue
        yield code, lat, lng


def _codepoint_rows(reader: Iterator[list[str]], first: list[str], counts: ImportCounts):
    """Code-Point Open: Postcode, Positional_quality_indicator, Eastings, Northings, ...; no
    header. Converted a thousand at a time (PROJ is much faster on arrays)."""
    pending: list[tuple[str, float, float]] = []

    def flush():
        if pending:
            points = osgb_to_wgs84([p[1] for p in pending], [p[2] for p in pending])
            for (code, _e, _n), (lat, lng) in zip(pending, points, strict=True):
                if _in_britain(lat, lng):
                    yield code, lat, lng
                else:
                    counts.skipped += 1
            pending.clear()

    for row in _chain([first], reader):
        try:
            code, quality, east, north = tidy(row[0]), row[1], float(row[2]), float(row[3])
        except (IndexError, ValueError):
            counts.skipped += 1
            continue
        if quality.strip() == "90" or (east == 0 and north == 0):
            counts.skipped += 1  # no position
            continue
        if not UNIT.match(code.replace(" ", "")):
            counts.skipped += 1
            continue
        pending.append((code, east, north))
        if len(pending) >= 1000:
            yield from flush()
    yield from flush()


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def read_positions(handle: io.TextIOWrapper, counts: ImportCounts):
    """(postcode, lat, lng) for every live, positioned postcode, in either layout."""
    reader = csv.reader(handle)
    first = next(reader, None)
    if first is None:
        raise PostcodeFileError("The file is empty.")
    names = {h.strip().lower() for h in first}
    if {"lat", "long"} <= names and names & {"pcds", "pcd"}:
        yield from _onspd_rows(reader, first, counts)
    elif len(first) >= 4 and UNIT.match(tidy(first[0]).replace(" ", "")):
        yield from _codepoint_rows(reader, first, counts)
    else:
        raise PostcodeFileError(
            "This is neither an ONS Postcode Directory CSV (with pcds, lat and long columns) "
            "nor a Code-Point Open CSV (postcode, quality, eastings, northings)."
        )


def import_postcodes(path: Path, batch_size: int = 5000, progress: bool = False) -> ImportCounts:
    """Replace the postcode table with the file's postcodes and their sector and district
    centroids, in one transaction (a failed import leaves the previous one in place)."""
    counts = ImportCounts()
    sums: dict[str, list[float]] = {}  # sector or district -> [lat total, lng total, n]
    table = PostcodePosition.__table__
    db.session.execute(delete(table))
    batch: list[dict[str, object]] = []
    size = path.stat().st_size

    def add(code: str, lat: float, lng: float) -> None:
        batch.append({"code": code, "latitude": round(lat, 6), "longitude": round(lng, 6)})
        if len(batch) >= batch_size:
            db.session.execute(insert(table), batch)
            batch.clear()

    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
        bar = click.progressbar(
            length=size, label="Postcodes", file=None if progress else io.StringIO()
        )
        with bar:
            done = 0
            for code, lat, lng in read_positions(handle, counts):
                outward, inward = code.split(" ")
                for key in (outward, f"{outward} {inward[0]}"):
                    total = sums.get(key)
                    if total is None:
                        sums[key] = [lat, lng, 1.0]
                    else:
                        total[0] += lat
                        total[1] += lng
                        total[2] += 1
                add(code, lat, lng)
                counts.postcodes += 1
                if counts.postcodes % 10000 == 0:
                    position = raw.tell()  # how far through the file, for the bar
                    bar.update(position - done)
                    done = position
            bar.update(size - done)
    for key, (lat_total, lng_total, n) in sums.items():
        if " " in key:
            counts.sectors += 1
        else:
            counts.districts += 1
        add(key, lat_total / n, lng_total / n)
    if batch:
        db.session.execute(insert(table), batch)
    if counts.postcodes == 0:
        raise PostcodeFileError("The file has no live postcode with a position.")
    db.session.commit()
    return counts


_OUTCODES: dict[str, tuple[float, float]] = {}


def bundled_districts() -> dict[str, tuple[float, float]]:
    """The bundled district centroids ("DN2" -> (lat, lng))."""
    if not _OUTCODES:
        loaded = {}
        for line in (DATA / "outcodes-GB.tsv").read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                code, lat, lng = line.split("\t")
                loaded[code] = (float(lat), float(lng))
        _OUTCODES.update(loaded)
    return _OUTCODES


def _stored(code: str) -> tuple[float, float] | None:
    row = db.session.execute(
        select(PostcodePosition.latitude, PostcodePosition.longitude).where(
            PostcodePosition.code == code
        )
    ).first()
    return (float(row[0]), float(row[1])) if row else None


def _imported() -> bool:
    return db.session.execute(select(PostcodePosition.code).limit(1)).first() is not None


def locate(text: str) -> tuple[str, float, float] | None:
    """(label, lat, lng) for a full postcode, sector or district; a postcode not known falls
    back to its sector, then its district. The imported file wins over the bundled list."""
    code = tidy(text)
    compact = code.replace(" ", "")
    unit = UNIT.match(compact)
    if unit:
        outward, sector = unit.group(1), f"{unit.group(1)} {unit.group(2)}"
        tries = [code, sector, outward]
    elif SECTOR.match(code):
        outward, tries = code.split(" ")[0], [code, code.split(" ")[0]]
    elif DISTRICT.match(code):
        outward, tries = code, [code]
    else:
        return None
    try:
        imported = _imported()
    except (OperationalError, ProgrammingError):  # not migrated yet: use the bundle
        db.session.rollback()
        imported = False
    if imported:
        for attempt in tries:
            found = _stored(attempt)
            if found:
                return attempt, found[0], found[1]
        return None
    bundled = bundled_districts().get(outward)
    return (outward, bundled[0], bundled[1]) if bundled else None
