"""The chart cache: a chart is drawn once per set of figures and words, and the cache is
bounded (dueregard.core.charts.ChartCache)."""

from __future__ import annotations

import math

import pytest

from dueregard.core import charts
from dueregard.core.charts import ChartCache, Plot, Series


def _plot(values: list[float], *, hidden: tuple[int, ...] = (), kind: str = "bar") -> Plot:
    return Plot(
        kind=kind,  # type: ignore[arg-type]
        labels=["2023-24", "2024-25", "2025-26"],
        series=[Series("Referrals", values, hidden=hidden, data={"series": "referrals"})],
        y_label="Referrals",
    )


def _svg(plot: Plot, title: str = "Referrals by year") -> str:
    return charts.svg(plot, title=title, description="Referrals each year.", prefix="chart-1")


@pytest.fixture(autouse=True)
def _empty_cache():
    charts.cache.clear()
    yield
    charts.cache.clear()


def test_the_same_figures_give_the_same_svg_without_drawing_again(monkeypatch) -> None:
    first = _svg(_plot([12, 15, 9]))
    assert first.startswith("<svg ") and "Referrals by year" in first
    drawn: list[Plot] = []
    real_draw = charts.draw

    def counting_draw(plot: Plot):  # the real drawing, counted
        drawn.append(plot)
        return real_draw(plot)

    monkeypatch.setattr(charts, "draw", counting_draw)

    again = _svg(_plot([12, 15, 9]))  # a new Plot object with the same figures

    assert again is first
    assert drawn == []
    assert charts.cache.hits == 1


def test_different_figures_or_words_draw_a_new_chart() -> None:
    first = _svg(_plot([12, 15, 9]))
    changed_value = _svg(_plot([12, 15, 10]))
    hidden = _svg(_plot([12, 15, math.nan], hidden=(2,)))
    other_kind = _svg(_plot([12, 15, 9], kind="line"))
    other_title = _svg(_plot([12, 15, 9]), title="Referrals received")

    rendered = [first, changed_value, hidden, other_kind, other_title]
    assert len({id(svg) for svg in rendered}) == 5
    assert len(set(rendered)) == 5
    assert "hidden" in hidden and "hidden" not in first
    assert "Referrals received" in other_title
    assert len(charts.cache) == 5


def test_svg_and_png_of_the_same_plot_are_kept_apart() -> None:
    plot = _plot([3, 4, 5])
    picture = charts.png(plot)
    assert picture.startswith(b"\x89PNG")
    assert charts.png(_plot([3, 4, 5])) is picture
    assert isinstance(_svg(plot), str)
    assert charts.png(plot, dpi=72) is not picture


def test_the_cache_is_bounded_by_entries_least_recently_used_first() -> None:
    cache = ChartCache(max_entries=3, max_bytes=1_000)
    for n in range(3):
        cache.put(f"k{n}", f"chart {n}")
    assert cache.get("k0") == "chart 0"  # k0 is now the most recently used
    cache.put("k3", "chart 3")
    assert len(cache) == 3
    assert cache.get("k1") is None
    assert cache.get("k0") == "chart 0" and cache.get("k3") == "chart 3"


def test_the_cache_is_bounded_by_size() -> None:
    cache = ChartCache(max_entries=100, max_bytes=100)
    cache.put("a", "x" * 40)
    cache.put("b", "y" * 40)
    cache.put("c", "z" * 40)
    assert cache.size_bytes <= 100
    assert cache.get("a") is None and cache.get("c") == "z" * 40
    too_big = "w" * 101
    assert cache.put("d", too_big) is too_big
    assert cache.get("d") is None
    assert cache.size_bytes <= 100


def test_the_process_cache_stays_within_its_bound() -> None:
    for n in range(charts.cache.max_entries + 5):
        charts.png(_plot([n, n + 1, n + 2]), dpi=20)
    assert len(charts.cache) == charts.cache.max_entries
    assert charts.cache.size_bytes <= charts.cache.max_bytes
