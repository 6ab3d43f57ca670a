"""`accounts.access.scoped` and `get_scoped`: a model's records limited to the authorities
where the user may act, by the same rules as `authorities_for`, regional roles included."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from dueregard.accounts.access import get_scoped, scoped
from dueregard.accounts.models import Membership, Role, User
from dueregard.accounts.permissions import Action, Kind
from dueregard.areas.models import Authority, Population, Region, Ward
from dueregard.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _wards(user: User, action: Action, kind: Kind = Kind.STATISTICS) -> set[str]:
    return set(scoped(Ward, user, action, kind=kind).values_list("name", flat=True))


def test_a_user_gets_the_records_of_the_authorities_where_their_role_may_act(world) -> None:
    assert _wards(world["coordinator"], Action.VIEW) == {"Test Ward"}
    assert _wards(world["other_coordinator"], Action.VIEW) == {"Other Ward"}
    assert _wards(world["analyst"], Action.EXPORT) == {"Test Ward"}
    assert _wards(world["analyst"], Action.CHANGE) == set(), "analysts only read"
    assert _wards(world["coordinator"], Action.VIEW, Kind.AUDIT_LOG) == set()
    assert _wards(world["auditor"], Action.VIEW, Kind.AUDIT_LOG) == {"Test Ward"}


def test_regional_and_national_roles_reach_every_authority_of_their_area(world) -> None:
    third = Authority.objects.create(ons_code="E09999803", name="Third", region=Region.LONDON)
    Ward.objects.create(authority=third, ons_code="E05999803", name="Third Ward")
    assert _wards(world["regional_viewer"], Action.VIEW) == {"Test Ward", "Third Ward"}
    Membership.objects.create(user=world["analyst"], role=Role.REGIONAL_VIEWER)  # national
    analyst = User.objects.get(pk=world["analyst"].pk)  # memberships are cached per object
    assert _wards(analyst, Action.VIEW) == {"Test Ward", "Third Ward", "Other Ward"}


def test_a_queryset_keeps_its_filters_and_via_follows_the_path_to_the_authority(world) -> None:
    named = Ward.objects.filter(name__startswith="Test")
    assert list(scoped(named, world["coordinator"], Action.VIEW, kind=Kind.STATISTICS)) == [
        world.ward
    ]
    assert list(scoped(named, world["other_coordinator"], Action.VIEW, kind=Kind.STATISTICS)) == []
    # Rows whose own authority column says Otherton, held through Testborough's ward: `via`
    # scopes on the ward's authority, the default on the row's own.
    for ward in Ward.objects.all():
        Population.objects.create(
            authority=world.other_authority, ward=ward, characteristic="sex", group="F", count=5
        )
    lead, added = world["coordinator"], Population.objects.filter(group="F")
    through_ward = scoped(added, lead, Action.VIEW, kind=Kind.STATISTICS, via="ward__authority")
    assert [p.ward for p in through_ward] == [world.ward]
    assert not scoped(added, lead, Action.VIEW, kind=Kind.STATISTICS).exists()


def test_get_scoped_hides_another_authoritys_record_and_refuses_a_read_only_write(world) -> None:
    other = Ward.objects.get(name="Other Ward")
    own = Ward.objects.get(name="Test Ward")
    request = RequestFactory().get("/")
    request.user = world["analyst"]
    assert get_scoped(request, Ward, own.pk, kind=Kind.STATISTICS) == own
    with pytest.raises(Http404):
        get_scoped(request, Ward, other.pk, kind=Kind.STATISTICS)
    with pytest.raises(PermissionDenied):
        get_scoped(request, Ward, own.pk, kind=Kind.STATISTICS, write=True)
    refusals = AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, actor=world["analyst"]
    )
    assert refusals.count() == 2
