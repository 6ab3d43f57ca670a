"""Reserving ids for multi-row writes: never an id another insert could be given, nor
one a deleted record had."""

from __future__ import annotations

import pytest

from dueregard.areas.models import Authority, Region
from dueregard.core.bulk import RowWriter, reserve_ids

pytestmark = pytest.mark.django_db


def make_authority(code: str) -> Authority:
    return Authority.objects.create(ons_code=code, name=f"Borough {code}", region=Region.LONDON)


def test_reserved_ids_are_new_and_never_given_to_a_later_insert() -> None:
    before = make_authority("E09999001")
    reserved = reserve_ids(Authority, 3)
    assert len(set(reserved)) == 3 and min(reserved) > before.pk
    after = make_authority("E09999002")
    assert after.pk not in reserved and after.pk > max(reserved)


def test_an_id_of_a_deleted_record_is_not_reserved_again() -> None:
    gone = make_authority("E09999003")
    Authority.objects.filter(pk=gone.pk).delete()
    assert min(reserve_ids(Authority, 2)) > gone.pk
    assert reserve_ids(Authority, 0) == []


def test_rows_written_with_reserved_ids_read_back_with_defaults_filled() -> None:
    writer = RowWriter()
    table = writer.table(Authority, ["ons_code", "name", "region"])
    ids = reserve_ids(Authority, 2)
    for pk, code in zip(ids, ["E09999004", "E09999005"], strict=True):
        table.add_row(pk, code, f"Borough {code}", Region.LONDON.value)
    writer.flush()
    written = Authority.objects.filter(pk__in=ids).order_by("pk")
    assert [(a.pk, a.ons_code) for a in written] == list(
        zip(ids, ["E09999004", "E09999005"], strict=True)
    )
    assert make_authority("E09999006").pk > max(ids)
