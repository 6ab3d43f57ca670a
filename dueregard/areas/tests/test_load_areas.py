"""`manage.py load_areas authorities|wards|population FILE.csv`: idempotent, whole-file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dueregard.areas.models import Authority, Population, Ward

pytestmark = pytest.mark.django_db

AUTHORITIES = (
    "ons_code,name,region\nE09999901,Kingsmere (demo),London\nW06999902,Glanmor (demo),wales\n"
)
WARDS = "name,ons_code,authority\nAbbey Fields,E05999901,E09999901\nAshdown,E05999902,Kingsmere (demo)\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_loads_authorities_wards_and_population_idempotently(tmp_path, capsys) -> None:
    call_command("load_areas", "authorities", write(tmp_path, "a.csv", AUTHORITIES))
    call_command("load_areas", "wards", write(tmp_path, "w.csv", WARDS))
    population = (
        "area,characteristic,group,count\n"
        "E09999901,total,All residents,352400\n"
        "E05999901,total,All residents,16000\n"
        "E09999901,Age band,11-15,21800\n"
        "E09999901,religion,Muslim,42000\n"
    )
    path = write(tmp_path, "p.csv", population)
    call_command("load_areas", "population", path)
    assert "4 created, 0 updated" in capsys.readouterr().out
    call_command("load_areas", "population", path)
    assert "0 created, 4 updated" in capsys.readouterr().out

    kingsmere = Authority.objects.get(ons_code="E09999901")
    assert kingsmere.region == "London"
    assert Authority.objects.get(ons_code="W06999902").region == "Wales"
    assert list(kingsmere.wards.values_list("name", flat=True)) == ["Abbey Fields", "Ashdown"]
    assert Population.objects.count() == 4
    assert Population.objects.get(ward__ons_code="E05999901").count == 16000
    assert Population.objects.get(characteristic="age_band", group="11-15").count == 21800


def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(tmp_path) -> None:
    text = (
        "ons_code,name,region\n"
        "E09999901,Kingsmere (demo),London\n"
        "E0999,Short code,London\n"
        "E09999903,Nowhere,Atlantis\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("load_areas", "authorities", write(tmp_path, "a.csv", text))
    message = str(error.value)
    assert "row 3, column 'ons_code': 'E0999' is not an ONS code" in message
    assert "row 4, column 'region': 'Atlantis' is not one of" in message
    assert "nothing was imported" in message
    assert not Authority.objects.exists()


def test_unknown_and_missing_columns_are_named(tmp_path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("load_areas", "wards", write(tmp_path, "w.csv", "ons_code,name,colour\n"))
    message = str(error.value)
    assert "row 1, column 'colour': unknown column" in message
    assert "row 1, column 'authority': required column is missing" in message


def test_wards_must_belong_to_a_loaded_authority(tmp_path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("load_areas", "wards", write(tmp_path, "w.csv", WARDS))
    assert "row 2, column 'authority': 'E09999901' is not one of" in str(error.value)
    assert not Ward.objects.exists()


def test_population_counts_must_be_whole_numbers_for_known_areas(tmp_path) -> None:
    call_command("load_areas", "authorities", write(tmp_path, "a.csv", AUTHORITIES))
    text = "area,characteristic,group,count\nE09999901,sex,Male,-4\nE05000000,sex,Female,12\n"
    with pytest.raises(CommandError) as error:
        call_command("load_areas", "population", write(tmp_path, "p.csv", text))
    message = str(error.value)
    assert "row 2, column 'count': -4 is outside 0" in message
    assert "row 3, column 'area': 'E05000000' is not a loaded authority or ward" in message
    assert not Population.objects.exists()


def test_the_england_and_wales_list_loads_every_authority_with_its_region() -> None:
    from collections import Counter

    from django.conf import settings

    path = settings.BASE_DIR / "dueregard" / "areas" / "data" / "england_wales_authorities.csv"
    call_command("load_areas", "authorities", str(path))
    assert Authority.objects.count() == 331
    assert Authority.objects.get(ons_code="E09000003").name == "Barnet"
    by_region = Counter(Authority.objects.values_list("region", flat=True))
    assert by_region["London"] == 33 and by_region["Wales"] == 22
    assert sum(by_region.values()) - by_region["Wales"] == 309
