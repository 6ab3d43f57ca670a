"""The sessions list pages by key, newest first: every session is reachable, once, and
the audience filter holds across pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from conftest import World, follow_pages, pagination_link
from dueregard.core.pagination import PAGE_SIZE
from dueregard.training import services
from dueregard.training.models import Audience, Session
from dueregard.training.tests import factories

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2024, 4, 1)
PER_DAY = 7  # several sessions a day, so a page ends part-way through a day


def _sessions(world: World, n: int, audience: str) -> None:
    course, organisation = (
        factories.course(world.authority),
        factories.organisation(world.authority),
    )
    for i in range(n):
        services.record_session(
            world.authority,
            held_on=FIRST_DAY + datetime.timedelta(days=i // PER_DAY),
            course=course,
            audiences=[(organisation, 12)],
            audience=audience,
            venue="Civic Centre",
            acting_user=None,
        )


def _newest_first(**filters: Any) -> list[int]:
    return list(
        Session.objects.filter(**filters).order_by("-held_on", "-id").values_list("pk", flat=True)
    )


def _pages(client: Any, url: str, rel: str) -> list[list[int]]:
    return follow_pages(client, url, rel, "sessions")


def test_following_older_reaches_every_session_once_in_order(world: World, as_user) -> None:
    _sessions(world, 2 * PAGE_SIZE + 10, Audience.PROFESSIONALS)
    client = as_user(world["education_officer"])

    pages = _pages(client, reverse("training:sessions"), "next")

    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 10]
    assert [pk for page in pages for pk in page] == _newest_first(authority=world.authority)
    first = client.get(reverse("training:sessions")).content.decode()
    assert f"{2 * PAGE_SIZE + 10} sessions, newest first" in first
    assert 'rel="prev"' not in first  # the first page has no newer one


def test_following_newer_walks_back_to_the_first_page(world: World, as_user) -> None:
    _sessions(world, 2 * PAGE_SIZE + 10, Audience.PROFESSIONALS)
    client = as_user(world["education_officer"])
    forward = _pages(client, reverse("training:sessions"), "next")
    last = client.get(reverse("training:sessions"))
    while pagination_link(last, "next"):
        last = client.get(f"{reverse('training:sessions')}{pagination_link(last, 'next')}")

    backward = _pages(
        client, f"{reverse('training:sessions')}{pagination_link(last, 'prev')}", "prev"
    )

    assert backward == forward[-2::-1]


def test_the_audience_filter_and_total_hold_across_pages(world: World, as_user) -> None:
    _sessions(world, PAGE_SIZE + 5, Audience.PUPILS)
    _sessions(world, 30, Audience.PARENTS)  # interleaved by date with the pupils' sessions
    client = as_user(world["education_officer"])
    url = f"{reverse('training:sessions')}?audience={Audience.PUPILS}"

    first = client.get(url)
    older = pagination_link(first, "next")
    assert older is not None and f"audience={Audience.PUPILS}" in older
    second = client.get(f"{reverse('training:sessions')}{older}")

    assert f"{PAGE_SIZE + 5} sessions, newest first" in second.content.decode()
    assert "selected>Pupils and students<" in second.content.decode()
    seen = [s.pk for s in first.context["sessions"]] + [s.pk for s in second.context["sessions"]]
    assert seen == _newest_first(authority=world.authority, audience=Audience.PUPILS)
    assert pagination_link(second, "next") is None


@pytest.mark.parametrize(
    "query",
    [
        "before=not-a-cursor",
        "before=2024-13-45%2C1",  # no such date
        "before=2024-04-03%2Cabc",  # the id is not a number
        "before=2024-04-03",  # a part missing
        "before=2024-04-03%2C1%2C2",  # a part too many
        "before=" + "9" * 500,
        "after=%2C",
    ],
)
def test_a_tampered_cursor_gives_the_first_page(world: World, as_user, query: str) -> None:
    _sessions(world, PAGE_SIZE + 5, Audience.PROFESSIONALS)
    client = as_user(world["education_officer"])

    response = client.get(f"{reverse('training:sessions')}?{query}")

    assert response.status_code == 200
    assert [s.pk for s in response.context["sessions"]] == _newest_first()[:PAGE_SIZE]


def test_a_cursor_cannot_reach_another_authoritys_sessions(world: World, as_user) -> None:
    theirs = factories.session(world.other_authority, held_on=FIRST_DAY)
    _sessions(world, 3, Audience.PROFESSIONALS)
    client = as_user(world["education_officer"])

    response = client.get(
        f"{reverse('training:sessions')}?before={FIRST_DAY + datetime.timedelta(days=1)}%2C{10**9}"
    )

    listed = [s.pk for s in response.context["sessions"]]
    assert listed == _newest_first(authority=world.authority) and theirs.pk not in listed
