"""Pages for community engagement, funded projects and council resources.

Most pages come from `RecordType` declarations (see pages.kit); the overview pages and a
project's quarterly return are written out here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.http import HttpResponse
from django.shortcuts import render

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.core import periods
from dueregard.core.periods import financial_quarter_of, financial_year, financial_year_of
from dueregard.pages.kit import Col, RecordType, form_page

from . import metrics, queries, services
from .forms import (
    BidForm,
    CommunicationForm,
    EngagementForm,
    EventForm,
    GroupForm,
    ITCheckForm,
    MembershipForm,
    NetworkForm,
    NetworkMeetingForm,
    OutputForm,
    ProjectForm,
    QuarterlyReturnForm,
    SettingForm,
    VenueCheckForm,
)
from .models import (
    Bid,
    Communication,
    CommunityGroup,
    Engagement,
    Event,
    ITCheck,
    Network,
    NetworkMeeting,
    NetworkMembership,
    OutOfSchoolSetting,
    OutputFigure,
    ProgressNote,
    Project,
    ProjectOutput,
    VenueCheck,
)

E = Kind.ENGAGEMENT


def _names(manager: Any) -> str:
    return ", ".join(str(g) for g in manager.all())


# -- community engagement -------------------------------------------------------------------


def _group_context(request: SignedInRequest, group: CommunityGroup) -> dict[str, Any]:
    return {
        "engagements": group.engagements.filter(archived=False).order_by("-date")[:20],
        "engagement_count": group.engagements.filter(archived=False).count(),
        "group_events": group.events.filter(archived=False).order_by("-date")[:10],
        "networks": group.memberships.select_related("network"),
    }


GROUP = RecordType(
    slug="group",
    model=CommunityGroup,
    form=GroupForm,
    singular="community group",
    plural="community groups",
    kind=E,
    scope=queries.visible_to,
    create=services.create_group,
    update=services.update_group,
    archive=services.archive_group,
    intro="Community and faith groups the Prevent team works with.",
    create_label="Add a community group",
    columns=[
        Col("Name", "name", link=True),
        Col("Kind", "get_kind_display"),
        Col("Ward", "ward"),
        Col("Last engaged", lambda g: g.last_engaged),
        Col("Engagements", lambda g: g.engagement_count, kind="count"),
    ],
    fields=[
        Col("Name", "name"),
        Col("Kind of group", "get_kind_display"),
        Col("Faith or belief", "faith"),
        Col("Ward", "ward"),
        Col("About the group", "description", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "name", id="name"),
        Col("", "kind", id="kind"),
        Col("", "faith", id="faith"),
        Col("", "ward.ons_code", id="ward_code"),
        Col("", "ward.name", id="ward"),
        Col("", lambda g: g.engagement_count, id="engagements"),
        Col("", lambda g: g.last_engaged, id="last_engaged"),
        Col("", "archived", id="archived"),
    ],
    search=("name", "faith", "description"),
    ordering=("name",),
    select_related=("ward",),
    annotate=lambda qs: qs.annotate(
        engagement_count=Count("engagements", filter=Q(engagements__archived=False)),
        last_engaged=Max("engagements__date", filter=Q(engagements__archived=False)),
    ),
    detail_template="engagement/group_extra.html",
    detail_context=_group_context,
)


ENGAGEMENT = RecordType(
    slug="engagement",
    model=Engagement,
    form=EngagementForm,
    singular="engagement",
    plural="engagements",
    kind=E,
    scope=queries.visible_to,
    create=services.record_engagement,
    update=services.update_engagement,
    archive=services.archive_engagement,
    intro="Meetings, visits, workshops and other work with community groups.",
    create_label="Record an engagement",
    columns=[
        Col("Date", "date", link=True),
        Col("Topic", "topic"),
        Col("Type", "get_type_display"),
        Col("Groups", lambda e: _names(e.groups)),
        Col("Staff", "staff"),
    ],
    fields=[
        Col("Date", "date"),
        Col("Groups engaged", lambda e: _names(e.groups)),
        Col("Type of engagement", "get_type_display"),
        Col("Topic", "topic"),
        Col("Council staff involved", "staff"),
        Col("People reached", "people_reached", kind="count"),
        Col("Outcome", "outcome", kind="long"),
        Col("Follow-up agreed", "follow_up", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "date", id="date"),
        Col("", lambda e: "; ".join(g.name for g in e.groups.all()), id="groups"),
        Col("", "type", id="type"),
        Col("", "topic", id="topic"),
        Col("", "staff", id="staff"),
        Col("", "people_reached", id="people_reached"),
        Col("", "outcome", id="outcome"),
        Col("", "follow_up", id="follow_up"),
        Col("", "archived", id="archived"),
    ],
    date_field="date",
    search=("topic", "staff", "outcome", "groups__name"),
    ordering=("-date", "-pk"),
    prefetch_related=("groups",),
)


def _network_context(request: SignedInRequest, network: Network) -> dict[str, Any]:
    return {
        "memberships": network.memberships.select_related("group"),
        "current_members": network.memberships.filter(left_on__isnull=True).count(),
        "network_meetings": network.meetings.all(),
    }


NETWORK = RecordType(
    slug="network",
    model=Network,
    form=NetworkForm,
    singular="network",
    plural="networks",
    kind=E,
    scope=queries.visible_to,
    create=services.create_network,
    update=services.update_network,
    archive=services.archive_network,
    intro="Networks and forums of groups, their members and their meetings.",
    create_label="Add a network",
    columns=[
        Col("Name", "name", link=True),
        Col("Convener", "convener"),
        Col("Meets", "get_meets_display"),
        Col("Current members", lambda n: n.member_count, kind="count"),
    ],
    fields=[
        Col("Name", "name"),
        Col("Purpose", "purpose", kind="long"),
        Col("Convener", "convener"),
        Col("How often it meets", "get_meets_display"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "name", id="name"),
        Col("", "purpose", id="purpose"),
        Col("", "convener", id="convener"),
        Col("", "meets", id="meets"),
        Col("", lambda n: n.member_count, id="current_members"),
        Col("", "archived", id="archived"),
    ],
    search=("name", "purpose"),
    ordering=("name",),
    annotate=lambda qs: qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    ),
    detail_template="engagement/network_extra.html",
    detail_context=_network_context,
    related=lambda n: [n.memberships.all(), n.meetings.all()],
)

MEMBERSHIP = RecordType(
    slug="membership",
    model=NetworkMembership,
    form=MembershipForm,
    singular="network member",
    plural="network members",
    kind=E,
    scope=queries.visible_to,
    create=services.add_network_member,
    update=services.update_network_membership,
    parent=NETWORK,
    parent_field="network",
    has_list=False,
    after_create="parent",
    create_label="Add a member group",
    fields=[
        Col("Network", "network"),
        Col("Group", "group"),
        Col("Joined on", "joined_on"),
        Col("Left on", "left_on"),
    ],
    select_related=("network", "group"),
)

NETWORK_MEETING = RecordType(
    slug="networkmeeting",
    model=NetworkMeeting,
    form=NetworkMeetingForm,
    singular="network meeting",
    plural="network meetings",
    kind=E,
    scope=queries.visible_to,
    create=services.record_network_meeting,
    update=services.update_network_meeting,
    parent=NETWORK,
    parent_field="network",
    url_prefix="network-meetings",
    has_list=False,
    after_create="parent",
    create_label="Record a network meeting",
    fields=[
        Col("Network", "network"),
        Col("Date", "date"),
        Col("Organisations attending", "organisations_attending", kind="count"),
        Col("People attending", "people_attending", kind="count"),
        Col("What was discussed and agreed", "summary", kind="long"),
    ],
    select_related=("network",),
)

EVENT = RecordType(
    slug="event",
    model=Event,
    form=EventForm,
    singular="event",
    plural="events",
    kind=E,
    scope=queries.visible_to,
    create=services.record_event,
    update=services.update_event,
    archive=services.archive_event,
    intro="Events the Prevent team ran or supported.",
    create_label="Record an event",
    columns=[
        Col("Event", "title", link=True),
        Col("Date", "date"),
        Col("Kind", "get_kind_display"),
        Col("Ward", "ward"),
        Col("People attending", "attendees", kind="count"),
    ],
    fields=[
        Col("Event", "title"),
        Col("Date", "date"),
        Col("Kind of event", "get_kind_display"),
        Col("Venue", "venue"),
        Col("Ward", "ward"),
        Col("Groups involved", lambda e: _names(e.groups)),
        Col("People attending", "attendees", kind="count"),
        Col("What happened and what it achieved", "description", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "title", id="title"),
        Col("", "date", id="date"),
        Col("", "kind", id="kind"),
        Col("", "venue", id="venue"),
        Col("", "ward.name", id="ward"),
        Col("", lambda e: "; ".join(g.name for g in e.groups.all()), id="groups"),
        Col("", "attendees", id="attendees"),
        Col("", "description", id="description"),
        Col("", "archived", id="archived"),
    ],
    date_field="date",
    search=("title", "venue", "description"),
    ordering=("-date", "-pk"),
    select_related=("ward",),
    prefetch_related=("groups",),
)

COMMUNICATION = RecordType(
    slug="communication",
    model=Communication,
    form=CommunicationForm,
    singular="communication",
    plural="communications log",
    kind=E,
    scope=queries.visible_to,
    create=services.log_communication,
    update=services.update_communication,
    archive=services.archive_communication,
    intro="What was communicated about Prevent, to whom, through which channel and why.",
    create_label="Log a communication",
    columns=[
        Col("Title", "title", link=True),
        Col("Date", "date"),
        Col("Channel", "get_channel_display"),
        Col("Audience", "get_audience_display"),
        Col("Purpose", "get_purpose_display"),
    ],
    fields=[
        Col("Title", "title"),
        Col("Date", "date"),
        Col("Channel", "get_channel_display"),
        Col("Audience", "get_audience_display"),
        Col("Purpose", "get_purpose_display"),
        Col("Summary", "summary", kind="long"),
        Col("Recipients or reach", "reach", kind="count"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "date", id="date"),
        Col("", "title", id="title"),
        Col("", "channel", id="channel"),
        Col("", "audience", id="audience"),
        Col("", "purpose", id="purpose"),
        Col("", "summary", id="summary"),
        Col("", "reach", id="reach"),
        Col("", "archived", id="archived"),
    ],
    date_field="date",
    search=("title", "summary"),
    ordering=("-date", "-pk"),
)

# -- funded projects ------------------------------------------------------------------------

BID = RecordType(
    slug="bid",
    model=Bid,
    form=BidForm,
    singular="funding bid",
    plural="funding bids",
    kind=E,
    scope=queries.visible_to,
    create=services.record_bid,
    update=services.update_bid,
    archive=services.archive_bid,
    intro="Bids for project funding, what was asked for and what came of them.",
    create_label="Record a bid",
    columns=[
        Col("Project proposed", "title", link=True),
        Col("Funder", "funder"),
        Col("Submitted", "submitted_on"),
        Col("Asked for", "amount_requested", kind="money"),
        Col("Outcome", "get_outcome_display"),
        Col("Awarded", "amount_awarded", kind="money"),
    ],
    fields=[
        Col("Project proposed", "title"),
        Col("Funder", "funder"),
        Col("Submitted on", "submitted_on"),
        Col("Amount asked for", "amount_requested", kind="money"),
        Col("Outcome", "get_outcome_display"),
        Col("Decision received on", "outcome_on"),
        Col("Amount awarded", "amount_awarded", kind="money"),
        Col("CTLP recommendation addressed", "ctlp_recommendation", kind="long"),
        Col("Project funded", lambda b: getattr(b, "project", None)),
        Col("Notes", "notes", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "title", id="title"),
        Col("", "funder", id="funder"),
        Col("", "submitted_on", id="submitted_on"),
        Col("", "amount_requested", id="amount_requested"),
        Col("", "outcome", id="outcome"),
        Col("", "outcome_on", id="outcome_on"),
        Col("", "amount_awarded", id="amount_awarded"),
        Col("", "ctlp_recommendation", id="ctlp_recommendation"),
        Col("", "archived", id="archived"),
    ],
    date_field="submitted_on",
    search=("title", "funder"),
    ordering=("-submitted_on", "-pk"),
    select_related=("project",),
)


def _project_context(request: SignedInRequest, project: Project) -> dict[str, Any]:
    quarters = services.project_quarters(project)
    outputs = list(project.outputs.all())
    figures = {
        (f.output_id, f.quarter_start): f
        for f in OutputFigure.objects.filter(output__project=project)
    }
    notes = {n.quarter_start: n for n in project.progress.all()}
    table = []
    for q in quarters:
        cells = []
        for o in outputs:
            f = figures.get((o.pk, q.start))
            cells.append((f.planned, f.delivered) if f else (None, None))
        table.append({"quarter": q, "cells": cells, "note": notes.get(q.start)})
    totals = (
        OutputFigure.objects.filter(output__project=project)
        .values("output_id")
        .annotate(planned=Sum("planned", default=0), delivered=Sum("delivered", default=0))
    )
    by_output: dict[int, Mapping[str, object]] = {t["output_id"]: t for t in totals}
    spent = sum((n.spend for n in notes.values()), Decimal(0))
    return {
        "outputs": outputs,
        "quarter_rows": table,
        "output_totals": [
            (
                o,
                by_output.get(o.pk, {}).get("planned", 0),
                by_output.get(o.pk, {}).get("delivered", 0),
            )
            for o in outputs
        ],
        "spent": spent,
        "remaining": project.budget - spent,
        "settings_identified": project.settings.filter(archived=False).count(),
    }


PROJECT = RecordType(
    slug="project",
    model=Project,
    form=ProjectForm,
    singular="funded project",
    plural="funded projects",
    kind=E,
    scope=queries.visible_to,
    create=services.create_project,
    update=services.update_project,
    archive=services.archive_project,
    intro=(
        "Projects funded to deliver the Prevent action plan: who delivers them, what they "
        "cost, what they planned and delivered each quarter, and what was spent."
    ),
    create_label="Add a funded project",
    columns=[
        Col("Project", "title", link=True),
        Col("Delivered by", "provider"),
        Col("Runs", lambda p: f"{p.starts_on:%b %Y} to {p.ends_on:%b %Y}"),
        Col("Funding", "budget", kind="money"),
        Col("Spent", lambda p: p.spent, kind="money"),
        Col("Status", "get_status_display"),
    ],
    fields=[
        Col("Project", "title"),
        Col("Delivered by", "provider"),
        Col("Funder", "funder"),
        Col("Funded by bid", "bid"),
        Col("Funding", "budget", kind="money"),
        Col("Starts on", "starts_on"),
        Col("Ends on", "ends_on"),
        Col("Status", "get_status_display"),
        Col("CTLP recommendation addressed", "ctlp_recommendation", kind="long"),
        Col("What it will deliver", "aims", kind="long"),
        Col("Expected outcomes", "expected_outcomes", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "title", id="title"),
        Col("", "provider", id="provider"),
        Col("", "funder", id="funder"),
        Col("", "budget", id="budget"),
        Col("", lambda p: p.spent, id="spent"),
        Col("", "starts_on", id="starts_on"),
        Col("", "ends_on", id="ends_on"),
        Col("", "status", id="status"),
        Col("", "ctlp_recommendation", id="ctlp_recommendation"),
        Col("", "expected_outcomes", id="expected_outcomes"),
        Col("", "archived", id="archived"),
    ],
    date_field="starts_on",
    search=("title", "provider", "funder"),
    ordering=("-starts_on", "title"),
    select_related=("bid",),
    annotate=lambda qs: qs.annotate(spent=Sum("progress__spend", default=Decimal(0))),
    detail_template="engagement/project_extra.html",
    detail_context=_project_context,
    related=lambda p: [
        p.outputs.all(),
        p.progress.all(),
        OutputFigure.objects.filter(output__project=p),
    ],
)

OUTPUT = RecordType(
    slug="output",
    model=ProjectOutput,
    form=OutputForm,
    singular="project output",
    plural="project outputs",
    kind=E,
    scope=queries.visible_to,
    create=services.add_project_output,
    update=services.update_project_output,
    parent=PROJECT,
    parent_field="project",
    has_list=False,
    after_create="parent",
    create_label="Add something the project counts",
    fields=[Col("Project", "project"), Col("What is counted", "name")],
    select_related=("project",),
)

# -- council resources ----------------------------------------------------------------------

SETTING = RecordType(
    slug="setting",
    model=OutOfSchoolSetting,
    form=SettingForm,
    singular="out-of-school setting",
    plural="out-of-school settings",
    kind=E,
    scope=queries.visible_to,
    create=services.register_setting,
    update=services.update_setting,
    archive=services.archive_setting,
    intro=(
        "The register of out-of-school education settings: who runs them, where, how many "
        "children attend, their safeguarding status and the support offered."
    ),
    create_label="Add a setting to the register",
    columns=[
        Col("Setting", "name", link=True),
        Col("Type", "get_setting_type_display"),
        Col("Ward", "ward"),
        Col("Children", "pupils", kind="count"),
        Col("Safeguarding status", "get_safeguarding_status_display"),
        Col("Last contact", "last_contact_on"),
    ],
    fields=[
        Col("Setting", "name"),
        Col("Type of setting", "get_setting_type_display"),
        Col("Run by", "provider"),
        Col("Address", "address", kind="long"),
        Col("Ward", "ward"),
        Col("Children attending", "pupils", kind="count"),
        Col("Safeguarding status", "get_safeguarding_status_display"),
        Col("Support offered", "support_offered", kind="long"),
        Col("Identified on", "identified_on"),
        Col("Last contact on", "last_contact_on"),
        Col("Identified by project", "identified_by"),
        Col("Notes", "notes", kind="long"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "name", id="setting"),
        Col("", "setting_type", id="setting_type"),
        Col("", "provider", id="provider"),
        Col("", "address", id="address"),
        Col("", "ward.ons_code", id="ward_code"),
        Col("", "ward.name", id="ward"),
        Col("", "pupils", id="pupils"),
        Col("", "safeguarding_status", id="safeguarding_status"),
        Col("", "support_offered", id="support_offered"),
        Col("", "identified_on", id="identified_on"),
        Col("", "last_contact_on", id="last_contact_on"),
        Col("", "identified_by.title", id="identified_by_project"),
        Col("", "archived", id="archived"),
    ],
    date_field="identified_on",
    search=("name", "provider", "address"),
    ordering=("name",),
    select_related=("ward", "identified_by"),
    personal_data=True,
)

VENUE_CHECK = RecordType(
    slug="venuecheck",
    model=VenueCheck,
    form=VenueCheckForm,
    singular="venue check",
    plural="venue checks",
    kind=E,
    scope=queries.visible_to,
    create=services.record_venue_check,
    update=services.update_venue_check,
    archive=services.archive_venue_check,
    url_prefix="venue-checks",
    intro=(
        "Due diligence on bookings of council venues: the organiser, the speakers, the checks "
        "made, and the officer's decision with its reason."
    ),
    create_label="Record a venue check",
    # Organisers and speakers are shown only on the audited record page and in exports.
    columns=[
        Col("Venue and date", "__str__", link=True),
        Col("Booking reference", "booking_reference"),
        Col("Decision", "get_decision_display"),
        Col("Decided by", "decided_by"),
    ],
    fields=[
        Col("Venue", "venue"),
        Col("Booking reference", "booking_reference"),
        Col("Date of the event", "event_date"),
        Col("What the event is", "event_description", kind="long"),
        Col("Organiser", "organiser"),
        Col("Speakers", "speakers", kind="long"),
        Col("Checks made", "checks_display"),
        Col("What the checks found", "checks_notes", kind="long"),
        Col("Decision", "get_decision_display"),
        Col("Reason for the decision", "decision_reason", kind="long"),
        Col("Conditions of hire", "conditions", kind="long"),
        Col("Decided on", "decided_on"),
        Col("Decided by", "decided_by"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "venue", id="venue"),
        Col("", "booking_reference", id="booking_reference"),
        Col("", "event_date", id="event_date"),
        Col("", "organiser", id="organiser"),
        Col("", "speakers", id="speakers"),
        Col("", lambda v: ";".join(v.checks or []), id="checks"),
        Col("", "decision", id="decision"),
        Col("", "decision_reason", id="decision_reason"),
        Col("", "conditions", id="conditions"),
        Col("", "decided_on", id="decided_on"),
        Col("", "decided_by.username", id="decided_by"),
        Col("", "archived", id="archived"),
    ],
    date_field="event_date",
    search=("venue", "organiser", "speakers", "booking_reference"),
    ordering=("-event_date", "-pk"),
    select_related=("decided_by",),
    personal_data=True,
)

IT_CHECK = RecordType(
    slug="itcheck",
    model=ITCheck,
    form=ITCheckForm,
    singular="IT filtering check",
    plural="IT filtering checks",
    kind=E,
    scope=queries.visible_to,
    create=services.record_it_check,
    update=services.update_it_check,
    archive=services.archive_it_check,
    url_prefix="it-checks",
    intro="Checks that public-access computers at council sites filter terrorist and extremist material.",
    create_label="Record an IT filtering check",
    columns=[
        Col("Site and date", "__str__", link=True),
        Col("Type of site", "get_site_type_display"),
        Col("Result", "get_result_display"),
        Col("Put right on", "resolved_on"),
    ],
    fields=[
        Col("Site", "site"),
        Col("Type of site", "get_site_type_display"),
        Col("Ward", "ward"),
        Col("Checked on", "checked_on"),
        Col("Checked by", "checked_by"),
        Col("How it was checked", "method"),
        Col("Result", "get_result_display"),
        Col("What got through", "issues", kind="long"),
        Col("Action taken", "action_taken", kind="long"),
        Col("Put right on", "resolved_on"),
    ],
    export=[
        Col("", "pk", id="id"),
        Col("", "site", id="site"),
        Col("", "site_type", id="site_type"),
        Col("", "ward.name", id="ward"),
        Col("", "checked_on", id="checked_on"),
        Col("", "checked_by", id="checked_by"),
        Col("", "method", id="method"),
        Col("", "result", id="result"),
        Col("", "issues", id="issues"),
        Col("", "action_taken", id="action_taken"),
        Col("", "resolved_on", id="resolved_on"),
        Col("", "archived", id="archived"),
    ],
    date_field="checked_on",
    search=("site", "issues"),
    ordering=("-checked_on", "site"),
    select_related=("ward",),
)

RECORD_TYPES = [
    GROUP,
    ENGAGEMENT,
    NETWORK,
    MEMBERSHIP,
    NETWORK_MEETING,
    EVENT,
    COMMUNICATION,
    BID,
    PROJECT,
    OUTPUT,
    SETTING,
    VENUE_CHECK,
    IT_CHECK,
]


# -- pages written out --------------------------------------------------------------------


def _year_from(request: SignedInRequest) -> Any:
    today = periods.today()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(today)
    return financial_year(year) if 1990 <= year <= today.year + 1 else financial_year_of(today)


@requires(E, Action.LIST, methods=("GET",))
def index(request: SignedInRequest) -> HttpResponse:
    """This year's engagement, projects and council-resource figures, for each authority
    the user works in, with the way in to every list."""
    period = _year_from(request)
    today = periods.today()
    summaries = []
    for authority in authorities_for(request.user, E, Action.LIST).order_by("name"):
        summaries.append(
            {
                "authority": authority,
                "groups": metrics.groups_engaged(authority, period.start, period.end),
                "by_type": metrics.engagements_by_type(authority, period.start, period.end),
                "settings": metrics.settings_by_safeguarding_status(
                    authority, min(period.end, today)
                ),
                "venues": metrics.venue_checks_by_decision(authority, period.start, period.end),
                "it": metrics.it_checks_by_result(authority, period.start, period.end),
                "spend": metrics.project_spend(authority, period.start, period.end),
            }
        )
    years = [financial_year_of(today).start.year - i for i in range(6)]
    return render(
        request,
        "engagement/index.html",
        {"period": period, "summaries": summaries, "years": years},
    )


@requires(E, Action.CHANGE, object_scoped=True)
def quarterly_return(request: SignedInRequest, pk: int) -> HttpResponse:
    """A project's return for one quarter; `?quarter=YYYY-MM-DD` opens an earlier one."""
    project = queries.get_for(request, Project, pk, write=True)
    quarters = services.project_quarters(project)
    starts = [q.start for q in quarters]
    wanted = request.POST.get("quarter") or request.GET.get("quarter") or ""
    try:
        chosen = datetime.date.fromisoformat(wanted)
    except ValueError:
        chosen = financial_quarter_of(periods.today()).start
    if chosen not in starts:  # the current quarter, or the nearest the project runs in
        chosen = starts[0] if chosen < starts[0] else min(chosen, starts[-1])
        chosen = financial_quarter_of(chosen).start
    initial: dict[str, Any] = {"quarter": chosen.isoformat()}
    if chosen in starts:
        for figure in OutputFigure.objects.filter(output__project=project, quarter_start=chosen):
            initial[f"planned_{figure.output_id}"] = figure.planned
            initial[f"delivered_{figure.output_id}"] = figure.delivered
        note = ProgressNote.objects.filter(project=project, quarter_start=chosen).first()
        if note is not None:
            initial.update(spend=note.spend, progress=note.progress, issues=note.issues)
    form = QuarterlyReturnForm(
        request.POST or None, project=project, quarters=quarters, initial=initial
    )
    return form_page(
        request,
        form,
        save=lambda: services.record_quarterly_return(
            project,
            quarter_start=form.cleaned_data["quarter"],
            figures=form.figures(),
            spend=form.cleaned_data["spend"],
            progress=form.cleaned_data["progress"],
            issues=form.cleaned_data["issues"],
            acting_user=request.user,
        ),
        success="Quarterly return saved",
        done=PROJECT.detail_url(project),
        template="engagement/quarterly_return.html",
        status=200,
        context={
            "project": project,
            "quarters": quarters,
            "chosen": chosen,
            "chosen_label": financial_quarter_of(chosen).label,
            "back_url": PROJECT.detail_url(project),
        },
    )
