"""Browse meetings and places that help by area; coordinators tidy the areas up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from community_hub.areas import services
from community_hub.areas.models import Area
from community_hub.areas.services import AreaError, Tree, current_tree, members
from community_hub.auth.decorators import roles_required
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.resources.models import Service, ServiceAtLocation
from community_hub.web import public

bp = Blueprint("areas", __name__)
manage_bp = Blueprint("manage_areas", __name__, url_prefix="/manage/areas")
MANAGERS = ("coordinator", "admin")
WEEK_FROM_MONDAY = (1, 2, 3, 4, 5, 6, 0)

ERRORS = {
    "empty": _l("Enter the area's name."),
    "long": _l("Keep the name to 120 characters or fewer."),
    "loop": _l("An area cannot sit inside itself or one of its own areas."),
    "same": _l("Choose another area to merge into."),
}


def _counts(tree: Tree, places: list[services.Listed]) -> dict[int, tuple[int, int]]:
    """Meetings and resources in each area, counting those in the areas below it."""
    own = members(tree, places)
    counts: dict[int, tuple[int, int]] = {}
    for area in tree.areas.values():
        listed = [p for area_id in tree.descendants(area) for p in own.get(area_id, [])]
        counts[area.id] = (
            len({p.id for p in listed if p.kind == "meeting"}),
            len({p.id for p in listed if p.kind == "resource"}),
        )
    return counts


@bp.route("/areas")
@public
def index() -> Any:
    """Every area with listings, broadest first, each with what it holds."""
    tree, places = current_tree()
    counts = _counts(tree, places)
    return render_template("areas/index.html", tree=tree, counts=counts)


@bp.route("/areas/<slug>")
@public
def area(slug: str) -> Any:
    """One area: its meetings by day (Monday first) and its places that help."""
    tree, places = current_tree()
    found = tree.by_slug.get(slug)
    if found is None:
        abort(404)
    inside = tree.descendants(found)
    own = members(tree, places)
    listed = [p for area_id in inside for p in own.get(area_id, [])]
    meeting_ids = sorted({int(p.id) for p in listed if p.kind == "meeting"})
    resource_ids = sorted({str(p.id) for p in listed if p.kind == "resource"})
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.id.in_(meeting_ids))
        .options(joinedload(Meeting.venue), joinedload(Meeting.fellowship))
    ).all()
    by_day = [
        (day, sorted((m for m in meetings if m.day == day), key=lambda m: (m.start_time, m.name)))
        for day in WEEK_FROM_MONDAY
    ]
    resources = db.session.scalars(
        select(Service)
        .where(Service.id.in_(resource_ids))
        .options(selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location))
        .order_by(Service.name)
    ).all()
    counts = _counts(tree, places)
    return render_template(
        "areas/area.html",
        area=found,
        ancestors=tree.ancestors(found),
        children=[c for c in tree.children.get(found.id, []) if any(counts[c.id])],
        counts=counts,
        by_day=[(day, ms) for day, ms in by_day if ms],
        resources=resources,
        today=datetime.now(UTC).date(),
        stale_after=current_app.config["STALE_AFTER_DAYS"],
    )


# Coordinators ------------------------------------------------------------------------------


class RenameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])


class MoveForm(FlaskForm):
    parent = SelectField(_l("Inside"), choices=[], validate_choice=False)


class MergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), choices=[], validate_choice=False)


def _label(tree: Tree, area: Area) -> str:
    return " › ".join(tree.names_of(area))


def _choices(tree: Tree) -> list[tuple[str, str]]:
    return sorted(((str(a.id), _label(tree, a)) for a in tree.areas.values()), key=lambda c: c[1])


@manage_bp.route("/")
@roles_required(*MANAGERS)
def manage_index() -> Any:
    """Every area, as a tree, with links to tidy each one."""
    tree, places = current_tree()
    return render_template("areas/manage_index.html", tree=tree, counts=_counts(tree, places))


@manage_bp.route("/<int:area_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def manage_area(area_id: int) -> Any:
    """Rename an area, put it inside another, or merge it into another."""
    tree = Tree()
    area = tree.areas.get(area_id)
    if area is None:
        abort(404)
    rename_form = RenameForm(prefix="rename", data={"name": area.name})
    move_form = MoveForm(prefix="move", data={"parent": str(area.parent_id or "")})
    merge_form = MergeForm(prefix="merge")
    inside = tree.descendants(area)
    move_form.parent.choices = [("", _("Nothing: a top-level area"))] + [
        c for c in _choices(tree) if int(c[0]) not in inside
    ]
    merge_form.into.choices = [("", _("Choose an area"))] + [
        c for c in _choices(tree) if int(c[0]) != area.id
    ]
    action = request.form.get("action", "")
    error = ""
    if request.method == "POST":
        try:
            if action == "rename" and rename_form.validate_on_submit():
                services.rename(area, rename_form.name.data or "")
                message = _("Renamed.")
            elif action == "move" and move_form.validate_on_submit():
                parent = _chosen(tree, move_form.parent.data, allow_none=True)
                services.move(tree, area, parent)
                message = _("Moved.")
            elif action == "merge" and merge_form.validate_on_submit():
                target = _chosen(tree, merge_form.into.data, allow_none=False)
                if target is None:
                    raise AreaError("same")
                services.merge(tree, area, target)
                db.session.commit()
                flash(_("Merged into %(name)s.", name=target.name), "success")
                return redirect(url_for("manage_areas.manage_area", area_id=target.id))
            else:
                raise AreaError("empty" if action == "rename" else "same")
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("manage_areas.manage_area", area_id=area.id))
        except AreaError as problem:
            db.session.rollback()
            error = str(ERRORS.get(str(problem), ERRORS["same"]))
        if error:
            rename_form = RenameForm(prefix="rename", data={"name": area.name})
    return render_template(
        "areas/manage_area.html",
        area=area,
        label=_label(tree, area),
        rename_form=rename_form,
        move_form=move_form,
        merge_form=merge_form,
        error=error,
        action=action,
    ), (400 if error else 200)


def _chosen(tree: Tree, value: str | None, allow_none: bool) -> Area | None:
    """The area picked in a list; bad or stale input is a clear error, never a 500."""
    if not value:
        if allow_none:
            return None
        raise AreaError("same")
    try:
        found = tree.areas.get(int(value))
    except ValueError:
        found = None
    if found is None:
        raise AreaError("same")
    return found


@bp.teardown_app_request
def _forget_tree(_error: BaseException | None) -> None:
    """The feed reads the tree once per request (services.feed_regions); never across two."""
    g.pop("_area_tree", None)
