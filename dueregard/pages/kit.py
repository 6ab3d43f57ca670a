"""The page kit: the pages every domain app builds from a form, a scoped query and a service.

A view here does four things and no more: parse with a form, fetch through the app's
scoped query, call one service, then redirect (POST-redirect-GET) or render
([ADR 0018](../../docs/adr/0018-page-kit.md)). The kit gives each its one place:

- `form_page()`   a form page: form -> service -> redirect; a service's `ValidationError`
                  onto the form (`add_service_errors`); with `edit=` (core.versions) the
                  save happens only if the record is still at the version the form opened
                  with, and a stale save shows who changed it beside the user's values
- `posted()`      the submitted data on a POST (an empty POST is still checked), else None
- `detail_page()` a page of one personal record with its VIEW audit event (`viewed()`)
- `export_response()` one list export: CSV or XLSX, every cell through `core.csvsafe`
- `RecordType`    a council record's whole set of pages, declared once:

- list      GET  <slug>/                 LIST   filters: ?q=, ?year=<FY start>, ?archived=1
- export    GET  <slug>/export/?format=  EXPORT CSV or XLSX of the list as filtered; audited
- create    GET/POST <slug>/new/          CHANGE (children: <parent>/<pk>/<slug>/new/)
- detail    GET  <slug>/<pk>/            VIEW   with the record's change history
- edit      GET/POST <slug>/<pk>/edit/    CHANGE
- archive   GET/POST <slug>/<pk>/archive/ CHANGE archived with a reason, never deleted

Access comes only from `accounts.permissions` through the app's scope functions. Pages of
record types that name people (`personal_data=True`) carry the OFFICIAL-SENSITIVE marking
and their detail page writes a VIEW audit event; a page of a personal record that is not a
`RecordType` writes its own VIEW event, in the view, as before (the kit never moves it).

The kit knows no domain: it reads the access rules and writes audit events, which is why
it is the one module of `core` that imports `accounts`, `areas` and `audit`
(docs/adr/0018-page-kit.md).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from dueregard.accounts.access import SignedInRequest, get_for_user, requires
from dueregard.accounts.models import User
from dueregard.accounts.permissions import Action, Kind, authorities_for, can
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.audit.services import record
from dueregard.core import periods, versions
from dueregard.core.csvsafe import safe_row
from dueregard.core.forms import GovUKDateField
from dueregard.core.periods import financial_year, financial_year_start

Scope = Callable[[type[models.Model], Any, Action], QuerySet[Any]]


# ---------------------------------------------------------------------------------------
# Forms


def govuk_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Model fields as GOV.UK form fields: dates as day/month/year boxes."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return GovUKDateField(
            label=str(db_field.verbose_name).capitalize(),
            required=not db_field.blank,
            help_text=db_field.help_text or "For example, 27 3 2025",
        )
    return db_field.formfield(**kwargs)


class RecordForm(forms.ModelForm):
    """A model form that knows the authority (and parent record) it is filled in for.

    It only parses and validates; the app's service saves. Subclasses narrow choice
    fields to the authority's own records in `limit_choices()`.
    """

    def __init__(
        self, *args: Any, authority: Authority, parent: models.Model | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.parent = parent
        # An empty choice reads "Select …" (dueregard.core.forms.govuk_messages).
        self.limit_choices()

    def limit_choices(self) -> None:
        """Narrow foreign-key choices to the authority's records (override per form)."""

    def _post_clean(self) -> None:
        # As ModelForm's, but field validation only: uniqueness and constraints are the
        # service's to check, with messages that name the answer to change, before it
        # validates the whole record and saves.
        opts = self._meta
        exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
        try:
            self.instance = forms.models.construct_instance(
                self, self.instance, opts.fields, opts.exclude
            )
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]
        try:
            self.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of the model's own fields, for the service."""
        fields = list(self._meta.fields or [])
        return {k: v for k, v in self.cleaned_data.items() if k in fields}


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes. Django's CheckboxSelectMultiple is a kind of RadioSelect, and the
    project's form renderer (core.forms.GovUKBoundField) tests for RadioSelect first, so it
    would draw radios; this widget keeps its checkbox template. Same class name, so the
    renderer still treats it as a group of checkboxes in a fieldset."""

    @property  # type: ignore[override]
    def template_name(self) -> str:
        return "govuk/widgets/checkboxes.html"

    @template_name.setter
    def template_name(self, value: str) -> None:
        pass  # the renderer's choice of the radios template is ignored


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why are you archiving this record?",
        help_text="The record is kept and can still be found with 'Show archived records'.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


# ---------------------------------------------------------------------------------------
# Generic write helpers (called inside the apps' atomic services)


def apply_changes(obj: models.Model, data: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Set `data` on `obj`; return the names of changed fields and the many-to-many values
    (set after saving by `save_many_to_many`)."""
    changed: list[str] = []
    many: dict[str, Any] = {}
    for name, value in data.items():
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            many[name] = list(value or [])
            continue
        if isinstance(value, str):
            value = value.strip()
        attname = getattr(model_field, "attname", name)
        current = getattr(obj, attname if model_field.is_relation else name)
        new = value.pk if model_field.is_relation and value is not None else value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed, many


def save_many_to_many(obj: models.Model, many: dict[str, Any], *, adding: bool) -> list[str]:
    changed = []
    for name, values in many.items():
        manager = getattr(obj, name)
        before = set() if adding else set(manager.values_list("pk", flat=True))
        after = {v.pk for v in values}
        if before != after:
            manager.set(values)
            changed.append(name)
    return changed


def create_record(
    model: type[models.Model],
    data: dict[str, Any],
    *,
    acting_user: User,
    **fixed: Any,
) -> Any:
    """Validate and insert a record with `fixed` values (authority, parent) and audit it."""
    obj = model(**fixed)
    _, many = apply_changes(obj, data)
    if hasattr(obj, "created_by_id"):
        setattr(obj, "created_by", _user_or_none(acting_user))  # noqa: B010
        setattr(obj, "modified_by", _user_or_none(acting_user))  # noqa: B010
    obj.full_clean()
    obj.save()
    save_many_to_many(obj, many, adding=True)
    record(AuditAction.CREATE, actor=acting_user, obj=obj)
    return obj


def update_record(obj: models.Model, data: dict[str, Any], *, acting_user: User) -> Any:
    """Validate and save changed fields of a fresh copy of `obj`; audit the field names."""
    fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if getattr(fresh, "archived", False):
        raise ValidationError("This record is archived and can no longer be changed.")
    changed, many = apply_changes(fresh, data)
    if hasattr(fresh, "modified_by_id"):
        setattr(fresh, "modified_by", _user_or_none(acting_user))  # noqa: B010
    fresh.full_clean()
    fresh.save()
    changed += save_many_to_many(fresh, many, adding=False)
    if changed:
        record(AuditAction.CHANGE, actor=acting_user, obj=fresh, detail={"fields": changed})
    return fresh


def archive_record(obj: models.Model, reason: str, *, acting_user: User) -> Any:
    """Archive (never delete) a record, with the reason given."""
    fresh: Any = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are archiving this record"})
    if fresh.archived:
        raise ValidationError("This record is already archived.")
    fresh.archived = True
    fresh.archived_on = timezone.now()
    fresh.archived_by = _user_or_none(acting_user)
    fresh.archived_reason = reason
    fresh.save(update_fields=["archived", "archived_on", "archived_by", "archived_reason"])
    record(AuditAction.CHANGE, actor=acting_user, obj=fresh, detail={"fields": ["archived"]})
    return fresh


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------
# Columns and values


@dataclass(frozen=True)
class Col:
    """One value of a record: on a list, a detail page or an export.

    `value` is a dotted attribute path ("board.name"; a method with no arguments is
    called) or a callable. `id` is the export column (snake_case).
    """

    title: str
    value: str | Callable[[Any], Any]
    id: str = ""
    kind: str = "text"  # text, date, money, count, long
    link: bool = False

    def get(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        value = obj
        for part in self.value.split("."):
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value) and not isinstance(value, models.Manager):
                value = value()
        return value


def display(value: Any, kind: str = "text") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %b %Y")
    if kind == "money" and isinstance(value, (Decimal, int, float)):
        return f"£{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def export_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


# ---------------------------------------------------------------------------------------
# History


def history(obj: models.Model, related: Iterable[QuerySet[Any]] = ()) -> list[dict[str, Any]]:
    """Audit events that created or changed `obj` and the records listed in `related`
    (its children), newest first. Views are not shown here; the audit log has them."""
    condition = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    labels = {obj._meta.label_lower: str(obj._meta.verbose_name).capitalize()}
    for queryset in related:
        model = queryset.model
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            condition |= Q(object_type=model._meta.label_lower, object_id__in=ids)
            labels[model._meta.label_lower] = str(model._meta.verbose_name).capitalize()
    events = AuditEvent.objects.filter(
        condition, action__in=[AuditAction.CREATE, AuditAction.CHANGE]
    ).order_by("-id")[:200]
    rows = []
    for event in events:
        fields = event.detail.get("fields") if isinstance(event.detail, dict) else None
        what = labels.get(event.object_type, event.object_type)
        if event.action == AuditAction.CREATE:
            summary = f"{what} created"
        elif fields == ["archived"]:
            summary = f"{what} archived"
        elif fields:
            summary = f"{what}: " + ", ".join(f.replace("_", " ") for f in fields) + " changed"
        else:
            summary = f"{what} changed"
        note = event.detail.get("note", "") if isinstance(event.detail, dict) else ""
        rows.append(
            {
                "when": event.occurred_at,
                "who": event.actor_username or "system",
                "summary": summary + (f" ({note})" if note else ""),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------
# Record types and their pages


@dataclass
class RecordType:
    """One kind of council record and how its pages show it."""

    slug: str
    model: type[models.Model]
    form: type[RecordForm]
    singular: str
    plural: str
    kind: Kind
    scope: Scope
    create: Callable[..., Any]  # (authority or parent, data, *, acting_user) -> record
    update: Callable[..., Any]  # (record, data, *, acting_user) -> record
    archive: Callable[..., Any] | None = None  # (record, reason, *, acting_user)
    columns: list[Col] = field(default_factory=list)
    fields: list[Col] = field(default_factory=list)
    export: list[Col] = field(default_factory=list)
    intro: str = ""
    parent: RecordType | None = None
    parent_field: str = ""
    date_field: str = ""  # the date that places a record in a financial year
    search: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    annotate: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    personal_data: bool = False
    has_list: bool = True
    detail_template: str = ""  # an include with the record's related records
    detail_context: Callable[[SignedInRequest, Any], dict[str, Any]] | None = None
    related: Callable[[Any], list[QuerySet[Any]]] | None = None  # children, for history
    create_label: str = ""
    url_prefix: str = ""  # path prefix; defaults to the slug with "s"
    app_name: str = ""  # URL namespace, set by `urls()`
    after_create: str = "detail"  # "detail" or "parent"

    # -- names and URLs -------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return self.url_prefix or f"{self.slug}s"

    def name(self, page: str) -> str:
        return f"{self.app_name}:{self.slug}_{page}"

    def list_url(self) -> str:
        return reverse(self.name("list"))

    def detail_url(self, obj: Any) -> str:
        return reverse(self.name("detail"), kwargs={"pk": obj.pk})

    def parent_of(self, obj: Any) -> Any:
        return getattr(obj, self.parent_field) if self.parent else None

    def back_url(self, obj: Any | None = None, parent: Any | None = None) -> str:
        if self.parent is not None:
            parent = parent if parent is not None else self.parent_of(obj)
            return self.parent.detail_url(parent)
        return self.list_url()

    # -- queries ----------------------------------------------------------------------
    def visible(self, user: Any, action: Action = Action.VIEW) -> QuerySet[Any]:
        queryset = self.scope(self.model, user, action)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if self.annotate is not None:
            queryset = self.annotate(queryset)
        return queryset

    def fetch(self, request: HttpRequest, pk: Any, *, write: bool = False) -> Any:
        return get_for_user(
            request,
            self.visible(request.user, Action.VIEW),
            pk,
            kind=self.kind,
            writable=self.scope(self.model, request.user, Action.CHANGE) if write else None,
        )

    def filtered(self, request: HttpRequest, action: Action) -> tuple[QuerySet[Any], dict]:
        queryset = self.visible(request.user, action).order_by(*self.ordering)
        state: dict[str, Any] = {"q": request.GET.get("q", "").strip()[:100]}
        state["archived"] = request.GET.get("archived") == "1"
        if hasattr(self.model, "archived") and not state["archived"]:
            queryset = queryset.filter(archived=False)
        if state["q"] and self.search:
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": state["q"]})
            queryset = queryset.filter(condition)
        state["year"] = None
        if self.date_field:
            try:
                year = int(request.GET.get("year", ""))
            except ValueError:
                year = None
            if year and 1990 <= year <= 2100:
                period = financial_year(year)
                state["year"] = year
                queryset = queryset.filter(
                    **{f"{self.date_field}__range": (period.start, period.end)}
                )
        return queryset, state

    def year_choices(self, request: HttpRequest) -> list[tuple[int, str]]:
        if not self.date_field:
            return []
        dates = self.scope(self.model, request.user, Action.LIST).aggregate(
            first=models.Min(self.date_field), last=models.Max(self.date_field)
        )
        if not dates["first"]:
            return []
        first = financial_year_start(dates["first"])
        last = financial_year_start(dates["last"])
        return [(y, financial_year(y).label) for y in range(last, first - 1, -1)]

    def may_change(self, user: Any, obj: Any) -> bool:
        return can(user, self.kind, Action.CHANGE, obj.authority)

    # -- pages --------------------------------------------------------------------------
    def urls(self, app_name: str) -> list[URLPattern]:
        self.app_name = app_name
        kind, p = self.kind, self.prefix
        patterns = [
            path(
                f"{p}/<int:pk>/",
                requires(kind, Action.VIEW, object_scoped=True, methods=("GET",))(
                    self._detail_view
                ),
                name=f"{self.slug}_detail",
            ),
            path(
                f"{p}/<int:pk>/edit/",
                requires(kind, Action.CHANGE, object_scoped=True)(self._edit_view),
                name=f"{self.slug}_edit",
            ),
        ]
        if self.has_list:
            patterns += [
                path(
                    f"{p}/",
                    requires(kind, Action.LIST, methods=("GET",))(self._list_view),
                    name=f"{self.slug}_list",
                ),
                path(
                    f"{p}/export/",
                    requires(kind, Action.EXPORT, methods=("GET",))(self._export_view),
                    name=f"{self.slug}_export",
                ),
            ]
        if self.parent is None:
            patterns.append(
                path(
                    f"{p}/new/",
                    requires(kind, Action.CHANGE)(self._create_view),
                    name=f"{self.slug}_create",
                )
            )
        else:
            patterns.append(
                path(
                    f"{self.parent.prefix}/<int:parent_pk>/{p}/new/",
                    requires(kind, Action.CHANGE, object_scoped=True)(self._create_view),
                    name=f"{self.slug}_create",
                )
            )
        if self.archive is not None:
            patterns.append(
                path(
                    f"{p}/<int:pk>/archive/",
                    requires(kind, Action.CHANGE, object_scoped=True)(self._archive_view),
                    name=f"{self.slug}_archive",
                )
            )
        return patterns

    def _base_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"rt": self, "personal_data": self.personal_data}

    def _list_view(self, request: HttpRequest) -> HttpResponse:
        queryset, state = self.filtered(request, Action.LIST)
        page = Paginator(queryset, 50).get_page(request.GET.get("page"))
        rows = [
            {
                "url": self.detail_url(obj),
                "archived": getattr(obj, "archived", False),
                "cells": [
                    {"text": display(c.get(obj), c.kind), "link": c.link, "kind": c.kind}
                    for c in self.columns
                ],
            }
            for obj in page.object_list
        ]
        query = request.GET.copy()
        query.pop("page", None)
        user = request.user
        context = {
            **self._base_context(request),
            "rows": rows,
            "page": page,
            "state": state,
            "query": query.urlencode(),
            "years": self.year_choices(request),
            "headings": [c.title for c in self.columns],
            "can_create": self.parent is None
            and authorities_for(user, self.kind, Action.CHANGE).exists(),
            "can_export": authorities_for(user, self.kind, Action.EXPORT).exists(),
            "has_archive": hasattr(self.model, "archived"),
        }
        return render(request, "pages/list.html", context)

    def _export_view(self, request: HttpRequest) -> HttpResponse:
        queryset, _state = self.filtered(request, Action.EXPORT)
        fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
        columns = self.export or self.fields
        header = [c.id or c.title for c in columns]
        rows = [[export_value(c.get(obj)) for c in columns] for obj in queryset]
        for authority in authorities_for(request.user, self.kind, Action.EXPORT):
            record(
                AuditAction.EXPORT,
                actor=request.user,
                object_type=self.model._meta.label_lower,
                authority=authority,
                detail={"format": fmt, "rows": len(rows), "filter": request.GET.urlencode()[:300]},
            )
        return export_response(fmt, self.prefix, header, rows, sheet=self.plural.capitalize())

    def _detail_view(self, request: SignedInRequest, pk: int) -> HttpResponse:
        obj = self.fetch(request, pk)
        if self.personal_data:
            record(AuditAction.VIEW, actor=request.user, obj=obj)
        context = {
            **self._base_context(request),
            "obj": obj,
            "summary": [
                {"title": c.title, "text": display(c.get(obj), c.kind), "kind": c.kind}
                for c in self.fields
            ],
            "may_change": self.may_change(request.user, obj),
            "parent": self.parent_of(obj),
            "back_url": self.back_url(obj),
            "history": history(obj, self.related(obj) if self.related else ()),
        }
        if self.detail_context is not None:
            context.update(self.detail_context(request, obj))
        return render(request, "pages/detail.html", context)

    def _form_page(
        self,
        request: HttpRequest,
        form: RecordForm,
        *,
        obj: Any,
        parent: Any,
        status: int = 200,
        edit: versions.Edit | None = None,
    ) -> HttpResponse:
        context = {
            **(edit.context() if edit is not None else {}),
            **self._base_context(request),
            "form": form,
            "obj": obj,
            "parent": parent,
            "back_url": self.detail_url(obj) if obj else self.back_url(parent=parent),
        }
        return render(request, "pages/form.html", context, status=status)

    def _authority_for_create(self, request: HttpRequest) -> Authority | None:
        # A user who changes records in several authorities works in the first; the
        # demo and every current council have one authority per user.
        return authorities_for(request.user, self.kind, Action.CHANGE).order_by("pk").first()

    def _create_view(self, request: HttpRequest, parent_pk: int | None = None) -> HttpResponse:
        parent = None
        if self.parent is not None:
            parent = self.parent.fetch(request, parent_pk, write=True)
            authority = parent.authority
        else:
            authority = self._authority_for_create(request)
        form = self.form(request.POST or None, authority=authority, parent=parent)
        target = parent if parent is not None else authority
        obj = submit(
            request,
            form,
            lambda: self.create(target, form.service_data(), acting_user=request.user),
        )
        if obj is not UNSAVED:
            messages.success(request, f"{self.singular.capitalize()} saved")
            if self.after_create == "parent" and self.parent and parent is not None:
                return redirect(self.parent.detail_url(parent))
            return redirect(self.detail_url(obj))
        return self._form_page(request, form, obj=None, parent=parent)

    def _edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.fetch(request, pk, write=True)
        form = self.form(
            request.POST or None, instance=obj, authority=obj.authority, parent=self.parent_of(obj)
        )

        def values(current: Any) -> dict[str, Any]:
            """The form's values for the record as it is now (to show beside the user's)."""
            fresh = self.form(
                instance=current, authority=current.authority, parent=self.parent_of(current)
            )
            return {bound.name: bound.initial for bound in fresh}

        edit = versions.Edit(request, obj, values)
        saved = submit(
            request,
            form,
            lambda: self.update(obj, form.service_data(), acting_user=request.user),
            edit=edit,
        )
        if saved is not UNSAVED:
            messages.success(request, f"{self.singular.capitalize()} updated")
            return redirect(self.detail_url(saved))
        return self._form_page(
            request,
            form,
            obj=obj,
            parent=self.parent_of(obj),
            edit=edit,
            status=400 if form.errors else 200,
        )

    def _archive_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.fetch(request, pk, write=True)
        form = ArchiveForm(request.POST or None)
        archive = self.archive
        if archive is not None and submit(
            request,
            form,
            lambda: archive(obj, form.cleaned_data["reason"], acting_user=request.user) or True,
        ):
            messages.success(request, f"{self.singular.capitalize()} archived")
            return redirect(self.detail_url(obj))
        context = {
            **self._base_context(request),
            "form": form,
            "obj": obj,
            "back_url": self.detail_url(obj),
        }
        return render(request, "pages/archive.html", context)


# ---------------------------------------------------------------------------------------
# Form pages


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    has that field, everything else above the form (in the page's error summary)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


def posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one, so it is checked and refused),
    None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


class _Unsaved:
    """What `submit` returns when nothing was saved (a service may return None)."""

    def __bool__(self) -> bool:
        return False


UNSAVED: Any = _Unsaved()


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    edit: versions.Edit | None = None,
) -> Any:
    """On a POST of a valid form, call `save` (the one service) and return what it returns;
    else `UNSAVED`. A service's `ValidationError` goes onto the form (`UNSAVED`). With
    `edit`, `save` runs only if the record is still at the version the form was opened
    with; a stale save is refused onto the form with who changed it and when."""
    if request.method != "POST" or not form.is_valid():
        return UNSAVED
    try:
        return edit.save(form, save) if edit is not None else save()
    except ValidationError as error:
        add_service_errors(form, error)
        return UNSAVED


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[], Any],
    success: str | Callable[[Any], str],
    done: str | Callable[[Any], str],
    template: str,
    context: dict[str, Any] | None = None,
    edit: versions.Edit | None = None,
    rendering: Callable[[], dict[str, Any] | None] | None = None,
    status: int | None = None,
) -> HttpResponse:
    """A form page: form -> service -> redirect (POST-redirect-GET), or the form again.

    `save` calls one service; on success the page flashes `success` (none if empty) and
    redirects to `done` (each a string, or a function of what `save` returned). Otherwise it renders
    `template` with the form, `context` and, with `edit` (core.versions), the record's
    version and any conflict. `rendering` runs only when the form is shown, before the
    render: where a page of a personal record writes its VIEW audit event, and where
    context that costs a query is built (what it returns is added). The status is
    400 when a submitted form is shown again with its errors, else 200 (or `status`).
    """
    saved = submit(request, form, save, edit=edit)
    if saved is not UNSAVED:
        text = success(saved) if callable(success) else success
        if text:
            messages.success(request, text)
        return redirect(done(saved) if callable(done) else done)
    page = {"form": form, **(context or {}), **(edit.context() if edit is not None else {})}
    if rendering is not None:
        page.update(rendering() or {})
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, template, page, status=status)


# ---------------------------------------------------------------------------------------
# Detail pages


def viewed(request: SignedInRequest, obj: models.Model, **detail: Any) -> None:
    """The VIEW audit event of a page showing this record (the person filled from it),
    with the page's path and `detail`. Written by the view, in the request's transaction,
    before the page is rendered."""
    record(
        AuditAction.VIEW,
        actor=request.user,
        obj=obj,
        detail={"path": request.path[:200], **{k: str(v) for k, v in detail.items()}},
    )


def detail_page(
    request: SignedInRequest,
    obj: models.Model,
    template: str,
    context: dict[str, Any],
    **detail: Any,
) -> HttpResponse:
    """A page of one personal record: its VIEW audit event (`viewed`), then the page,
    marked OFFICIAL-SENSITIVE (`personal_data`)."""
    viewed(request, obj, **detail)
    return render(request, template, {**context, "personal_data": True})


# ---------------------------------------------------------------------------------------
# One list export

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_bytes(
    export_format: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str
) -> bytes:
    """The table as CSV (UTF-8) or an XLSX workbook of one sheet with a bold header; every
    cell escaped against formula injection (core.csvsafe)."""
    cleaned = [safe_row(row) for row in rows]
    if export_format == "xlsx":
        return xlsx_bytes(sheet, headers, cleaned)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(cleaned)
    return text.getvalue().encode("utf-8")


def export_response(
    export_format: str,
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "",
    filename: str = "",
) -> HttpResponse:
    """A list as a CSV or XLSX download named `<name>-<today>.<format>` (or `filename`).
    The view that calls it writes the EXPORT audit event."""
    content = table_bytes(export_format, headers, rows, sheet=sheet or name)
    if export_format == "xlsx":
        response = HttpResponse(content, content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = filename or f"{name}-{periods.today().isoformat()}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet: a bold, frozen header row, then `rows` as given."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
