"""Two people editing one record: the check every edit form's test makes (core.versions).

`assert_second_save_refused_then_kept` plays it through the pages: both open the form,
the first saves, the second's save is refused naming the first and the time, with the
second's typed values still in the form, their version beside it and the database holding
the first's values; then the second saves again, deliberately, and that is kept.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from conftest import sign_in
from dueregard.core import versions


def date_fields(name: str, day: datetime.date) -> dict[str, Any]:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def assert_second_save_refused_then_kept(
    first_user: Any,
    second_user: Any,
    url: str,
    *,
    first: dict[str, Any],
    second: dict[str, Any],
    stored: Callable[[], Any],
    first_value: Any,
    second_value: Any,
    typed: str,
    record: Callable[[], Any] | None = None,
) -> None:
    """`first`/`second`: each user's POST data; `stored()`: the value the edit changes as
    the database holds it; `typed`: text of the second user's that must stay on the page;
    `record()`: the record whose version guards the form (for the time named)."""
    one, two = sign_in(Client(), first_user), sign_in(Client(), second_user)
    opened_one, opened_two = one.get(url), two.get(url)
    assert opened_one.status_code == opened_two.status_code == 200
    version = opened_two.context["version"]
    assert version == opened_one.context["version"]
    assert f'name="version" value="{version}"' in opened_two.content.decode()

    saved = one.post(url, {**first, "version": opened_one.context["version"]})
    assert saved.status_code == 302, _errors(saved)
    assert stored() == first_value

    before = timezone.now()
    refused = two.post(url, {**second, "version": version})
    assert refused.status_code == 400
    page = html.unescape(refused.content.decode())
    conflict = refused.context["edit_conflict"]
    assert conflict is not None
    assert conflict.changed_by == first_user
    assert before - datetime.timedelta(minutes=1) < conflict.changed_at <= before
    if record is not None:
        assert versions.version_of(record()) == conflict.version
    named = f"{first_user} changed this record at {conflict.changed_at_text}"
    assert named in page  # in the GOV.UK error summary
    assert 'class="govuk-error-summary"' in page
    assert typed in page  # what the second user typed is still in the form
    assert refused.context["their_rows"], "their version is shown beside yours"
    assert "Their version (saved)" in page
    assert stored() == first_value  # nothing of the second user's was written
    assert refused.context["version"] == conflict.version != version

    kept = two.post(url, {**second, "version": refused.context["version"]})
    assert kept.status_code == 302, _errors(kept)
    assert stored() == second_value


def _errors(response: Any) -> str:
    form = response.context and response.context.get("form")
    return str(form.errors) if form is not None else response.content.decode()[:500]


def form_data(form: Any, **changes: Any) -> dict[str, Any]:
    """The POST data that submits `form` (an unbound form, as a page rendered it) as it
    stands, with `changes` applied; file fields are left out."""
    from django import forms

    data: dict[str, Any] = {}
    for bound in form:
        field = bound.field
        if isinstance(field, forms.FileField):
            continue
        value = changes[bound.name] if bound.name in changes else bound.value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            suffixes = widget.widgets_names  # type: ignore[attr-defined]  # set by MultiWidget
            for suffix, part in zip(suffixes, parts or [], strict=True):
                data[bound.html_name + suffix] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[bound.html_name] = getattr(value, "pk", value)
    return data
