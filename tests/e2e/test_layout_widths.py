"""Long words and text wrap: the referral page with the longest text the forms accept, in
unbroken words, is no wider than the viewport on a 375 px phone or a 1280 px screen."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from dueregard.casework.tests.factories import make_referral
from dueregard.core.forms import TEXT_LIMIT
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_lists(transactional_db: None) -> None:
    from django.apps import apps

    importlib.import_module("dueregard.casework.migrations.0002_reference_lists").load(apps, None)


@pytest.mark.parametrize("width", [375, 1280])
def test_the_referral_page_fits_the_viewport(
    page: Page, live_server, live_world, width: int
) -> None:
    lead = live_world["coordinator"]
    referral = make_referral(
        live_world.authority,
        lead,
        referrer_name="R" * 150,
        concern_description="W" * TEXT_LIMIT,  # one unbroken word, as long as allowed
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, lead.username)
    page.goto(live_server.url + reverse("casework:referral", args=[referral.pk]))
    page.wait_for_load_state("load")
    assert page.get_by_text("W" * 50, exact=False).count()
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"the referral page is {scroll} px wide at {width} px"
