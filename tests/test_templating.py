"""Templates compiled once per language with their fixed sentences translated
(community_hub/templating.py): the page says exactly what looking each one up would say."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from community_hub.catalogue import gettext
from community_hub.templating import LocalisedEnvironment

SOURCE = (
    "{{ _('Search') }}|{{ _(\"Tom & Jerry's <b>\") }}|{{ _('100%% sure') }}"
    "|{{ _('%(n)s left', n=3) }}|{{ _('Search') ~ '<i>' }}"
)


def looked_up(text: str) -> str:
    """What newstyle gettext returns in an autoescaped page: the translation, marked safe,
    always formatted (so %% is one %)."""
    return str(Markup(gettext(text)) % {})  # noqa: S704 - as Jinja does, to compare with it


def test_fixed_sentences_say_what_the_lookup_says_in_each_language(app):
    assert isinstance(app.jinja_env, LocalisedEnvironment)
    with app.test_request_context("/"):
        for locale in ("en", "cy", "en"):  # back again: each language keeps its own
            with force_locale(locale):
                shown = render_template_string(SOURCE).split("|")
                search = looked_up("Search")
                assert shown == [
                    search,
                    looked_up("Tom & Jerry's <b>"),  # safe, as the lookup marks it
                    looked_up("100%% sure"),
                    "3 left",
                    search + "&lt;i&gt;",  # what is joined to it is still escaped
                ]
                if locale == "cy":
                    assert search != "Search"  # a real translation, not the English again


def test_pages_in_two_languages_share_nothing(app, client):
    english = client.get("/").get_data(as_text=True)
    client.get("/language/cy?next=/")
    welsh = client.get("/").get_data(as_text=True)
    client.get("/language/en?next=/")
    again = client.get("/").get_data(as_text=True)
    with app.test_request_context("/"), force_locale("cy"):
        heading = gettext("Find a meeting near you")
    assert heading != "Find a meeting near you"
    assert f"<h1>{heading}</h1>" in welsh and heading not in english
    assert "<h1>Find a meeting near you</h1>" in english and english == again
    languages = {key[2] for key in app.jinja_env.cache if key[1] == "meetings/finder.html"}
    assert languages == {"en", "cy"}


def test_a_template_that_names_its_own_underscore_is_left_alone(app):
    with app.test_request_context("/"), force_locale("cy"):
        assert render_template_string("{% set _ = 'mine' %}{{ _ }}") == "mine"
        own = "{% macro say(_) %}{{ _('Search') }}{% endmacro %}{{ say(gettext) }}"
        assert render_template_string(own) == looked_up("Search")
