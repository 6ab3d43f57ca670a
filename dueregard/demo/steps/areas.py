"""The demo borough's areas, loaded through the same loaders as `manage.py load_areas`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dueregard.areas.models import Authority, Ward
from dueregard.areas.services import load_authorities, load_population, load_wards
from dueregard.demo.context import DemoContext

ORDER = 10
DATA = Path(__file__).resolve().parent.parent / "data"

# Shares used to spread each ward's residents over the equality groups (fictional,
# roughly like an outer-London borough).
AGE_BANDS = {
    "10 or under": 0.135,
    "11-15": 0.062,
    "16-17": 0.024,
    "18-20": 0.036,
    "21-30": 0.14,
    "31-40": 0.16,
    "41-50": 0.14,
    "51-60": 0.125,
    "61 and over": 0.178,
}
SEX = {"Female": 0.515, "Male": 0.485}
ETHNIC_GROUP = {
    "Asian, Asian British or Asian Welsh": 0.19,
    "Black, Black British, Black Welsh, Caribbean or African": 0.08,
    "Mixed or Multiple ethnic groups": 0.055,
    "White": 0.58,
    "Other ethnic group": 0.095,
}
RELIGION = {
    "Christian": 0.36,
    "Muslim": 0.12,
    "Jewish": 0.1,
    "Hindu": 0.07,
    "Buddhist": 0.01,
    "Sikh": 0.005,
    "Other religion": 0.02,
    "No religion": 0.255,
    "Not answered": 0.06,
}


def _spread(total: int, shares: dict[str, float]) -> dict[str, int]:
    counts = {group: int(total * share) for group, share in shares.items()}
    first = next(iter(counts))
    counts[first] += total - sum(counts.values())  # groups add up to the total exactly
    return counts


def _population_csv(ctx: DemoContext, wards: list[Ward], borough_total: int) -> bytes:
    weights = [ctx.rng.uniform(0.8, 1.2) for _ in wards]
    scale = borough_total / sum(weights)
    ward_totals = [int(w * scale) for w in weights]
    ward_totals[0] += borough_total - sum(ward_totals)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["area", "characteristic", "group", "count"])
    for ward, total in zip(wards, ward_totals, strict=True):
        writer.writerow([ward.ons_code, "total", "All residents", total])
    code = wards[0].authority.ons_code
    writer.writerow([code, "total", "All residents", borough_total])
    for characteristic, shares in [
        ("age_band", AGE_BANDS),
        ("sex", SEX),
        ("ethnic_group", ETHNIC_GROUP),
        ("religion", RELIGION),
    ]:
        for group, count in _spread(borough_total, shares).items():
            writer.writerow([code, characteristic, group, count])
    return out.getvalue().encode()


def run(ctx: DemoContext) -> None:
    load_authorities(DATA / "authorities.csv")
    load_wards(DATA / "wards.csv")
    ctx.authority = Authority.objects.get(ons_code="E09999901")
    ctx.other_authority = Authority.objects.get(ons_code="E07999902")
    for authority, total in [(ctx.authority, 352_400), (ctx.other_authority, 128_600)]:
        wards = list(authority.wards.order_by("ons_code"))
        load_population(io.BytesIO(_population_csv(ctx, wards, total)), filename="population.csv")
    ctx.say(
        f"Areas: {ctx.authority} with {ctx.authority.wards.count()} wards; {ctx.other_authority}."
    )
