"""No lost updates on the committee report's narrative and a grant return's text
(core.versions, ADR 0015), played by two users."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, sign_in
from dueregard.accounts.models import Role
from dueregard.core.tests.edits import assert_second_save_refused_then_kept, form_data
from dueregard.reports.models import CommitteeReport, GrantReturn

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "make", "field"),
    [
        ("reports:committee_edit", f.committee_report, "summary"),
        ("reports:grant_return_edit", f.grant_return, "achievements"),
    ],
)
def test_a_stale_save_is_refused_with_who_and_when_then_a_deliberate_one_is_kept(
    world, url_name, make, field
) -> None:
    lead = world["coordinator"]
    second = make_user("second_lead", Role.PREVENT_LEAD, authority=world.authority)
    record = make(world)
    model = type(record)
    assert model in (CommitteeReport, GrantReturn)
    url = reverse(url_name, args=[record.pk])
    form = sign_in(Client(), lead).get(url).context["form"]
    assert_second_save_refused_then_kept(
        lead,
        second,
        url,
        first=form_data(form, **{field: "As the first officer wrote it."}),
        second=form_data(form, **{field: "As the second officer typed it."}),
        stored=lambda: getattr(model.objects.get(pk=record.pk), field),
        first_value="As the first officer wrote it.",
        second_value="As the second officer typed it.",
        typed="As the second officer typed it.",
        record=lambda: model.objects.get(pk=record.pk),
    )
