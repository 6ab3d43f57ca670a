"""The load benchmark's browser: it posts back what a browser would from the page's form."""

from __future__ import annotations

from benchmarks.load import main_form, percentile

PAGE = """
<form method="post" action="/sign-out/"><input type="hidden" name="csrfmiddlewaretoken"
  value="t"></form>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="t">
  <input name="given_name" value="Ash">
  <input type="checkbox" name="archived" value="on">
  <input type="checkbox" name="vulnerabilities" value="3" checked>
  <input type="radio" name="gender" value="male"><input type="radio" name="gender"
    value="female" checked>
  <select name="ward"><option value="">Select</option><option value="7" selected>North</option>
  </select>
  <select name="sector"><option value="1">Education</option><option value="2">Health</option>
  </select>
  <textarea name="panel_summary">
Two lines,
kept.</textarea>
  <button type="submit">Save</button>
</form>
"""


def test_the_main_form_is_posted_back_as_a_browser_would() -> None:
    assert main_form(PAGE) == [
        ("csrfmiddlewaretoken", "t"),
        ("given_name", "Ash"),
        ("vulnerabilities", "3"),
        ("gender", "female"),
        ("ward", "7"),
        ("sector", "1"),  # nothing selected: the first option, as a browser sends
        ("panel_summary", "Two lines,\nkept."),
    ]


def test_percentiles_are_read_from_the_sorted_times() -> None:
    times = [float(n) for n in range(1, 101)]
    assert percentile(times, 0.5) == 51.0
    assert percentile(times, 0.95) == 96.0
    assert percentile(list(reversed(times)), 0.99) == 100.0
