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
from django.core import validators
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name

_INPUT_CLASSES: dict[str, str] = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
_GROUPED = {"radioselect", "checkboxselectmultiple", "govukdate"}


_BLANK_LABELS = {"---------", "None", ""}

# A text box declared without a limit holds this many characters, so a pasted 10,000-word
# note is refused with "… must be 5,000 characters or less", not stored to stretch a page.
# Fields that need more (minutes, discussion notes) declare their own max_length.
TEXT_LIMIT = 5_000
LONG_TEXT_LIMIT = 50_000


def _label(field: forms.Field, name: str) -> str:
    return str(field.label or pretty_name(name)).strip().rstrip("?:").strip() or "This"


def _lower(label: str) -> str:
    """The label inside a sentence: "Date agreed" -> "date agreed", but "UPRN" stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _limit(field: forms.Field, kind: type[validators.BaseValidator], attr: str) -> Any:
    value = getattr(field, attr, None)
    if value is None:
        for validator in field.validators:
            if isinstance(validator, kind):
                value = validator.limit_value
    return value


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _invalid_message(field: forms.Field, label: str) -> str:
    lower = _lower(label)
    if isinstance(field, forms.EmailField):
        return f"Enter {lower} in the correct format, like name@example.com"
    if isinstance(field, forms.URLField):
        return f"Enter {lower} in the correct format, like https://www.example.com"
    if isinstance(field, forms.IntegerField) and not isinstance(
        field, (forms.DecimalField, forms.FloatField)
    ):
        return f"{label} must be a whole number"
    if isinstance(field, (forms.DecimalField, forms.FloatField)):
        return f"{label} must be a number"
    if isinstance(field, forms.DateTimeField):
        return f"{label} must be a real date and time"
    if isinstance(field, forms.DateField):
        return f"{label} must be a real date"
    if isinstance(field, forms.TimeField):
        return f"{label} must be a real time"
    if isinstance(field, forms.FileField):
        return f"{label} must be a file"
    return f"Enter {lower} in the correct format"


def _django_default(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is missing or one of Django's own."""
    current = field.error_messages.get(code)
    if current is None:
        return True
    defaults = {
        str(m)
        for cls in type(field).__mro__
        if (m := vars(cls).get("default_error_messages", {}).get(code)) is not None
    }
    return str(current) in defaults


def govuk_messages(field: forms.Field, name: str) -> None:
    """Give `field` GOV.UK error messages (Design System error message guidance) in place of
    Django's defaults: "Enter the rationale", "Rationale must be 5,000 characters or less",
    "Sessions planned must be 0 or more", "Select the outcome from the list". Messages set
    where the field is declared win. Safe to call more than once."""
    if (
        isinstance(field, forms.CharField)
        and isinstance(field.widget, forms.Textarea)
        and field.max_length is None
    ):
        field.max_length = TEXT_LIMIT
        field.validators.append(validators.MaxLengthValidator(TEXT_LIMIT))
    label = _label(field, name)
    lower = _lower(label)
    choose = isinstance(
        field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField, forms.BooleanField)
    )
    messages: dict[str, str] = {
        "required": f"{'Select' if choose else 'Enter'} {lower}",
    }
    max_length = _limit(field, validators.MaxLengthValidator, "max_length")
    min_length = _limit(field, validators.MinLengthValidator, "min_length")
    max_value = _limit(field, validators.MaxValueValidator, "max_value")
    min_value = _limit(field, validators.MinValueValidator, "min_value")
    if isinstance(field, forms.FileField):
        if max_length is not None:
            messages["max_length"] = (
                f"The file name must be {_number(max_length)} characters or less"
            )
        messages["empty"] = "The selected file is empty"
        messages["missing"] = f"Select {lower}"
        messages["contradiction"] = f"Select {lower} or clear the box, not both"
        messages["invalid_image"] = f"{label} must be an image"
    else:
        if max_length is not None:
            messages["max_length"] = f"{label} must be {_number(max_length)} characters or less"
        if min_length is not None:
            messages["min_length"] = f"{label} must be {_number(min_length)} characters or more"
    # A number field with no limit of its own can still be refused by its model field's
    # database range (PostgreSQL's integer: 2147483647); that message takes the limit
    # from the refusal itself.
    numeric = isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField)
    if max_value is not None:
        messages["max_value"] = f"{label} must be {_number(max_value)} or less"
    elif numeric:
        messages["max_value"] = f"{label} must be %(limit_value)s or less"
    if min_value is not None:
        messages["min_value"] = f"{label} must be {_number(min_value)} or more"
    elif numeric:
        messages["min_value"] = f"{label} must be %(limit_value)s or more"
    messages["step_size"] = f"{label} must be a multiple of %(limit_value)s"
    messages["max_digits"] = f"{label} must be %(max)s digits or fewer"
    messages["max_decimal_places"] = f"{label} must have %(max)s decimal places or fewer"
    messages["max_whole_digits"] = f"{label} must have %(max)s digits or fewer before the point"
    messages["invalid"] = _invalid_message(field, label)
    if choose or isinstance(field, forms.MultipleChoiceField):
        from_list = f"Select {lower} from the list"  # noqa: S608 - words, not SQL
        messages["invalid_choice"] = from_list
        messages["invalid_list"] = from_list
        messages["invalid_pk_value"] = from_list
    ours: frozenset[str] = getattr(field, "_govuk_codes", frozenset())
    for code, message in messages.items():
        if code in ours or _django_default(field, code):
            field.error_messages[code] = message
            ours |= {code}
    field._govuk_codes = ours  # type: ignore[attr-defined]  # a limit changed later is re-read
    _blank_choice(field, lower)


def _blank_choice(field: forms.Field, lower: str) -> None:
    """An empty choice reads "Select …" in a drop-down; radios and checkboxes omit it."""
    widget = field.widget
    grouped = isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None and str(field.empty_label) in _BLANK_LABELS:
            field.empty_label = None if grouped else f"Select {lower}"
        return
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
        if any(value in ("", None) and str(text) in _BLANK_LABELS for value, text in choices):
            field.choices = [
                (
                    value,
                    f"Select {lower}"
                    if value in ("", None) and str(text) in _BLANK_LABELS
                    else text,
                )
                for value, text in choices
                if not (grouped and value in ("", None) and str(text) in _BLANK_LABELS)
            ]


class GovUKBoundField(BoundField):
    """A bound field that knows its GOV.UK ids, classes and layout, and whose field speaks
    GOV.UK words when it fails (see `govuk_messages`): every form that renders through
    `GovUKFormRenderer` gets them, whatever its base class."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        govuk_messages(field, name)
        super().__init__(form, field, name)
        widget = field.widget
        # No maxlength in the page: a browser cuts a longer paste silently. The form says so.
        for attr in ("maxlength", "minlength"):
            widget.attrs.pop(attr, None)
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
    def info_id(self) -> str:
        return f"{self.auto_id}-info"

    @property
    def character_limit(self) -> int | None:
        """A text box's limit, shown with the GOV.UK character count component."""
        if self.widget_type != "textarea":
            return None
        limit = _limit(self.field, validators.MaxLengthValidator, "max_length")
        return limit if isinstance(limit, int) else None

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
        if self.character_limit:
            ids.append(self.info_id)
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
    """A form whose fields, when they fail, say what is wrong in GOV.UK words ("Enter why
    you reached this outcome", "Select the panel's decision", "Rationale must be 5,000
    characters or less") instead of Django's defaults, even before it is rendered. A
    field's own message, set where it is declared or in a subclass's `__init__`, wins. Any
    other form gets the same words from `GovUKBoundField` when it is validated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            govuk_messages(field, name)


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
