"""A commissioner reads the demo's linkage report on a 360 px phone: bars, whole labels,
readable text and one note about small numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from community_hub.extensions import db
from community_hub.seed import DEFAULT_DIRECTORY, load_seed
from tests.e2e.conftest import LiveServer, _e2e_app, serving

pytestmark = pytest.mark.browser

COMMISSIONER = next(
    (u["email"], u["password"])
    for u in json.loads((Path(DEFAULT_DIRECTORY) / "users.json").read_text("utf-8"))
    if u["role"] == "commissioner"
)

# For every chart: how big its text is on screen, whether any text runs outside it, and the
# words it shows (each line of a wrapped label is a <tspan>).
CHARTS = """() => [...document.querySelectorAll("svg.chart-svg")].map(svg => {
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll("text")];
  return {
    id: svg.getAttribute("aria-labelledby"),
    smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
    outside: texts.filter(t => {
      const b = t.getBoundingClientRect();
      return b.left < box.left - 0.5 || b.right > box.right + 0.5;
    }).map(t => t.textContent),
    words: texts.map(t => [...t.querySelectorAll("tspan")].map(s => s.textContent).join(" "))
      .join(" | "),
    bars: svg.querySelectorAll("rect[height='14']").length,
  };
})"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The whole demo region, as `flask seed` loads it, served."""
    app = _e2e_app(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    with app.app_context():
        db.create_all()
        load_seed()
        db.session.commit()
        db.session.remove()
    with serving(app) as url:
        yield LiveServer(url, app)


@pytest.fixture
def site(demo_site: LiveServer) -> LiveServer:
    return demo_site


def test_a_commissioner_reads_the_demo_report_on_a_phone(new_page, axe, screenshot):
    page = new_page()
    page.goto("/login")
    axe(page)
    page.get_by_label("Email").fill(COMMISSIONER[0])
    page.get_by_label("Password").fill(COMMISSIONER[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Linkage outcomes").click()
    expect(page.get_by_role("heading", name="Linkage outcomes", level=1)).to_be_visible()
    axe(page)
    screenshot(page, "reports-linkage-phone")
    for key in ("summary", "by_who"):  # one chart of one series, one of three
        page.locator(f"section[aria-labelledby='{key}-title'] figure").screenshot(
            path=str(Path(__file__).parent / "screenshots" / f"reports-linkage-{key}-phone.png")
        )
    assert page.locator(".suppression-note").count() == 1
    charts = page.evaluate(CHARTS)
    assert len(charts) >= 4
    for chart in charts:
        assert chart["smallest"] >= 12, chart
        assert chart["outside"] == [], chart
        assert "…" not in chart["words"], chart
    summary = next(c for c in charts if c["id"].startswith("chart-summary"))
    assert summary["bars"] >= 6  # the demo shows figures, not a page of "withheld"
    assert "Assertive (a call, warm handover or accompanied)" in summary["words"]
    rows = page.locator("#summary-title ~ .report-figure th[scope=row]").all_inner_texts()
    for label in rows[1:]:  # every row but the total is drawn, its label whole
        assert label in summary["words"]
    # No page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
