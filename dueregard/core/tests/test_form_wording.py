"""Every form in the project answers in GOV.UK words: a walk over all of them submits each
empty, then with every answer too long, too big, too small or not one of the choices, and
fails on any of Django's default messages ("This field is required.", "Ensure this value
has at most …", "Select a valid choice …") or a "---------"/"None" empty choice. A form the
walk cannot build fails too, so a new form is walked as soon as it is written."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
import types
import typing
from typing import Any

import pytest
from django import forms
from django.core import validators
from django.db import models
from django.db.models import QuerySet
from django.forms import fields as django_fields

import dueregard
from dueregard.core.forms import GovUKDateField

pytestmark = pytest.mark.django_db

# What Django says by default, taken from Django itself (the text up to its first
# placeholder), and the phrases the issue names.
_NAMED = [
    "This field is required",
    "Ensure this value",
    "Enter a valid",
    "Select a valid choice",
    "Enter a list of values",
    "No file was submitted",
    "The submitted file is empty",
    "Ensure this filename",
    "Ensure that there are no more",
    "This field cannot be",
]


def _django_defaults() -> list[str]:
    texts: set[str] = set(_NAMED)
    for _, cls in inspect.getmembers(django_fields, inspect.isclass):
        for message in vars(cls).get("default_error_messages", {}).values():
            texts.add(str(message))
    for _, cls in inspect.getmembers(validators, inspect.isclass):
        message = vars(cls).get("message")
        if message is not None:
            texts.add(str(message))
    for message in forms.ModelChoiceField.default_error_messages.values():
        texts.add(str(message))
    for message in forms.ModelMultipleChoiceField.default_error_messages.values():
        texts.add(str(message))
    # The fixed part of each message, before its first placeholder or quote.
    prefixes = {re.split(r"%\(|%s|“|\"", text)[0].strip() for text in texts}
    return sorted(p for p in prefixes if len(p) >= 10)


DJANGO_DEFAULTS = _django_defaults()


def _form_classes() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(dueregard.__path__, "dueregard."):
        name = info.name
        leaf = name.rsplit(".", 1)[-1]
        if ".tests" in name or ".migrations" in name or ".demo" in name:
            continue
        if "form" in leaf or "view" in leaf or name.endswith("pages.kit") or ".views." in name:
            importlib.import_module(name)
    found: list[type[forms.BaseForm]] = []
    seen: set[type] = set()
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        sub: type
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            if not sub.__module__.startswith("dueregard.") or ".tests" in sub.__module__:
                continue
            meta: Any = getattr(sub, "_meta", None)
            if issubclass(sub, forms.BaseModelForm) and getattr(meta, "model", None) is None:
                continue  # a base for model forms (RecordForm)
            if not getattr(sub, "base_fields", None) and "__init__" not in vars(sub):
                continue  # a button with nothing to fill in, or a base class
            found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _form_classes()


class Builder:
    """Builds what a form's `__init__` asks for, from real records."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.user = world["coordinator"]

    def model_instance(self, model: type[models.Model]) -> models.Model:
        existing = model.objects.first()  # type: ignore[attr-defined]
        if existing is not None:
            return existing
        make = getattr(self, f"make_{model._meta.label_lower.replace('.', '_')}", None)
        if make is not None:
            return make()
        # A record not yet saved, for the authority: enough for a form that reads its
        # fields (a form that needs it saved fails here: add a make_… above).
        names = {f.name for f in model._meta.get_fields()}
        return model(authority=self.world.authority) if "authority" in names else model()

    def make_casework_referral(self) -> models.Model:
        from dueregard.casework.tests.factories import make_referral

        return make_referral(self.world.authority, self.user)

    def make_casework_panelmeeting(self) -> models.Model:
        from dueregard.casework.tests.factories import make_meeting, make_panel

        return make_meeting(make_panel(self.world.authority, self.user), self.user)

    def make_casework_panel(self) -> models.Model:
        from dueregard.casework.tests.factories import make_panel

        return make_panel(self.world.authority, self.user)

    def by_name(self) -> dict[str, Any]:
        from dueregard.accounts.models import User
        from dueregard.accounts.permissions import Audience
        from dueregard.areas.models import Ward
        from dueregard.assurance.models import CTLP, Strategy
        from dueregard.casework.models import PanelMeeting, PanelMember, Referral
        from dueregard.governance.models import Board
        from dueregard.reports.templates_presets import BARNET
        from dueregard.training.models import Session

        return {
            "user": lambda: self.user,
            "cases": Referral.objects.all,
            "referrals": Referral.objects.all,
            "officers": User.objects.all,
            "members": PanelMember.objects.all,
            "meetings": PanelMeeting.objects.all,
            "ctlps": CTLP.objects.all,
            "strategies": Strategy.objects.all,
            "wards": Ward.objects.all,
            "session": lambda: self.model_instance(Session),
            "audiences": lambda: list(Audience),
            "questions": list,
            "boards": lambda: Board.objects.all(),
            # A committee report template's sections and its clearance roles (the presets').
            "template_sections": lambda: list(BARNET["sections"]),
            "roles": lambda: list(BARNET["clearance_roles"]),
            "quarters": lambda: [
                types.SimpleNamespace(start=datetime.date(2025, 4, 1), label="April to June 2025")
            ],
        }

    def make_training_session(self) -> models.Model:
        from dueregard.training.tests.factories import session

        return session(self.world.authority)

    def make_assurance_strategy(self) -> models.Model:
        from dueregard.assurance.models import Strategy

        return Strategy.objects.create(
            authority=self.world.authority,
            title="Prevent strategy (test)",
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2026, 3, 31),
            objective="Test objective",
            approved_by="Test board",
        )

    def make_governance_board(self) -> models.Model:
        from dueregard.governance.models import Board

        return Board.objects.create(
            authority=self.world.authority,
            name="Prevent board (test)",
            kind=Board._meta.get_field("kind").choices[0][0],  # type: ignore[index]
        )

    def make_governance_meeting(self) -> models.Model:
        from dueregard.governance.models import Board, Meeting

        board = typing.cast(Board, self.model_instance(Board))
        return Meeting.objects.create(
            authority=self.world.authority, board=board, date=datetime.date(2025, 6, 1)
        )

    def make_governance_reportingcommitment(self) -> models.Model:
        from dueregard.governance.models import Board, ReportingCommitment

        field = ReportingCommitment._meta.get_field("frequency")
        return ReportingCommitment.objects.create(
            authority=self.world.authority,
            board=typing.cast(Board, self.model_instance(Board)),
            title="Prevent update (test)",
            frequency=field.choices[0][0],  # type: ignore[index]
            owner="Prevent lead",
        )

    def make_engagement_project(self) -> models.Model:
        from dueregard.engagement.models import Project

        return Project.objects.create(
            authority=self.world.authority,
            title="Project (test)",
            provider="Provider (test)",
            funder="Funder (test)",
            budget=1000,
            starts_on=datetime.date(2025, 4, 1),
            ends_on=datetime.date(2026, 3, 31),
            aims="Aims (test)",
            expected_outcomes="Outcomes (test)",
        )

    def value(self, name: str, hint: Any) -> Any:
        from dueregard.areas.models import Authority

        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint is Authority or name == "authority":
            return self.world.authority
        if name == "authorities":
            return Authority.objects.all()
        if origin is QuerySet or (isinstance(origin, type) and issubclass(origin, QuerySet)):
            model = args[0] if args and isinstance(args[0], type) else None
            if model is None or not issubclass(model, models.Model):
                raise LookupError(f"the walk cannot tell which records {name!r} holds")
            return model.objects.all()  # type: ignore[attr-defined]
        if hint is bool:
            return False
        if origin is list and args and typing.get_origin(args[0]) is tuple:
            return [("a", "Choice A"), ("b", "Choice B")]
        by_name = self.by_name()
        if name in by_name:
            return by_name[name]()
        if isinstance(hint, type) and issubclass(hint, models.Model):
            from dueregard.accounts.models import User

            if issubclass(hint, User):
                return self.user
            return self.model_instance(hint)
        if name == "years":
            return [("2025", "2025 to 2026")]
        if name == "parent":
            return None
        raise LookupError(f"the walk cannot build {name!r} ({hint!r}): teach Builder.value")

    def kwargs(self, cls: type[forms.BaseForm]) -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            init = vars(klass).get("__init__")
            if init is None or klass.__module__.startswith("django."):
                continue
            try:
                hints = typing.get_type_hints(init)
            except Exception:  # noqa: BLE001 - names only imported for type checking
                hints = {}
            for param in inspect.signature(init).parameters.values():
                if param.kind is param.KEYWORD_ONLY and param.default is param.empty:
                    wanted[param.name] = hints.get(param.name, param.annotation)
                elif param.kind is param.KEYWORD_ONLY:
                    wanted.pop(param.name, None)
        return {name: self.value(name, hint) for name, hint in wanted.items()}

    def form(self, cls: type[forms.BaseForm], data: dict[str, Any]) -> forms.BaseForm:
        return cls(data=data, **self.kwargs(cls))


def _too_much(form: forms.BaseForm) -> dict[str, Any]:
    """An answer for every field that breaks its limit or is not a real answer."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, GovUKDateField):
            data |= {f"{key}_day": "31", f"{key}_month": "2", f"{key}_year": "99999"}
        elif isinstance(field, forms.MultiValueField):
            data |= {f"{key}_{i}": "x" * 300 for i in range(len(field.fields))}
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[key] = ["999999999", "not-a-key"]
        elif isinstance(field, forms.MultipleChoiceField):
            data[key] = ["not-a-choice"]
        elif isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
            data[key] = "not-a-choice"
        elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            data[key] = "99999999999999"
        elif isinstance(field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
            data[key] = "not a date"
        elif isinstance(field, forms.EmailField):
            data[key] = "not an email " + "x" * 400
        elif isinstance(field, forms.CharField):
            data[key] = "x" * ((field.max_length or 60_000) + 1)
        elif isinstance(field, forms.BooleanField):
            data[key] = "on"
    return data


def _too_little(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            data[form.add_prefix(name)] = "-99999999999999"
        elif isinstance(field, (forms.IntegerField, forms.ChoiceField)):
            pass
    return data


def _not_numbers(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            data[form.add_prefix(name)] = "twelve"
        elif isinstance(field, GovUKDateField):
            key = form.add_prefix(name)
            data |= {f"{key}_day": "a", f"{key}_month": "b", f"{key}_year": "c"}
    return data


def _messages(form: forms.BaseForm) -> list[str]:
    form.is_valid()
    return [str(m) for errors in form.errors.values() for m in errors]


def _defaults_in(texts: list[str]) -> list[str]:
    return [t for t in texts if any(d in t for d in DJANGO_DEFAULTS)]


def test_the_walk_finds_the_projects_forms() -> None:
    names = {cls.__name__ for cls in FORMS}
    # One from each kind the project has: a GovUKForm, a plain Form, a RecordForm model form.
    assert {"SupportPlanForm", "ReferralDetailsForm", "MeetingForm"} <= names
    assert len(FORMS) > 60


@pytest.mark.parametrize("cls", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_form_answers_in_govuk_words(cls: type[forms.BaseForm], world: Any) -> None:
    build = Builder(world)
    shape = build.form(cls, {})
    rounds = {
        "empty": {},
        "too long or too big": _too_much(shape),
        "too small": _too_little(shape),
        "not numbers or dates": _not_numbers(shape),
    }
    for round_name, data in rounds.items():
        form = build.form(cls, data)
        texts = _messages(form)
        assert not _defaults_in(texts), f"{cls.__name__}, {round_name}: {_defaults_in(texts)}"
        html = str(form)
        assert not _defaults_in([html]), f"{cls.__name__}, {round_name}: a default in the page"
        for blank in ("---------", ">None</option>", ">None</label>"):
            at = html.find(blank)
            assert at < 0, f"{cls.__name__}, {round_name}: {html[max(at - 300, 0) : at + 20]}"
        assert ' maxlength="' not in html, f"{cls.__name__}: a browser would cut the text"
        if round_name == "too long or too big":
            for name, field in form.fields.items():
                limit = getattr(field, "max_length", None)
                if (
                    isinstance(field, forms.CharField)
                    and not isinstance(field, forms.EmailField)
                    and limit
                    and not field.disabled
                ):
                    assert any(
                        f"{limit:,} characters or less" in m for m in form.errors.get(name, [])
                    ), (
                        f"{cls.__name__}.{name}: {limit:,} characters not enforced: "
                        f"{form.errors.get(name)}"
                    )
