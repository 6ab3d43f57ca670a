"""GOV.UK Design System rendering for Django forms, in one place.

Every form in the project renders through `GovUKFormRenderer` (settings.FORM_RENDERER):
a bound field produces its label or legend, hint, error message and the GOV.UK classes
on its widget, and `govuk/error_summary.html` lists the form's errors with links to the
fields. Forms stay plain Django forms; nothing else needs to know about GOV.UK markup.
See docs/adr/0002-govuk-form-rendering.md.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_INPUT_CLASSES: dict[str, str] = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
_GROUPED = {"radioselect", "checkboxselectmultiple", "govukdate"}


class GovUKBoundField(BoundField):
    """A bound field that knows its GOV.UK ids, classes and layout."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        widget = field.widget
        # CheckboxSelectMultiple is a subclass of RadioSelect in Django: test it first.
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.template_name = "govuk/widgets/checkboxes.html"
        elif isinstance(widget, forms.RadioSelect):
            widget.template_name = "govuk/widgets/radios.html"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def is_grouped(self) -> bool:
        """Radios, checkboxes and dates are a fieldset with a legend, not a label."""
        return self.widget_type in _GROUPED

    @property
    def error_target_id(self) -> str:
        """The id the error summary links to: the first input of a group."""
        if self.widget_type in {"radioselect", "checkboxselectmultiple"}:
            return f"{self.auto_id}_0"
        if self.widget_type == "govukdate":
            return f"{self.auto_id}_day"
        return self.auto_id

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = self.widget_type
        if kind in {"radioselect", "checkboxselectmultiple", "checkbox", "govukdate"}:
            if self.errors:
                attrs["dr_error"] = True  # read by govuk/widgets/date.html
            return attrs
        css = _INPUT_CLASSES.get(kind, "govuk-input")
        if self.errors:
            css += f" {css}--error"
        extra = widget.attrs.get("class", "")
        attrs["class"] = f"{css} {extra}".strip()
        if self.describedby and not self.is_grouped:
            attrs["aria-describedby"] = self.describedby
        return attrs


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
    bound_field_class = GovUKBoundField


class GovUKForm(forms.Form):
    """A form whose required fields, when left empty, say what is missing in GOV.UK words
    ("Enter why you reached this outcome", "Select the panel's decision") instead of
    Django's "This field is required.". A field's own message, set where it is declared or
    in a subclass's `__init__`, wins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") != default:
                continue
            label = str(field.label or "a value").rstrip("?")
            choose = isinstance(field, forms.ChoiceField)  # model choices and radios too
            field.error_messages["required"] = (
                f"{'Select' if choose else 'Enter'} {label[:1].lower()}{label[1:]}"
            )


class GovUKDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/widgets/date.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            for part in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovUKDateField(forms.MultiValueField):
    """A date entered as day, month and year, with GOV.UK error messages."""

    widget = GovUKDateInput

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2100),
        )
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        label = (self.label or "Date").rstrip("?")
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {label.lower()}", code="required")
            return None
        missing = [name for name, part in zip(GovUKDateInput.parts, parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1900 or year > 2100:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None

    def compress(self, data_list: list[Any]) -> datetime.date | None:  # pragma: no cover
        return None  # clean() above builds the date itself


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, which the form declares as a choice field; raises TypeError
    if it is not, so a form that sets choices in `__init__` is type-checked."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ChoiceField")
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, which the form declares as a model choice field (single or
    multiple); raises TypeError if it is not, so a form that sets its queryset in
    `__init__` is type-checked."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ModelChoiceField")
    return field
