"""How heavy is the finder on a cheap phone's first visit? Bytes over the wire, gzipped.

Loads the demo region (`flask seed`) into a temporary SQLite database with map tiles turned
on (as `make run` does), then for the finder before and after a search fetches the HTML and
every stylesheet, script, image and icon it references from this site, as a browser with an
empty cache would. Each is gzipped at level 6 (nginx's gzip_comp_level is 1 to 9; 6 is the
usual setting). The map's Leaflet files load only when someone presses "Show these on a map"
and tiles come from the tile server: both are reported apart, not in the first load.

Prints a table, then one line of JSON (the last line) for scripts to read.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from synthetic import bench_app

from community_hub.extensions import db
from community_hub.seed import load_seed

PAGES = {"finder": "/", "finder with results": "/?q=Doncaster&radius=10mi"}
MAP_ASSETS = ["/vendor/leaflet/leaflet.css", "/vendor/leaflet/leaflet.js"]
TARGET_KB = 60.0


class Assets(HTMLParser):
    """Same-site addresses of what a browser fetches to show the page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon", "preload", "manifest"} & set(rel)):
            self.add(a.get("href"))
        elif tag in ("script", "img") and a.get("src"):
            self.add(a.get("src"))

    def add(self, url: str | None) -> None:
        if url and url.startswith("/") and not url.startswith("//") and url not in self.found:
            self.found.append(url)


def gzipped(client: FlaskClient, url: str) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = response.get_data()
    return len(body), len(gzip.compress(body, compresslevel=6))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-page-") as folder:
        app = bench_app(
            f"sqlite:///{folder}/page.sqlite3",
            MAP_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        )
        with app.app_context():
            db.create_all()
            load_seed()  # what `flask seed` does
            db.session.commit()
        client = app.test_client()
        figures: dict[str, Any] = {}
        for name, page in PAGES.items():
            html = client.get(page).get_data(as_text=True)
            parser = Assets()
            parser.feed(html)
            rows = [(page, *gzipped(client, page))]
            rows += [(url, *gzipped(client, url)) for url in parser.found]
            results = len(re.findall(r'<li class="result', html))
            total = sum(r[2] for r in rows) / 1024
            print(f"\n{name} ({page}, {results} results shown)")
            for url, raw, packed in rows:
                print(f"  {url[:60]:62}{raw / 1024:>8.1f} KB{packed / 1024:>8.1f} KB gzip")
            print(f"  {'first load':62}{'':>11}{total:>8.1f} KB gzip")
            figures[name] = {"gzip_kb": round(total, 1), "files": len(rows)}
        map_kb = sum(gzipped(client, url)[1] for url in MAP_ASSETS) / 1024
        print(f"\nthe map, on request: Leaflet {map_kb:.1f} KB gzip, plus tiles (not counted)")
        heaviest = max(f["gzip_kb"] for f in figures.values())
        print(f"heaviest first load {heaviest:.1f} KB gzip; target under {TARGET_KB:g} KB")
        print(json.dumps({**figures, "map_on_request_gzip_kb": round(map_kb, 1)}))


if __name__ == "__main__":
    main()
