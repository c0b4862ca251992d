"""The finder's filters panel is kept once rendered, and a kept panel never shows another
search's choices, another language or an outdated list of fellowships."""

from __future__ import annotations

import re

from community_hub.meetings.filters import PANEL_PARAMS


def _panel(html: str) -> str:
    start = html.index('<details class="filters"')
    return html[start : html.index("</details>", start)]


def _checked(html: str) -> list[str]:
    return re.findall(r'value="([^"]+)" (?:checked|selected)', _panel(html))


def test_each_search_sees_its_own_choices(client, make_meeting):
    make_meeting(name="Minster Group", types=["O", "W"])
    first = client.get("/?q=Doncaster&day=2&type=W").get_data(as_text=True)
    again = client.get("/?q=Doncaster&day=2&type=W").get_data(as_text=True)
    other = client.get("/?q=Doncaster&day=3&type=O&radius=10mi").get_data(as_text=True)
    assert _panel(first) == _panel(again)
    assert set(_checked(first)) == {"2", "W", "nearest"}
    assert set(_checked(other)) == {"3", "O", "10mi"}
    # Before a search the panel is open; after one it folds, for the same choices.
    assert " open" in client.get("/?day=2&type=W").get_data(as_text=True).split("<summary>")[0]
    assert " open" not in _panel(first).split("<summary>")[0]


def test_words_typed_are_the_searchers_own(client, make_meeting):
    make_meeting(name="Minster Group")
    html = client.get("/?q=Doncaster&search=minster").get_data(as_text=True)
    assert 'value="minster"' in _panel(html)
    html = client.get("/?q=Doncaster&search=%3Cb%3Ebold").get_data(as_text=True)
    assert "&lt;b&gt;bold" in _panel(html) and "<b>bold" not in html


def test_a_kept_panel_is_not_shown_in_another_language(client, make_meeting):
    make_meeting(name="Minster Group")
    english = client.get("/?q=Doncaster&day=2").get_data(as_text=True)
    client.get("/language/cy?next=/")
    welsh = client.get("/?q=Doncaster&day=2").get_data(as_text=True)
    assert "Any time" in _panel(english)
    assert "Any time" not in _panel(welsh) and "Unrhyw amser" in _panel(welsh)


def test_a_new_fellowship_appears_at_once(client, make_meeting, make_fellowship):
    make_meeting(name="Minster Group")
    before = client.get("/?q=Doncaster").get_data(as_text=True)
    assert 'name="fellowship" value="ca"' not in _panel(before)
    make_fellowship("ca")
    after = client.get("/?q=Doncaster").get_data(as_text=True)
    assert 'name="fellowship" value="ca"' in _panel(after)


def test_every_parameter_the_panel_reads_is_part_of_what_it_is_kept_by():
    from pathlib import Path

    template = Path(__file__).parent.parent / "templates" / "meetings" / "_filters.html"
    read = set(re.findall(r"args\.(?:get|getlist)\('([a-z_]+)'", template.read_text()))
    assert read <= set(PANEL_PARAMS), f"add {read - set(PANEL_PARAMS)} to PANEL_PARAMS"


def test_the_fellowships_are_read_once_a_minute_and_at_once_after_a_change(
    client, make_meeting, make_fellowship, monkeypatch
):
    """Another worker's change (here one made behind the ORM's back) shows within a minute;
    this worker's own at once."""
    from sqlalchemy import event, update

    from community_hub.extensions import db
    from community_hub.meetings import filters
    from community_hub.meetings.models import Fellowship

    make_meeting(name="Minster Group")
    client.get("/?q=Doncaster")
    read: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        if "FROM fellowship" in statement and "ORDER BY fellowship.name" in statement:
            read.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get("/?q=Doncaster&day=3")
        assert read == []  # kept
        db.session.execute(update(Fellowship).values(name="Renamed Anonymous"))
        db.session.commit()
        assert "Renamed Anonymous" not in client.get("/?q=Doncaster").get_data(as_text=True)
        monkeypatch.setattr(filters, "CHOICES_SECONDS", 0.0)  # a minute later
        assert "Renamed Anonymous" in client.get("/?q=Doncaster").get_data(as_text=True)
        assert len(read) == 1
        monkeypatch.setattr(filters, "CHOICES_SECONDS", 60.0)
        fellowship = make_fellowship("ca")
        fellowship.name = "Cocaine Anonymous (renamed here)"
        db.session.commit()
        html = client.get("/?q=Doncaster").get_data(as_text=True)
        assert "Cocaine Anonymous (renamed here)" in _panel(html)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
