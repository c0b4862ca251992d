"""Coordinators subscribe their organisation to outside feeds and see how each fetch went."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from community_hub.accounts.acting import working_organisation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.auth.services import can_manage_organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.interop.models import FeedSource
from community_hub.interop.subscriptions import (
    SubscriptionData,
    subscribe,
    subscriptions_of,
    switch,
)
from community_hub.meetings.models import Fellowship
from community_hub.meetings.services import ValidationFailed

bp = Blueprint("feeds", __name__, url_prefix="/manage/feeds")
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)


class SubscriptionForm(FlaskForm):
    name = StringField(_l("Name of the feed"), validators=[Length(max=200)])
    url = StringField(
        _l("Feed address"),
        validators=[Length(max=500)],
        description=_l(
            "The Meeting Guide feed's web address, for example https://example.org/wp-admin/admin-ajax.php?action=meetings"
        ),
    )
    fellowship_id = SelectField(_l("Fellowship of its meetings"), coerce=int)
    timezone = StringField(
        _l("Time zone for meetings that do not give one (optional)"),
        validators=[Length(max=64)],
        description=_l("Leave empty to use your organisation's."),
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def subscriptions() -> Any:
    """The organisation's feed subscriptions, how each last fetch went, and a form to add one."""
    organisation = working_organisation()
    form = SubscriptionForm()
    form.fellowship_id.choices = [
        SelectChoice(f.id, f.shown_name)
        for f in db.session.scalars(select(Fellowship).order_by(Fellowship.name))
    ]
    if form.validate_on_submit():
        data = SubscriptionData(
            name=form.name.data or "",
            url=form.url.data or "",
            fellowship_id=form.fellowship_id.data,
            timezone=form.timezone.data or "",
        )
        try:
            source = subscribe(organisation, data)
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                getattr(form, name).errors = [message]
        else:
            db.session.commit()
            flash(
                _(
                    "Subscribed to %(name)s. Its meetings arrive at the next fetch.",
                    name=source.name,
                ),
                "success",
            )
            return redirect(url_for("feeds.subscriptions"))
    return render_template(
        "interop/subscriptions.html",
        form=form,
        sources=subscriptions_of(organisation),
        organisation=organisation,
    ), (400 if form.errors else 200)


@bp.route("/<int:source_id>/<any(stop, start):action>", methods=["POST"])
@roles_required(*MANAGERS)
def switch_subscription(source_id: int, action: str) -> Any:
    """Stop fetching a feed (its meetings stay as they are), or start again."""
    source = db.session.get(FeedSource, source_id)
    if (
        source is None
        or not source.url
        or not can_manage_organisation(current_user, source.organisation_id)
    ):
        abort(404)
    switch(source, action == "start")
    db.session.commit()
    if action == "start":
        flash(_("Fetching %(name)s again at the next run.", name=source.name), "success")
    else:
        flash(
            _("Stopped fetching %(name)s. Its meetings stay as they are.", name=source.name),
            "success",
        )
    return redirect(url_for("feeds.subscriptions"))
