"""The access matrix: what every role gets on every route, in one table.

The world it describes is the demo region. Organisation A is Doncaster Recovery Mentors (a peer
group: its coordinator runs listings and volunteers) with Doncaster Pathways (treatment: its
worker makes referrals); organisation B is their counterpart in Wales. Every id in a URL belongs
to organisation A, so B's staff must get 404 (never a hint that the record exists) wherever the
record is organisation-scoped, and 403 where their role may not use the page at all.

A new route gets its entry in TABLE (None if it only takes POST, with who is refused in
POST_RULES); test_access_matrix.py walks the table and fails for a route without an entry.
"""

from __future__ import annotations

ROLES = (
    "anonymous", "volunteer", "worker_a", "worker_b", "coordinator_a", "coordinator_b",
    "commissioner", "admin",
)  # fmt: skip
LOGINS = {
    "volunteer": ("volunteer@example.org", "demo-password-volunteer"),
    "worker_a": ("worker@example.org", "demo-password-worker"),
    "worker_b": ("worker.wales@example.org", "demo-password-worker-wales"),
    "coordinator_a": ("coordinator@example.org", "demo-password-coordinator"),
    "coordinator_b": ("coordinator.wales@example.org", "demo-password-coordinator-wales"),
    "commissioner": ("commissioner@example.org", "demo-password-commissioner"),
    "admin": ("admin@example.org", "demo-password-admin"),
}
LOGIN = 302  # sent to sign in


def answers(**codes: int) -> dict[str, int]:
    """Expected status per role; roles not named get 403 (signed in, not allowed)."""
    table = dict.fromkeys(ROLES, 403)
    table["anonymous"] = LOGIN
    table.update(codes)
    return table


PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
# Coordinators and administrators manage listings and volunteers; A's records are A's.
MANAGE_A = answers(coordinator_a=200, admin=200, coordinator_b=404)
MANAGE_LIST = answers(coordinator_a=200, coordinator_b=200, admin=200)
ADMIN_ONLY = answers(admin=200)
# The referral desk: workers and coordinators of the referring organisation only; an
# administrator without an organisation has no desk (403) and finds no client (404).
DESK = answers(worker_a=200, worker_b=200, coordinator_a=200, coordinator_b=200)
DESK_A = answers(worker_a=200, worker_b=404, coordinator_a=404, coordinator_b=404, admin=404)
REPORTS = answers(
    worker_a=200, worker_b=200, coordinator_a=200, coordinator_b=200, commissioner=200, admin=200
)
# A referral offered to Dean: he and his coordinator see it; everyone else finds nothing.
OFFER = {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN, "volunteer": 200, "coordinator_a": 200}
# Only Dean's coordinator sets the meeting point; Dean asks in the thread (403), others find
# nothing (404).
MEETING_POINT = {**OFFER, "volunteer": 403}
# "Find a meeting to refer them to" sends the worker on to the finder with the client in hand.
FIND_FOR = answers(worker_a=302, worker_b=404, coordinator_a=404, coordinator_b=404, admin=404)
ACCOUNT = {**SIGNED_IN}
REDIRECTS = dict.fromkeys(ROLES, 302)  # /home and the language switch send you on
LOGIN_PAGE = {**dict.fromkeys(ROLES, 302), "anonymous": 200}  # signed in: straight home
# Two-step sign-in is for staff; without a started set-up it sends you to your account.
TWO_STEP = {**dict.fromkeys(ROLES, 302), "volunteer": 403}
# An administrator belongs to no organisation: creating records first asks which to act for.
MANAGE_NEW = answers(coordinator_a=200, coordinator_b=200, admin=302)
# People and invitations: administrators everyone, coordinators their own organisation.
TEAM = answers(coordinator_a=200, coordinator_b=200, admin=200)
TEAM_A = answers(coordinator_a=200, coordinator_b=404, admin=200)
# A link with a token: without one (or with a stale one) it is gone, for everyone.
TOKEN_LINK = dict.fromkeys(ROLES, 404)

# endpoint -> expected GET answers, or None for a POST-only route (checked for refusals below).
TABLE: dict[str, dict[str, int] | None] = {
    "api.meetings": PUBLIC, "api.openapi": PUBLIC, "core.healthz": PUBLIC,
    "core.help_now": PUBLIC, "core.robots": PUBLIC, "core.home": REDIRECTS,
    "core.first_meeting": PUBLIC, "core.favicon": PUBLIC,
    "core.language": REDIRECTS,
    "core.leaflet": PUBLIC, "directory.community_map": PUBLIC, "directory.near": PUBLIC,
    "directory.suggest_champion": PUBLIC, "directory.suggest_peer": PUBLIC,
    "directory.suggest_resource": PUBLIC, "directory_api.nearby_api": PUBLIC,
    "hsds.service": PUBLIC, "hsds.services": PUBLIC, "interop.meeting_guide_feed": PUBLIC,
    "oruk.api_info": PUBLIC, "oruk.openapi": PUBLIC, "oruk.services": PUBLIC,
    "oruk.service": PUBLIC, "oruk.places": PUBLIC, "oruk.place": PUBLIC,
    "oruk.organizations": PUBLIC, "oruk.organization": PUBLIC, "oruk.taxonomies": PUBLIC,
    "oruk.taxonomy": PUBLIC, "oruk.taxonomy_terms": PUBLIC, "oruk.taxonomy_term": PUBLIC,
    "interop.meetings_csv": PUBLIC, "meetings.finder": PUBLIC, "meetings.meeting": PUBLIC,
    "meetings.meeting_ics": PUBLIC, "meetings.search_ics": PUBLIC, "meetings.suggest": PUBLIC,
    "meetings.print_list": PUBLIC,
    "areas.index": PUBLIC, "areas.area": PUBLIC, "favourites.my_meetings": PUBLIC,
    "favourites.my_meetings_ics": PUBLIC,
    "manage_areas.manage_index": MANAGE_LIST, "manage_areas.manage_area": MANAGE_LIST,
    "people.champion": PUBLIC, "people.champions": PUBLIC, "people.peer": PUBLIC,
    "people.peers": PUBLIC, "resources.index": PUBLIC, "resources.resource": PUBLIC,
    "resources_csv.resources_csv": PUBLIC, "reports.public_dashboard": PUBLIC,
    "reports.public_csv": PUBLIC, "static": PUBLIC,
    "volunteering.index": PUBLIC, "volunteering.opportunity": PUBLIC,
    "volunteering.thanks": PUBLIC,
    "auth.login": LOGIN_PAGE, "auth.logout": None, "auth.account": ACCOUNT,
    "auth.preferences": None,
    "accounts.accept": TOKEN_LINK, "accounts.reset": TOKEN_LINK, "accounts.forgot": PUBLIC,
    "admin.console": ADMIN_ONLY, "admin.organisation_list": ADMIN_ONLY,
    "admin.new_organisation": ADMIN_ONLY, "admin.organisation": ADMIN_ONLY,
    "admin.act_for_page": ADMIN_ONLY, "admin.outbox": ADMIN_ONLY,
    "admin.archive_organisation": None, "admin.restore_organisation": None,
    "admin.stop_acting": None,
    "admin.people": TEAM, "admin.invite": TEAM, "admin.person": TEAM_A,
    "admin.deactivate": None, "admin.reactivate": None,
    "admin.revoke_invitation": None, "admin.resend_invitation": None,
    "volunteers.invite_volunteer": None, "volunteers.review_hours": None,
    "auth.two_step_setup": TWO_STEP, "auth.two_step_start": None, "auth.two_step_off": None,
    "interop.import_page": ADMIN_ONLY,
    "manage.dashboard": MANAGE_LIST, "manage.venues": MANAGE_LIST,
    "manage.new_meeting": MANAGE_NEW, "manage.new_venue": MANAGE_NEW,
    "manage.edit_meeting": MANAGE_A, "manage.edit_venue": MANAGE_A,
    "manage.review_suggestion": MANAGE_A,
    "manage.meeting_changes": MANAGE_A, "manage.remove_meeting_change": None,
    "listings.act": None, "listings.listing_history": MANAGE_A, "listings.revert": None,
    "feeds.subscriptions": MANAGE_NEW, "feeds.switch_subscription": None,
    "manage_people.dashboard": MANAGE_LIST, "manage_people.requests": MANAGE_LIST,
    "manage_people.new_champion": MANAGE_NEW, "manage_people.new_peer": MANAGE_NEW,
    "manage_people.edit": MANAGE_A, "manage_people.consent": MANAGE_A,
    "manage_people.contact_request": MANAGE_A, "manage_people.act": None,
    "manage_resources.index": MANAGE_LIST, "manage_resources.new": MANAGE_NEW,
    "manage_resources.edit": MANAGE_A,
    "volunteers.dashboard": MANAGE_LIST, "volunteers.volunteer_list": MANAGE_LIST,
    "volunteers.new_volunteer": MANAGE_NEW, "volunteers.placements": MANAGE_LIST,
    "volunteers.new_placement": MANAGE_LIST, "volunteers.course_list": MANAGE_LIST,
    "volunteers.new_course": MANAGE_NEW, "volunteers.hours_queue": MANAGE_LIST,
    "volunteers.export": MANAGE_LIST,
    # Coordinators import into their own organisation; an administrator has none (yet).
    "volunteers.import_page": MANAGE_NEW, "volunteers.import_template": MANAGE_NEW,
    "volunteers.volunteer": MANAGE_A, "volunteers.edit_volunteer": MANAGE_A,
    "volunteers.placement": MANAGE_A, "volunteers.course": MANAGE_A,
    "volunteers.attendance": MANAGE_A,
    "volunteers.me": answers(volunteer=200),
    "volunteers.log_my_hours": None, "volunteers.add_supervision": None,
    "volunteers.approve_hours": None, "volunteers.decline_hours": None,
    "volunteers.change_stage": None, "volunteers.complete": None, "volunteers.enrol": None,
    "volunteers.move_placement": None, "volunteers.new_session": None,
    "volunteers.pause": None, "volunteers.resume": None, "volunteers.record_check": None,
    "volunteers.start_renewal": None, "volunteers.withdraw": None,
    "manage_volunteering.index": MANAGE_LIST, "manage_volunteering.new": MANAGE_NEW,
    "manage_volunteering.edit": MANAGE_A,
    "manage_volunteering.archive": None, "manage_volunteering.restore": None,
    "referrals.desk": DESK, "referrals.new": DESK, "referrals.new_client": DESK,
    "referrals.staff_meetings": DESK, "referrals.fhir_bundle": DESK,
    "referrals.client": DESK_A, "referrals.edit_client": DESK_A, "referrals.referral": DESK_A,
    "referrals.match": DESK_A, "referrals.fhir_referral": DESK_A, "referrals.follow_up": DESK_A,
    "referrals.withdraw_consent": DESK_A, "referrals.recovery_capital": DESK_A,
    "referrals.find_meeting_for": FIND_FOR, "referrals.barc10_questionnaire": PUBLIC,
    "referrals.offer_list": {**SIGNED_IN}, "referrals.offer": OFFER, "referrals.offer_ics": OFFER,
    "referrals.warm_handover": None, "referrals.plan": None, "referrals.post_message": None,
    "referrals.send_outcome_summary": None, "referrals.offer_withdraw": None,
    "referrals.offer_message": None, "referrals.offer_meeting_point": None,
    "referrals.audit_log": ADMIN_ONLY, "referrals.subject_requests": ADMIN_ONLY,
    "referrals.subject_export": ADMIN_ONLY,
    "referrals.find": None, "referrals.give_consent": None,
    "referrals.move": None, "referrals.attempt": None, "referrals.lost": None,
    "referrals.respond": None, "referrals.subject_erase": None,
    "reports.index": REPORTS, "reports.report": REPORTS, "reports.report_csv": REPORTS,
}  # fmt: skip
# POST-only routes: who is refused before anything happens (everyone else may act).
MANAGE_A_POSTS = (
    "listings.act", "listings.revert", "manage.remove_meeting_change", "manage_people.act",
    "feeds.switch_subscription",
    "volunteers.add_supervision", "volunteers.approve_hours", "volunteers.decline_hours",
    "volunteers.change_stage", "volunteers.complete", "volunteers.enrol",
    "volunteers.move_placement", "volunteers.new_session", "volunteers.pause",
    "volunteers.resume", "volunteers.record_check", "volunteers.start_renewal",
    "volunteers.withdraw", "volunteers.invite_volunteer",
    "manage_volunteering.archive", "manage_volunteering.restore",
)  # fmt: skip
ADMIN_POSTS = (
    "admin.archive_organisation", "admin.restore_organisation", "admin.stop_acting",
)  # fmt: skip
TEAM_A_POSTS = (
    "admin.deactivate", "admin.reactivate", "admin.revoke_invitation", "admin.resend_invitation",
)  # fmt: skip
DESK_A_POSTS = (
    "referrals.give_consent", "referrals.withdraw_consent", "referrals.move",
    "referrals.attempt", "referrals.lost", "referrals.warm_handover", "referrals.plan",
    "referrals.post_message", "referrals.send_outcome_summary", "referrals.recovery_capital",
)  # fmt: skip
POST_RULES: dict[str, dict[str, int]] = {
    **dict.fromkeys(MANAGE_A_POSTS, MANAGE_A),
    **dict.fromkeys(DESK_A_POSTS, DESK_A),
    **dict.fromkeys(ADMIN_POSTS, ADMIN_ONLY),
    **dict.fromkeys(TEAM_A_POSTS, TEAM_A),
    "auth.preferences": SIGNED_IN,
    "volunteers.review_hours": MANAGE_LIST,  # their own ticked hours only (404 otherwise)
    "referrals.find": DESK,
    "referrals.respond": OFFER,
    "referrals.offer_withdraw": OFFER,
    "referrals.offer_message": OFFER,
    "referrals.offer_meeting_point": MEETING_POINT,
    "referrals.subject_erase": ADMIN_ONLY,
    "volunteers.log_my_hours": answers(volunteer=200),
    "auth.logout": SIGNED_IN,
    "auth.two_step_start": SIGNED_IN,
    "auth.two_step_off": SIGNED_IN,
}
POST_REFUSED = {
    endpoint: {role: code for role, code in spec.items() if code in (LOGIN, 403, 404)}
    for endpoint, spec in POST_RULES.items()
}
