"""Templates compiled once for each language, with their fixed sentences already translated.

A page says thirty fixed things through `_('…')`. Jinja looks each up at every render: two
trips through the template's call machinery, the catalogue, and the `%` that newstyle
gettext always applies. None of that changes between two renders in the same language, so
each template is compiled once per language with every `_('a fixed sentence')` replaced by
its translation, marked safe where the page autoescapes, exactly as the call would have
returned it. A sentence with values (`_('%(n)s meetings', n=…)`), and plural forms, are
still looked up as the page renders. The catalogue tools read the template files, not the
compiled code, so nothing changes for translators.
"""

from __future__ import annotations

import weakref
from collections.abc import MutableMapping
from typing import Any, cast

from flask.templating import Environment
from flask_babel import get_locale
from jinja2 import Template, nodes
from jinja2.visitor import NodeTransformer

from community_hub.catalogue import DOMAIN

GETTEXT_NAMES = ("_", "gettext")


class _Translate(NodeTransformer):
    """Replace each `_('fixed text')` with its translation (newstyle gettext's result)."""

    def __init__(self, translate: Any) -> None:
        self.translate = translate

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)
        name = node.node
        if not (
            isinstance(name, nodes.Name)
            and name.name in GETTEXT_NAMES
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and not (node.kwargs or node.dyn_args or node.dyn_kwargs)
        ):
            return node
        try:
            text = self.translate(node.args[0].value) % {}  # newstyle gettext always formats
        except (KeyError, TypeError, ValueError):
            return node  # it would fail at render time too: leave it to say so there
        return nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)


def _assigns_gettext(tree: nodes.Template) -> bool:
    """Whether the template binds `_` or `gettext` itself (then its calls are its own)."""
    return any(
        n.name in GETTEXT_NAMES and n.ctx in ("store", "param") for n in tree.find_all(nodes.Name)
    )


class LocalisedEnvironment(Environment):
    """Flask's environment, keeping one compiled template per language."""

    def _locale(self) -> str | None:
        try:
            return str(get_locale() or "")
        except RuntimeError:  # outside any app context: nothing to translate into
            return None

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self._locale() is None or _assigns_gettext(tree):
            return tree
        translations = DOMAIN.get_translations()
        return cast("nodes.Template", _Translate(translations.ugettext).visit(tree))

    def _load_template(self, name: str, globals: Any) -> Template:
        """Jinja's own, with the language in the cache key (a compiled template says one)."""
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        cache_key = (weakref.ref(self.loader), name, self._locale())
        cache = cast("MutableMapping[Any, Template] | None", self.cache)
        if cache is not None:
            template = cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        template = self.loader.load(self, name, self.make_globals(globals))
        if cache is not None:
            cache[cache_key] = template
        return template
