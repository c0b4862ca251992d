"""Linkage outcomes: how referrals were made and what became of them.

Cohort: referrals made in the period (not drafts, not entered in error). Percentages are of
all referrals in the group, as in the trials (intention to treat): a referral not yet followed
up counts as "not known to be attending", so choose a period that ended 90 days ago for complete
90-day figures. The "followed up" rows show how much evidence each figure rests on.
"""

from __future__ import annotations

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.reports import linkage_capital
from community_hub.reports.filters import Filters
from community_hub.reports.linkage_query import Linkage, Tally, linkage
from community_hub.reports.tables import COUNT, DAYS, PERCENT, Chart, Column, Report, Sheet

SUMMARY_ROWS = (
    ("referrals", _l("Referrals made")),
    ("assertive", _l("Assertive (a call, warm handover or accompanied)")),
    ("signposted", _l("Signposted only")),
    ("attended", _l("First meeting attended (any time)")),
    ("within14", _l("First meeting attended within 14 days")),
    ("followed30", _l("Followed up at 30 days")),
    ("weekly30", _l("Attending weekly at 30 days")),
    ("followed90", _l("Followed up at 90 days")),
    ("weekly90", _l("Attending weekly at 90 days")),
    ("sponsor90", _l("Has a sponsor or mentor at 90 days")),
    ("lost", _l("Lost to follow-up")),
)
# Which of the summary's counts each figure is a part of (a reader can subtract).
PART_OF = {"within14": "attended", "weekly30": "followed30", "weekly90": "followed90",
           "sponsor90": "followed90"}  # fmt: skip
OUTCOMES = ("within14", "weekly30", "weekly90", "sponsor90", "lost")
METHODS = (
    ("signpost", _l("Signpost only")),
    ("in_session_call", _l("Call in the session")),
    ("warm_handover", _l("Warm handover")),
    ("accompanied", _l("Accompanied to the meeting")),
)
WHO = (
    ("peer", _l("Peer-introduced")),
    ("worker", _l("Worker-introduced")),
    ("signposted", _l("Signposted only")),
)
SERIES = (_l("Within 14 days"), _l("Weekly at 30 days"))
BUCKETS = ((0, 7, _l("0 to 7 days")), (8, 14, _l("8 to 14 days")), (15, 30, _l("15 to 30 days")),
           (31, 90, _l("31 to 90 days")), (91, None, _l("More than 90 days")))  # fmt: skip


def _summary(sheet: Sheet, data: Linkage) -> None:
    table = sheet.table(
        "summary", _l("Referrals and outcomes"),
        [Column("n", _l("Referrals")), Column("pct", _l("Share of referrals"), PERCENT)],
        chart=Chart(("pct",), percent=True, rows=tuple(k for k, _x in SUMMARY_ROWS[1:])),
    )  # fmt: skip
    values = {k: data.all.get(k) for k in ("referrals", *PART_OF.values(), *OUTCOMES)}
    values["assertive"] = data.all.referrals - data.by_method.get("signpost", Tally()).referrals
    values["signposted"] = data.all.referrals - values["assertive"]
    whole = table.ref("referrals", "n")
    for key, label in SUMMARY_ROWS:
        row = table.row(key, str(label))
        ref = row.count("n", values[key])
        if key != "referrals":
            row.percent("pct", ref, whole)
            sheet.complement(whole, ref)
    for part, of in PART_OF.items():
        sheet.complement(table.ref(of, "n"), table.ref(part, "n"))
    sheet.total(whole, (table.ref("assertive", "n"), table.ref("signposted", "n")))
    sheet.measure(whole, "referrals")
    sheet.measure(table.ref("attended", "n"), "attended")


def _by_organisation(sheet: Sheet, data: Linkage) -> None:
    names: dict[int, str] = {
        org_id: name
        for org_id, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(list(data.by_organisation))
            )
        )
    }
    table = sheet.table(
        "by_organisation", _l("Referrals by referring organisation"),
        [Column("referrals", _l("Referrals")), Column("assertive", _l("Assertive")),
         Column("signposted", _l("Signposted only")),
         Column("assertive_pct", _l("Share assertive"), PERCENT),
         Column("within14", _l("First meeting within 14 days")),
         Column("within14_pct", _l("Share within 14 days"), PERCENT)],
        chart=Chart(("assertive_pct", "within14_pct"), percent=True),
    )  # fmt: skip
    org_ids = sorted(data.by_organisation, key=lambda i: (names.get(i, ""), i))
    for org_id in org_ids:
        tally = data.by_organisation[org_id]
        signposted = data.signposted_by_organisation[org_id]
        row = table.row(str(org_id), names.get(org_id, "?"))
        whole = row.count("referrals", tally.referrals)
        sheet.measure(whole, "referrals", "organisation", org_id)
        assertive = row.count("assertive", tally.referrals - signposted)
        sheet.total(whole, (assertive, row.count("signposted", signposted)))
        row.percent("assertive_pct", assertive, whole)
        row.count("within14", tally.within14)
        row.share("within14_pct", "within14", "referrals")
    for column in ("referrals", "assertive", "signposted", "within14"):
        sheet.total(("summary", column, "n"), [table.ref(str(o), column) for o in org_ids])


def _outcome_rows(sheet: Sheet, key: str, groups: list[tuple[str, str, Tally]]) -> None:
    """A table with one row per group and a count and share for each outcome."""
    columns = [Column("referrals", _l("Referrals"))]
    labels = dict(SUMMARY_ROWS)
    for outcome in OUTCOMES:
        columns += [Column(outcome, str(labels[outcome])), Column(f"{outcome}_pct", "%", PERCENT)]
    title = _l("Outcomes by how the link was made")
    chart = Chart(("within14_pct", "weekly30_pct"), True, labels=SERIES)
    table = sheet.table(key, title, columns, chart=chart)
    for group_key, label, tally in groups:
        row = table.row(group_key, label)
        row.count("referrals", tally.referrals)
        for outcome in OUTCOMES:
            row.count(outcome, tally.get(outcome))
            row.share(f"{outcome}_pct", outcome, "referrals")
    for column in ("referrals", *OUTCOMES):
        sheet.total(("summary", column, "n"), [table.ref(g, column) for g, _x, _t in groups])


def _by_who(sheet: Sheet, data: Linkage) -> None:
    """Peer-introduced and worker-introduced outcomes side by side (signposting for contrast)."""
    columns = []
    for key, label in WHO:
        columns += [Column(key, str(label)), Column(f"{key}_pct", "%", PERCENT)]
    table = sheet.table(
        "by_who", _l("Peer-introduced and worker-introduced outcomes side by side"), columns,
        chart=Chart(tuple(f"{k}_pct" for k, _x in WHO), True, OUTCOMES, tuple(n for _k, n in WHO)),
        note=_l("Signposted referrals are shown apart: nobody introduced the client."),
    )  # fmt: skip
    labels = dict(SUMMARY_ROWS)
    tallies = {key: data.by_who.get(key, Tally()) for key, _l in WHO}
    for measure in ("referrals", "attended", *OUTCOMES):
        row = table.row(measure, str(labels[measure]))
        for key, tally in tallies.items():
            ref = row.count(key, tally.get(measure))
            if measure != "referrals":
                whole = table.ref("referrals", key)
                row.percent(f"{key}_pct", ref, whole)
                sheet.complement(whole, ref)
        sheet.total(("summary", measure, "n"), [table.ref(measure, k) for k in tallies])
    row = table.row("median_days", _l("Median days from referral to first meeting"))
    for key, tally in tallies.items():
        row.dependent(key, tally.median_days, DAYS, on=table.ref("attended", key))
    sheet.total(("summary", "signposted", "n"), [table.ref("referrals", "signposted")])


def _time_to_first(sheet: Sheet, data: Linkage) -> None:
    table = sheet.table(
        "time_to_first", _l("Time from referral to first meeting"),
        [Column("people", _l("First meetings"), COUNT),
         Column("pct", _l("Share of first meetings"), PERCENT)],
        chart=Chart(("people",), rows=tuple(f"{lo}" for lo, _hi, _x in BUCKETS)),
    )  # fmt: skip
    attended = ("summary", "attended", "n")
    refs = []
    for lo, hi, label in BUCKETS:
        people = sum(n for d, n in data.all.days.items() if d >= lo and (hi is None or d <= hi))
        row = table.row(str(lo), str(label))
        refs.append(row.count("people", people))
        row.percent("pct", refs[-1], attended)
        sheet.complement(attended, refs[-1])
    sheet.total(attended, refs)
    sheet.total(("summary", "within14", "n"), refs[:2])
    median = table.row("median", _l("Median days"))
    median.dependent("people", data.all.median_days, DAYS, on=attended)


NOTES = (
    _l("Referrals made in the period, by the date they were made."),
    _l(
        "Shares are of all referrals in the group: a referral not yet followed up counts as"
        " not known to be attending. For complete 90-day figures choose a period that ended"
        " at least 90 days ago."
    ),
    _l("Attendance is what the client, peer or worker reported: fellowships keep no registers."),
)


def collect(filters: Filters, carried_only: bool = False) -> Sheet:
    """Every figure of the linkage report and the relations between them (nothing carried)."""
    data = linkage(filters)
    sheet = Sheet("linkage", _l("Linkage outcomes"), NOTES)
    _summary(sheet, data)
    _by_organisation(sheet, data)
    methods = [(k, str(label), data.by_method.get(k, Tally())) for k, label in METHODS]
    _outcome_rows(sheet, "by_method", methods)
    sheet.total(("summary", "signposted", "n"), [("by_method", "signpost", "referrals")])
    assertive = [("by_method", k, "referrals") for k, _x, _t in methods if k != "signpost"]
    sheet.total(("summary", "assertive", "n"), assertive)
    _by_who(sheet, data)
    _time_to_first(sheet, data)
    linkage_capital.add_table(sheet, filters)
    return sheet


def build(filters: Filters, suppress: bool) -> Report:
    """The linkage outcomes report for these filters, protected on its own.

    Viewers of suppressed figures get theirs from publication.py, protected with the other
    reports of the same quarter and the quarters before it.
    """
    return collect(filters).resolve(suppress)
