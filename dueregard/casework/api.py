"""The casework API (/api/v1/...): partner systems send referrals without double keying,
and read people, referrals with their stages, panels and panel actions.

The same rules as the pages: each endpoint declares its `accounts.access.Access` rule
(`access_by_action`, read by `api.permissions.FollowsAccessRules` and by the URL walk),
records come from `casework.queries` (outside the caller's scope a record answers 404),
every write goes through `casework.services`, and every call is audited
(`api.mixins.AuditedAPIMixin`). Partner tokens are narrowed by their scopes
(`scope_by_action`). Documented in docs/api.md.

Special-category detail kept apart on the pages (health details, police information) is
not served by the API at all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from dueregard.accounts.access import Access, signed_in_user
from dueregard.accounts.models import ApiScope
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.api.mixins import AuditedAPIMixin
from dueregard.api.pagination import OldestFirstCursorPagination
from dueregard.areas.models import Authority, Ward
from dueregard.core import versions

from . import queries, services
from .models import (
    Attendance,
    EthnicGroup,
    Gender,
    OnwardReferral,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
    Person,
    Referral,
    ReferralSource,
    Religion,
    Sector,
    Stage,
    StageEvent,
    Vulnerability,
)


def _rule(
    kind: Kind, action_: Action, *, method: str = "GET", object_scoped: bool = False
) -> Access:
    return Access("permission", kind, action_, object_scoped=object_scoped, methods=(method,))


# --------------------------------------------------------------------------------------
# Reading


def _slug(field: str, *, many: bool = False) -> Any:
    """A related record shown by one of its fields (a label, an ONS code); null if none."""
    if many:
        return serializers.SlugRelatedField(slug_field=field, many=True, read_only=True)
    return serializers.SlugRelatedField(slug_field=field, read_only=True, allow_null=True)


class StageEventSerializer(serializers.ModelSerializer[StageEvent]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    # Plain strings: the stage codes are those of the referral's `stage`.
    from_stage = serializers.CharField(
        read_only=True, help_text="The stage before; blank when the stage did not change."
    )
    to_stage = serializers.CharField(read_only=True, help_text="The stage after.")
    concern = _slug("label")

    class Meta:
        model = StageEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "from_stage",
            "to_stage",
            "outcome",
            "outcome_label",
            "concern",
            "occurred_on",
            "reason",
            "recorded_at",
        ]


class OnwardReferralSerializer(serializers.ModelSerializer[OnwardReferral]):
    referred_at = serializers.CharField(
        source="at", read_only=True, help_text="Which gate referred it on: triage or gateway."
    )

    class Meta:
        model = OnwardReferral
        fields = ["service", "referred_on", "referred_at", "response", "responded_on"]


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    authority = _slug("ons_code")
    case_officer: Any = serializers.SlugRelatedField(
        source="coordinator",
        slug_field="username",
        read_only=True,
        help_text="The case officer's username (null: not assigned).",
    )
    onward_referrals = OnwardReferralSerializer(many=True, read_only=True)
    sector = _slug("label")
    concern = _slug("label")
    gateway_concern = _slug("label")
    panel_concern = _slug("label")
    ward = _slug("ons_code")
    vulnerabilities = _slug("label", many=True)
    exit_reason = _slug("label")
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    stages = StageEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "authority",
            "reference",
            "person",
            "source",
            "case_officer",
            "received_on",
            "referrer_name",
            "referrer_organisation",
            "referrer_contact",
            "sector",
            "concern",
            "concern_description",
            "age_at_referral",
            "gender",
            "ward",
            "vulnerabilities",
            "stage",
            "stage_label",
            "triaged_on",
            "triage_outcome",
            "referred_to_police_on",
            "gateway_outcome",
            "gateway_outcome_on",
            "gateway_concern",
            "discussed_at_panel_on",
            "panel_concern",
            "adopted_on",
            "not_adopted_on",
            "support_started_on",
            "left_channel_on",
            "exit_reason",
            "closed_on",
            "closure_reason",
            "onward_referrals",
            "stages",
        ]


class PersonSerializer(serializers.ModelSerializer[Person]):
    authority = _slug("ons_code")
    ward = _slug("ons_code")
    referrals: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "authority",
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "gender",
            "ethnic_group",
            "religion",
            "address",
            "ward",
            "unidentified_historical",
            "archived",
            "referrals",
        ]


class PanelMemberSerializer(serializers.ModelSerializer[PanelMember]):
    class Meta:
        model = PanelMember
        fields = ["id", "name", "agency", "role_title", "active", "joined_on", "left_on"]


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    class Meta:
        model = Attendance
        fields = ["name", "agency", "attended"]


class MeetingSerializer(serializers.ModelSerializer[PanelMeeting]):
    attendance = AttendanceSerializer(many=True, read_only=True)
    minutes_approved_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the chair approved the minutes; null while they are a draft.",
    )

    class Meta:
        model = PanelMeeting
        fields = ["id", "held_on", "status", "minutes_approved_at", "attendance"]


class PanelSerializer(serializers.ModelSerializer[Panel]):
    authority = _slug("ons_code")
    members = PanelMemberSerializer(many=True, read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Panel
        fields = ["id", "authority", "name", "panel_type", "archived", "members", "meetings"]


class PanelActionSerializer(serializers.ModelSerializer[PanelAction]):
    panel = serializers.CharField(source="meeting.panel.name", read_only=True)
    meeting_held_on = serializers.DateField(source="meeting.held_on", read_only=True)
    owner = PanelMemberSerializer(read_only=True)

    class Meta:
        model = PanelAction
        fields = [
            "id",
            "panel",
            "meeting",
            "meeting_held_on",
            "referral",
            "description",
            "owner",
            "due_on",
            "status",
            "completed_on",
            "progress",
        ]


# --------------------------------------------------------------------------------------
# Sending a referral


class NewPersonSerializer(serializers.Serializer[dict[str, Any]]):
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(Gender.choices, required=False, allow_null=True)
    ethnic_group = serializers.ChoiceField(EthnicGroup.choices, required=False, allow_blank=True)
    religion = serializers.ChoiceField(Religion.choices, required=False, allow_blank=True)
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    ward = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="The ward's name or ONS code."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("given_name", "").strip() or attrs.get("family_name", "").strip()):
            raise serializers.ValidationError(
                {"family_name": "Enter the person's given name or family name."}
            )
        return attrs


class NewReferralSerializer(serializers.Serializer[dict[str, Any]]):
    """A referral from a partner system. Labels match case-insensitively."""

    authority = serializers.CharField(
        max_length=9,
        required=False,
        allow_blank=True,
        help_text="The authority's ONS code; needed only if the caller may send referrals "
        "to more than one authority.",
    )
    person = NewPersonSerializer(
        required=False, help_text="The person referred (a new person record)."
    )
    person_id = serializers.IntegerField(
        required=False, help_text="Or the id of a person already recorded in the authority."
    )
    reference = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Blank: the next R-YYYY-NNNN of the authority.",
    )
    received_on = serializers.DateField()
    referrer_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    referrer_organisation = serializers.CharField(max_length=150, required=False, allow_blank=True)
    referrer_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sector = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Sector label or code."
    )
    concern = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Type of concern: a label of the code list in force on received_on.",
    )
    concern_description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    age_at_referral = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True
    )
    gender = serializers.ChoiceField(Gender.choices, required=False, allow_null=True)
    ward = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="The ward's name or ONS code."
    )
    vulnerabilities = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=50,
        help_text="Vulnerability labels or codes.",
    )
    case_officer = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="The case officer's username: an active member of the authority's Prevent "
        "team. Blank: the caller.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        self.user = getattr(request, "user", None)

    def validate_authority(self, value: str) -> Authority | None:
        allowed = authorities_for(self.user, Kind.CASEWORK, Action.CHANGE)
        if value.strip():
            found = allowed.filter(ons_code=value.strip().upper()).first()
            if found is None:
                raise serializers.ValidationError("You cannot send referrals to this authority.")
            return found
        return None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        authority = attrs.get("authority")
        if authority is None:
            allowed = list(authorities_for(self.user, Kind.CASEWORK, Action.CHANGE)[:2])
            if len(allowed) != 1:
                raise serializers.ValidationError(
                    {"authority": "Give the ONS code of the authority the referral is for."}
                )
            authority = allowed[0]
        attrs["authority"] = authority
        has_person, has_id = "person" in attrs, attrs.get("person_id") is not None
        if has_person == has_id:
            raise serializers.ValidationError(
                {"person": "Give either the person (a new record) or person_id, not both."}
            )
        if has_id:
            attrs["person_id"] = (
                queries.people_visible_to(self.user, Action.CHANGE)
                .filter(authority=authority, pk=attrs["person_id"], archived=False)
                .first()
            )
            if attrs["person_id"] is None:
                raise serializers.ValidationError({"person_id": "No such person in the authority."})
        errors: dict[str, str] = {}
        received_on = attrs["received_on"]

        def lookup(field: str, found: Any, label: str) -> Any:
            if label.strip() and found is None:
                errors[field] = f"'{label}' is not a known {field.replace('_', ' ')}."
            return found

        label = attrs.get("sector", "")
        attrs["sector"] = lookup("sector", _by_label_or_code(Sector, label), label)
        label = attrs.get("concern", "")
        attrs["concern"] = lookup(
            "concern", queries.concern_by_label(label, received_on) if label else None, label
        )
        attrs["ward"] = lookup(
            "ward", _ward(authority, attrs.get("ward", "")), attrs.get("ward", "")
        )
        if "person" in attrs:
            label = attrs["person"].get("ward", "")
            attrs["person"]["ward"] = _ward(authority, label)
            if label.strip() and attrs["person"]["ward"] is None:
                errors["person"] = f"'{label}' is not a ward of {authority.name}."
        vulnerabilities = []
        for label in attrs.get("vulnerabilities", []):
            found = _by_label_or_code(Vulnerability, label)
            if found is None:
                errors["vulnerabilities"] = f"'{label}' is not a known vulnerability."
            else:
                vulnerabilities.append(found)
        attrs["vulnerabilities"] = vulnerabilities
        username = attrs.get("case_officer", "")
        attrs["case_officer"] = _case_officer(authority, username)
        if username.strip() and attrs["case_officer"] is None:
            errors["case_officer"] = _not_a_case_officer(authority, username)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _case_officer(authority: Authority, username: str) -> Any:
    """The active member of the authority's Prevent team with this username, if any."""
    username = username.strip()
    if not username:
        return None
    return services.case_officers(authority).filter(username=username).first()


def _not_a_case_officer(authority: Authority, username: str) -> str:
    return (
        f"'{username.strip()}' is not an active member of {authority.name}'s Prevent team: "
        "give the username of one."
    )


def _by_label_or_code(model: Any, value: str) -> Any:
    value = value.strip()
    if not value:
        return None
    return (
        model.objects.filter(label__iexact=value).first()
        or model.objects.filter(code__iexact=value).first()
    )


def _ward(authority: Authority, value: str) -> Ward | None:
    value = value.strip()
    if not value:
        return None
    wards = Ward.objects.filter(authority=authority)
    return wards.filter(ons_code__iexact=value).first() or wards.filter(name__iexact=value).first()


class ReferralUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    """A correction of what was recorded at intake; fields left out keep their values.
    Labels match case-insensitively, as when sending a referral."""

    sector = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Sector label or code."
    )
    concern = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Type of concern: a label of the code list in force on received_on.",
    )
    concern_description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    vulnerabilities = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=50,
        help_text="Vulnerability labels or codes (the whole list: it replaces the one held).",
    )
    case_officer = serializers.CharField(
        max_length=150,
        required=False,
        help_text="A new case officer's username: an active member of the authority's "
        "Prevent team. The change is in the referral's history.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        referral: Referral = self.context["referral"]
        errors: dict[str, str] = {}
        if "case_officer" in attrs:
            username = attrs["case_officer"]
            attrs["case_officer"] = _case_officer(referral.authority, username)
            if attrs["case_officer"] is None:
                errors["case_officer"] = _not_a_case_officer(referral.authority, username)
        if "sector" in attrs:
            label = attrs["sector"]
            attrs["sector"] = _by_label_or_code(Sector, label)
            if label.strip() and attrs["sector"] is None:
                errors["sector"] = f"'{label}' is not a known sector."
        if "concern" in attrs:
            label = attrs["concern"]
            attrs["concern"] = (
                queries.concern_by_label(label, referral.received_on) if label.strip() else None
            )
            if label.strip() and attrs["concern"] is None:
                errors["concern"] = f"'{label}' is not a known concern."
        if "vulnerabilities" in attrs:
            found = []
            for label in attrs["vulnerabilities"]:
                vulnerability = _by_label_or_code(Vulnerability, label)
                if vulnerability is None:
                    errors["vulnerabilities"] = f"'{label}' is not a known vulnerability."
                else:
                    found.append(vulnerability)
            attrs["vulnerabilities"] = found
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class EditConflictSerializer(serializers.Serializer[dict[str, Any]]):
    """The answer to a stale update (412): who changed the record, when, and as it is now."""

    detail = serializers.CharField()
    changed_by = serializers.CharField(help_text="Who last changed the record.")
    changed_at = serializers.DateTimeField(help_text="When, to the microsecond.")
    current = ReferralSerializer(help_text="The record as it is now; its ETag is in the header.")


class AlreadyReceivedSerializer(serializers.Serializer[dict[str, Any]]):
    """409: the reference sent is already used in the authority (a referral sent twice)."""

    detail = serializers.CharField()
    reference = serializers.CharField(help_text="The reference as recorded.")
    existing = serializers.CharField(
        allow_null=True,
        help_text="The earlier referral's address, when the caller may read it (also in "
        "the Location header); null otherwise.",
    )


LOCATION = OpenApiParameter(
    "Location",
    str,
    OpenApiParameter.HEADER,
    description="201: the new referral's address. 409: the earlier referral's, when the "
    "caller may read it.",
    response=[201, 409],
)


class DetailSerializer(serializers.Serializer[dict[str, Any]]):
    detail = serializers.CharField()


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The referral's ETag as last read (GET answers it in the ETag header). "
    "If the referral changed since, the update is refused with 412.",
)


ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    description="The referral's version: send it in If-Match to update the referral.",
    response=[200, 412],
)


@transaction.atomic
@transaction.atomic
def _receive(data: dict[str, Any], user: Any) -> Referral:
    """A new referral (and, if given, a new person) through the intake services: both or
    neither (a refused referral leaves no new person behind)."""
    person = data.get("person_id")
    if person is None:
        details = data["person"]
        person = services.create_person(
            authority=data["authority"],
            details=services.PersonDetails(
                given_name=details.get("given_name", "").strip(),
                family_name=details.get("family_name", "").strip(),
                other_names=details.get("other_names", "").strip(),
                date_of_birth=details.get("date_of_birth"),
                gender=details.get("gender"),
                ethnic_group=details.get("ethnic_group", ""),
                religion=details.get("religion", ""),
                address=details.get("address", "").strip(),
                ward=details.get("ward"),
            ),
            acting_user=user,
        )
    return services.receive_referral(
        person=person,
        details=services.ReferralDetails(
            received_on=data["received_on"],
            referrer_name=data.get("referrer_name", "").strip(),
            referrer_organisation=data.get("referrer_organisation", "").strip(),
            referrer_contact=data.get("referrer_contact", "").strip(),
            sector=data.get("sector"),
            concern_description=data.get("concern_description", "").strip(),
            concern=data.get("concern"),
            age_at_referral=data.get("age_at_referral"),
            gender=data.get("gender"),
            ward=data.get("ward"),
            vulnerabilities=data.get("vulnerabilities", []),
            reference=data.get("reference", "").strip(),
            source=ReferralSource.API,
        ),
        coordinator=data.get("case_officer"),
        acting_user=user,
    )


# --------------------------------------------------------------------------------------
# Endpoints


class _Base(AuditedAPIMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    pass


@extend_schema_view(
    list=extend_schema(summary="People recorded in your authorities"),
    retrieve=extend_schema(summary="A person"),
)
class PersonViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PersonSerializer
    audit_object_type = "casework.person"
    access_by_action = {
        "list": _rule(Kind.CASEWORK, Action.LIST),
        "retrieve": _rule(Kind.CASEWORK, Action.VIEW, object_scoped=True),
    }
    scope_by_action = {"list": ApiScope.CASEWORK_READ, "retrieve": ApiScope.CASEWORK_READ}

    def get_queryset(self) -> QuerySet[Person]:
        wanted = Action.LIST if self.action == "list" else Action.VIEW
        return (
            queries.people_visible_to(self.request.user, wanted)
            .select_related("authority", "ward")
            .prefetch_related(Prefetch("referrals", Referral.objects.only("pk", "person_id")))
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        self.audited_object = person
        return Response(self.get_serializer(person).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self.audit_listed([p.pk for p in page], {p.authority_id for p in page})
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# An id is a whole number within 64 bits, answered the same on SQLite and PostgreSQL.
_ID_LIMIT = 10**18 - 1


class ReferralFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """The list's query parameters: each checked, so an unknown stage or a date that is not
    a date is refused with 400 naming the parameter, never answered with an empty list."""

    reference = serializers.CharField(
        required=False, max_length=40, help_text="Only the referral with this reference."
    )
    person = serializers.IntegerField(
        required=False,
        min_value=-_ID_LIMIT,
        max_value=_ID_LIMIT,
        help_text="Only the referrals of this person.",
        error_messages={
            key: "Enter a person's id: a whole number."
            for key in ("invalid", "max_value", "min_value", "max_string_length")
        },
    )
    stage = serializers.ChoiceField(
        Stage.choices,
        required=False,
        help_text="Only referrals at this stage.",
        error_messages={"invalid_choice": "'{input}' is not a stage. Use one of the codes listed."},
    )
    received_from = serializers.DateField(required=False, help_text="Received on or after.")
    received_to = serializers.DateField(required=False, help_text="Received on or before.")


_FILTER_LOOKUPS = {
    "reference": "reference",
    "person": "person_id",
    "stage": "stage",
    "received_from": "received_on__gte",
    "received_to": "received_on__lte",
}


@extend_schema_view(
    list=extend_schema(
        summary="Referrals in your authorities, newest first",
        parameters=[ReferralFilterSerializer],
    ),
    retrieve=extend_schema(summary="A referral with its stages", parameters=[ETAG]),
    create=extend_schema(
        summary="Send a referral",
        request=NewReferralSerializer,
        parameters=[LOCATION],
        responses={201: ReferralSerializer, 409: AlreadyReceivedSerializer},
    ),
    stages=extend_schema(
        summary="The stages (history) of a referral, oldest first, a page at a time",
        responses=StageEventSerializer(many=True),
    ),
    partial_update=extend_schema(
        summary="Correct a referral's intake details (If-Match required)",
        request=ReferralUpdateSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ReferralSerializer,
            412: EditConflictSerializer,
            428: DetailSerializer,
        },
    ),
)
class ReferralViewSet(
    _Base, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    serializer_class = ReferralSerializer
    audit_object_type = "casework.referral"
    access_by_action = {
        "list": _rule(Kind.CASEWORK, Action.LIST),
        "retrieve": _rule(Kind.CASEWORK, Action.VIEW, object_scoped=True),
        "stages": _rule(Kind.CASEWORK, Action.VIEW, object_scoped=True),
        "create": _rule(Kind.CASEWORK, Action.CHANGE, method="POST"),
        "partial_update": _rule(Kind.CASEWORK, Action.CHANGE, method="PATCH", object_scoped=True),
    }
    scope_by_action = {
        "list": ApiScope.CASEWORK_READ,
        "retrieve": ApiScope.CASEWORK_READ,
        "stages": ApiScope.CASEWORK_READ,
        "create": ApiScope.REFERRALS_CREATE,
        "partial_update": ApiScope.REFERRALS_UPDATE,
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return NewReferralSerializer if self.action == "create" else ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        wanted = {"list": Action.LIST, "partial_update": Action.CHANGE}.get(
            self.action, Action.VIEW
        )
        referrals = (
            queries.referrals_visible_to(self.request.user, wanted)
            .select_related(
                "authority",
                "ward",
                "exit_reason",
                "gateway_concern",
                "panel_concern",
                "coordinator",
            )
            .prefetch_related(
                "vulnerabilities",
                "onward_referrals",
                Prefetch("events", StageEvent.objects.select_related("concern")),
            )
        )
        if self.action != "list":
            return referrals
        given = {k: v for k, v in self.request.query_params.items() if k in _FILTER_LOOKUPS and v}
        wanted_filters = ReferralFilterSerializer(data=given)
        wanted_filters.is_valid(raise_exception=True)
        return referrals.filter(
            **{_FILTER_LOOKUPS[k]: v for k, v in wanted_filters.validated_data.items()}
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = self.get_object()
        self.audited_object = referral
        return Response(
            ReferralSerializer(referral, context={"request": request}).data,
            headers={"ETag": versions.etag_of(referral)},
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Send only the fields to change. The referral's version travels as its ETag: GET
        the referral, then send that ETag in `If-Match`. A referral someone changed since is
        not overwritten: the answer is 412 with who changed it, when, and the referral as it
        is now (and its ETag); without `If-Match` the answer is 428."""
        referral = self.get_object()
        given = request.headers.get("If-Match", "").strip()
        if not given:
            return Response(
                {"detail": "Send If-Match with the referral's ETag (from GET)."},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        incoming = ReferralUpdateSerializer(
            data=request.data, context={"request": request, "referral": referral}
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data

        officer = data.get("case_officer")
        details_given = set(data) - {"case_officer"} or officer is None

        def save() -> Referral:
            if officer is not None and officer.pk != referral.coordinator_id:
                try:
                    services.assign_case_officer(
                        referral, officer, acting_user=signed_in_user(request)
                    )
                except DjangoValidationError as error:  # the page's field is "officer"
                    if hasattr(error, "error_dict") and "officer" in error.error_dict:
                        error.error_dict["case_officer"] = error.error_dict.pop("officer")
                    raise
            if not details_given:
                return referral
            return services.update_referral_details(
                referral,
                concern_description=data.get("concern_description", referral.concern_description),
                concern=data.get("concern", referral.concern),
                sector=data.get("sector", referral.sector),
                vulnerabilities=data.get("vulnerabilities", list(referral.vulnerabilities.all())),
                panel_summary=referral.panel_summary,
                acting_user=signed_in_user(request),
            )

        try:
            versions.save_if_current(
                referral,
                versions.version_from_etag(given),
                save,
                acting_user=signed_in_user(request),
            )
        except versions.EditConflict as conflict:
            current = self.get_queryset().get(pk=referral.pk)
            return Response(
                {
                    "detail": f"{conflict.changed_by_name} changed this referral at "
                    f"{conflict.changed_at_text}, after the version you sent. Nothing was "
                    "saved: compare the current referral, then send your change again with "
                    "its ETag.",
                    "changed_by": conflict.changed_by_name,
                    "changed_at": conflict.changed_at,
                    "current": ReferralSerializer(current, context={"request": request}).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
                headers={"ETag": versions.etag_of(current)},
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from None
        self.audited_object = referral
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(
            ReferralSerializer(fresh, context={"request": request}).data,
            headers={"ETag": versions.etag_of(fresh)},
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            page = self.paginate_queryset(self.get_queryset())
        except DjangoValidationError:
            raise serializers.ValidationError("A filter's value is not valid.") from None
        assert page is not None
        self.audit_listed([r.person_id for r in page], {r.authority_id for r in page})
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A referral whose `reference` is already used in the authority is not received
        again: the answer is 409 with the reference as recorded and, if the caller may read
        it, the earlier referral's address (a partner retrying after a lost answer can take
        the earlier one). Nothing is saved."""
        incoming = NewReferralSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        earlier = self._already_received(incoming.validated_data)
        if earlier is not None:
            readable = queries.referrals_visible_to(request.user, Action.VIEW).filter(pk=earlier.pk)
            address = f"{request.path.rstrip('/')}/{earlier.pk}/" if readable.exists() else None
            return Response(
                {
                    "detail": f"Reference {earlier.reference} is already used: a referral "
                    f"with it was received on {earlier.received_on:%-d %B %Y}. Nothing was "
                    "saved.",
                    "reference": earlier.reference,
                    "existing": address,
                },
                status=status.HTTP_409_CONFLICT,
                headers={"Location": address} if address else None,
            )
        try:
            referral = _receive(incoming.validated_data, request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from None
        self.audited_object = referral
        referral = self.get_queryset().get(pk=referral.pk)
        body = ReferralSerializer(referral, context={"request": request}).data
        location = f"{request.path.rstrip('/')}/{referral.pk}/"
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    @staticmethod
    def _already_received(data: dict[str, Any]) -> Referral | None:
        reference = data.get("reference", "").strip()
        if not reference:
            return None
        return Referral.objects.filter(
            authority=data["authority"], reference__iexact=reference
        ).first()

    @action(detail=True, methods=["get"], pagination_class=OldestFirstCursorPagination)
    def stages(self, request: Request, pk: Any = None) -> Response:
        """Pages as every list does (`next`, `previous`, `results`; `page_size` up to 200)."""
        referral = self.get_object()
        self.audited_object = referral
        page = self.paginate_queryset(referral.events.select_related("concern"))
        assert page is not None
        return self.get_paginated_response(StageEventSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Channel panels you may see, with members and meetings"),
    retrieve=extend_schema(summary="A Channel panel"),
)
class PanelViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PanelSerializer
    audit_object_type = "casework.panel"
    access_by_action = {
        "list": _rule(Kind.PANEL, Action.LIST),
        "retrieve": _rule(Kind.PANEL, Action.VIEW, object_scoped=True),
    }
    scope_by_action = {"list": ApiScope.PANELS_READ, "retrieve": ApiScope.PANELS_READ}

    def get_queryset(self) -> QuerySet[Panel]:
        wanted = Action.LIST if self.action == "list" else Action.VIEW
        return (
            queries.panels_visible_to(self.request.user, wanted)
            .select_related("authority")
            .prefetch_related("members", "meetings__attendance")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        panel = self.get_object()
        self.audited_object = panel
        return Response(self.get_serializer(panel).data)


@extend_schema_view(
    list=extend_schema(summary="Panel actions you may see (a panel member: their own)"),
    retrieve=extend_schema(summary="A panel action"),
)
class PanelActionViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PanelActionSerializer
    audit_object_type = "casework.panelaction"
    access_by_action = {
        "list": _rule(Kind.PANEL_ACTION, Action.LIST),
        "retrieve": _rule(Kind.PANEL_ACTION, Action.VIEW, object_scoped=True),
    }
    scope_by_action = {
        "list": ApiScope.PANEL_ACTIONS_READ,
        "retrieve": ApiScope.PANEL_ACTIONS_READ,
    }

    def get_queryset(self) -> QuerySet[PanelAction]:
        wanted = Action.LIST if self.action == "list" else Action.VIEW
        return queries.actions_visible_to(self.request.user, wanted)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        panel_action = self.get_object()
        self.audited_object = panel_action
        return Response(self.get_serializer(panel_action).data)


router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("panels", PanelViewSet, basename="panel")
router.register("panel-actions", PanelActionViewSet, basename="panel-action")

urlpatterns = router.urls
