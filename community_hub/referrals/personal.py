"""What identifies a client, declared on every model that holds anything about one.

A model is *client-linked* when a foreign key leads from it to a client (a referral, its
history, follow-ups, contact attempts, consents...). Each such model declares:

- `__personal__`: column -> the value it takes on erasure (a string, or a function of the
  row, as a client's reference becomes "erased-<id>"); and
- `__kept__`: the text columns that are coded facts the reports count, kept on erasure.

tests/referrals/test_personal.py fails when a text column of a client-linked model is in
neither, so a new free-text field cannot be added without deciding what erasure does with it.
Erasure and the subject-access export both walk every client-linked row found here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Column, String, Text, inspect, select

from community_hub.extensions import db

Erased = str | Callable[[Any], str]


def _models() -> dict[str, type]:
    """Every mapped model by its table name."""
    found = {}
    for mapper in db.Model.registry.mappers:  # type: ignore[attr-defined]
        found[mapper.local_table.name] = mapper.class_
    return found


def client_linked() -> list[tuple[type, list[tuple[Column[Any], type]]]]:
    """Client-linked models, parents first, each with its foreign keys to linked models."""
    models = _models()
    linked: dict[type, list[tuple[Column[Any], type]]] = {models["client"]: []}
    growing = True
    while growing:
        growing = False
        for model in models.values():
            if model in linked:
                continue
            columns: list[Column[Any]] = list(inspect(model).local_table.columns)
            links = [
                (column, models[fk.column.table.name])
                for column in columns
                for fk in column.foreign_keys
                if models.get(fk.column.table.name) in linked
            ]
            if links:
                linked[model] = links
                growing = True
    return list(linked.items())


def table_name(model: type) -> str:
    return str(inspect(model).local_table.name)


def text_columns(model: type) -> list[str]:
    """The model's String and Text columns, the ones that can hold words about someone.

    Keys (a primary key, or a foreign key such as a resource's UUID) are ids, not words.
    """
    columns: list[Column[Any]] = list(inspect(model).local_table.columns)
    return [
        column.key
        for column in columns
        if isinstance(column.type, (String, Text))
        and not column.primary_key
        and not column.foreign_keys
    ]


def personal(model: type) -> dict[str, Erased]:
    return dict(getattr(model, "__personal__", {}))


def kept(model: type) -> tuple[str, ...]:
    return tuple(getattr(model, "__kept__", ()))


def rows_of(client: Any) -> Iterator[tuple[type, list[Any]]]:
    """Every row held about one client, model by model, parents first."""
    found: dict[type, list[Any]] = {}
    for model, links in client_linked():
        if not links:
            found[model] = [client]
        else:
            rows: dict[Any, Any] = {}
            for column, parent in links:
                ids = [inspect(r).identity[0] for r in found.get(parent, [])]
                if ids:
                    found_rows: list[Any] = list(
                        db.session.scalars(select(model).where(column.in_(ids)))
                    )
                    for row in found_rows:
                        rows[inspect(row).identity] = row
            found[model] = list(rows.values())
        yield model, found[model]


def erase_row(row: Any) -> None:
    """Replace every declared personal value of one row with its erased value."""
    for name, erased in personal(type(row)).items():
        setattr(row, name, erased(row) if callable(erased) else erased)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_row(row: Any) -> dict[str, Any]:
    """Every column of one row, as JSON-ready values."""
    return {
        attribute.key: _plain(getattr(row, attribute.key))
        for attribute in inspect(type(row)).column_attrs
    }
