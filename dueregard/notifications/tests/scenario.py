"""A small world for the notification tests: one record behind each kind of message, with
users who have e-mail addresses. Names are fictional and deliberately distinctive, so a
test can look for them in every message."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dueregard.casework import services
from dueregard.casework.models import PanelAction, PanelMeeting, Referral
from dueregard.casework.tests import factories
from dueregard.core import periods

PERSON_NAMES = ("Zebedee", "Quintrell")  # given and family name, found in no template
REFERRER = "Ottoline Brackenbury"
ACTION_TEXT = "Phone Zebedee's mother about school"


@dataclass
class Records:
    due: Referral  # left Channel; its 6-month review is due in 3 days
    overdue: Referral  # left Channel; its 6-month review was due 5 days ago
    lapsing: Referral  # in support, no delivered contact since it started
    meeting: PanelMeeting  # planned in 3 days, with a case on its agenda
    action: PanelAction  # owned by the panel member, due in 4 days


def with_emails(world: Any) -> None:
    for user in world.users.values():
        user.email = f"{user.username}@testborough.example"
        user.save(update_fields=["email"])


def _person(world: Any) -> Any:
    given, family = PERSON_NAMES
    return factories.make_person(
        world.authority, world["coordinator"], given_name=given, family_name=family
    )


def build(world: Any) -> Records:
    lead = world["coordinator"]
    today = periods.today()
    six_months_ago = periods.add_months(today, -6)
    due = factories.make_referral(
        world.authority, lead, person=_person(world), referrer_name=REFERRER
    )
    factories.leave(due, lead, on=six_months_ago + datetime.timedelta(days=3))
    overdue = factories.make_referral(world.authority, lead, person=_person(world))
    factories.leave(overdue, lead, on=six_months_ago - datetime.timedelta(days=5))
    lapsing = factories.into_support(
        factories.make_referral(world.authority, lead, person=_person(world)), lead
    )
    panel = factories.make_panel(
        world.authority,
        lead,
        members=[(world["panel_member"], "Testborough Mental Health Trust")],
    )
    meeting = factories.make_meeting(panel, lead, on=today + datetime.timedelta(days=3))
    on_agenda = factories.to_panel(
        factories.make_referral(world.authority, lead, person=_person(world)), lead
    )
    services.add_to_agenda(meeting, on_agenda, acting_user=lead)
    action = services.add_panel_action(
        meeting,
        description=ACTION_TEXT,
        owner=factories.member_of(panel, world["panel_member"]),
        due_on=today + datetime.timedelta(days=4),
        acting_user=lead,
    )
    return Records(due, overdue, lapsing, meeting, action)
