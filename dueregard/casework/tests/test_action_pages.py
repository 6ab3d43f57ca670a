"""The panel actions list pages by key: open actions first, soonest due first, then done
ones, then those no longer needed; every action is reachable, once, and a panel member's
pages hold only their own actions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import follow_pages, pagination_link
from dueregard.casework import services
from dueregard.casework.models import ActionStatus, PanelAction
from dueregard.casework.tests.factories import days_ago, make_meeting, make_panel
from dueregard.core.pagination import PAGE_SIZE

pytestmark = pytest.mark.django_db

RANK: dict[str, int] = {ActionStatus.OPEN: 0, ActionStatus.DONE: 1, ActionStatus.DROPPED: 2}


def _actions(world: Any, n: int, *, mine: bool = False) -> None:
    """`n` actions, several due each day and a third of them finished one way or another;
    owned by the panel member if `mine`, else by a member without an account."""
    lead = world["coordinator"]
    panel = make_panel(world.authority, lead, name=f"Panel {PanelAction.objects.count()}")
    meeting = make_meeting(panel, lead, on=days_ago(100))
    owner = services.add_panel_member(
        panel,
        name="Pat Member" if mine else "Sam Partner",
        agency="Trust",
        user=world["panel_member"] if mine else None,
        acting_user=lead,
    )
    for i in range(n):
        action = services.add_panel_action(
            meeting,
            description=f"Action {i}",
            owner=owner,
            due_on=days_ago(90) + datetime.timedelta(days=i // 4),
            acting_user=lead,
        )
        if i % 3 == 1:
            services.update_panel_action(
                action, status=ActionStatus.DONE, progress="Done.", acting_user=lead
            )
        elif i % 3 == 2:
            services.update_panel_action(
                action, status=ActionStatus.DROPPED, progress="Not needed.", acting_user=lead
            )


def _in_list_order(**filters: Any) -> list[int]:
    actions = PanelAction.objects.filter(**filters)
    return [a.pk for a in sorted(actions, key=lambda a: (RANK[a.status], a.due_on, a.pk))]


def _pages(client: Any, url: str, rel: str) -> list[list[int]]:
    return follow_pages(client, url, rel, "actions")


def test_following_next_reaches_every_action_once_open_first(world, as_user) -> None:
    _actions(world, 2 * PAGE_SIZE + 10)
    client = as_user(world["coordinator"])

    pages = _pages(client, reverse("casework:actions"), "next")

    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 10]
    listed = [pk for page in pages for pk in page]
    assert listed == _in_list_order(authority=world.authority)
    status = dict(PanelAction.objects.values_list("pk", "status"))
    assert [status[pk] for pk in listed] == (
        [ActionStatus.OPEN] * 37 + [ActionStatus.DONE] * 37 + [ActionStatus.DROPPED] * 36
    )
    first = client.get(reverse("casework:actions")).content.decode()
    assert 'rel="prev"' not in first


def test_following_previous_walks_back_to_the_first_page(world, as_user) -> None:
    _actions(world, 2 * PAGE_SIZE + 10)
    client = as_user(world["coordinator"])
    forward = _pages(client, reverse("casework:actions"), "next")
    last = client.get(reverse("casework:actions"))
    while pagination_link(last, "next"):
        last = client.get(f"{reverse('casework:actions')}{pagination_link(last, 'next')}")

    backward = _pages(
        client, f"{reverse('casework:actions')}{pagination_link(last, 'prev')}", "prev"
    )

    assert backward == forward[-2::-1]


def test_a_panel_members_pages_hold_only_their_own_actions(world, as_user) -> None:
    _actions(world, PAGE_SIZE + 5, mine=True)
    _actions(world, 20)  # another member's, due on the same days
    client = as_user(world["panel_member"])

    pages = _pages(client, reverse("casework:actions"), "next")

    assert [len(p) for p in pages] == [PAGE_SIZE, 5]
    mine = _in_list_order(authority=world.authority, owner__user=world["panel_member"])
    assert [pk for page in pages for pk in page] == mine


def test_other_query_parameters_are_kept_in_the_links(world, as_user) -> None:
    _actions(world, PAGE_SIZE + 1)
    response = as_user(world["coordinator"]).get(f"{reverse('casework:actions')}?from=home")

    assert pagination_link(response, "next").startswith("?from=home&after=")


@pytest.mark.parametrize(
    "query",
    [
        "after=junk",
        "after=0%2C2025-02-30%2C1",  # no such date
        "after=zero%2C2025-01-01%2C1",  # the status rank is not a number
        "after=0%2C2025-01-01",  # a part missing
        "before=%2C%2C",
        "after=" + "0%2C" * 300 + "1",
    ],
)
def test_a_tampered_cursor_gives_the_first_page(world, as_user, query: str) -> None:
    _actions(world, PAGE_SIZE + 5)
    client = as_user(world["coordinator"])

    response = client.get(f"{reverse('casework:actions')}?{query}")

    assert response.status_code == 200
    assert [a.pk for a in response.context["actions"]] == _in_list_order()[:PAGE_SIZE]
