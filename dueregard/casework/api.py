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

import datetime
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

from dueregard.accounts.access import Access
from dueregard.accounts.models import ApiScope
from dueregard.accounts.permissions import Action, Kind, authorities_for
from dueregard.api.mixins import AuditedAPIMixin
from dueregard.areas.models import Authority, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from . import queries, services
from .models import (
    Attendance,
    EthnicGroup,
    Gender,
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


class ReferralSerializer(serializers.ModelSerializer[Referral]):
    authority = _slug("ons_code")
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

    class Meta:
        model = PanelMeeting
        fields = ["id", "held_on", "status", "attendance"]


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
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


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


@transaction.atomic
def _receive(data: dict[str, Any], user: Any) -> Referral:
    """A new referral (and, if given, a new person) through the intake services."""
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
        acting_user=user,
    )


# --------------------------------------------------------------------------------------
# Endpoints


class _Base(AuditedAPIMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    def list_audit(self, people: list[int], authority_ids: set[int]) -> None:
        """As the list pages: one VIEW event naming the people listed (besides the call)."""
        if not people:
            return
        record(
            AuditAction.VIEW,
            actor=self.request.user,
            object_type=f"{self.audit_object_type}_list",
            authority=next(iter(authority_ids)) if len(authority_ids) == 1 else None,
            person_id=people[0] if len(set(people)) == 1 else None,
            detail={
                "api": self.request.path[:200],
                "people": ",".join(map(str, sorted(set(people))[:500])),
            },
        )


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
        self.list_audit([p.pk for p in page], {p.authority_id for p in page})
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


REFERRAL_FILTERS = [
    OpenApiParameter("reference", str, description="Only the referral with this reference."),
    OpenApiParameter("person", int, description="Only the referrals of this person."),
    OpenApiParameter("stage", str, enum=Stage.values, description="Only referrals at this stage."),
    OpenApiParameter("received_from", datetime.date, description="Received on or after."),
    OpenApiParameter("received_to", datetime.date, description="Received on or before."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Referrals in your authorities, newest first", parameters=REFERRAL_FILTERS
    ),
    retrieve=extend_schema(summary="A referral with its stages"),
    create=extend_schema(
        summary="Send a referral",
        request=NewReferralSerializer,
        responses={201: ReferralSerializer},
    ),
    stages=extend_schema(
        summary="The stages (history) of a referral, oldest first",
        responses=StageEventSerializer(many=True),
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
    }
    scope_by_action = {
        "list": ApiScope.CASEWORK_READ,
        "retrieve": ApiScope.CASEWORK_READ,
        "stages": ApiScope.CASEWORK_READ,
        "create": ApiScope.REFERRALS_CREATE,
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return NewReferralSerializer if self.action == "create" else ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        wanted = Action.LIST if self.action == "list" else Action.VIEW
        referrals = (
            queries.referrals_visible_to(self.request.user, wanted)
            .select_related("authority", "ward", "exit_reason", "gateway_concern", "panel_concern")
            .prefetch_related(
                "vulnerabilities",
                Prefetch("events", StageEvent.objects.select_related("concern")),
            )
        )
        if self.action != "list":
            return referrals
        params = self.request.query_params
        filters: dict[str, Any] = {}
        for name, lookup in (
            ("reference", "reference"),
            ("person", "person_id"),
            ("stage", "stage"),
            ("received_from", "received_on__gte"),
            ("received_to", "received_on__lte"),
        ):
            if params.get(name):
                filters[lookup] = params[name]
        try:
            return referrals.filter(**filters)
        except (ValueError, DjangoValidationError):
            raise serializers.ValidationError("A filter's value is not valid.") from None

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = self.get_object()
        self.audited_object = referral
        return Response(ReferralSerializer(referral, context={"request": request}).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            page = self.paginate_queryset(self.get_queryset())
        except DjangoValidationError:
            raise serializers.ValidationError("A filter's value is not valid.") from None
        assert page is not None
        self.list_audit([r.person_id for r in page], {r.authority_id for r in page})
        return self.get_paginated_response(ReferralSerializer(page, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = NewReferralSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
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

    @action(detail=True, methods=["get"])
    def stages(self, request: Request, pk: Any = None) -> Response:
        referral = self.get_object()
        self.audited_object = referral
        events = referral.events.select_related("concern").order_by("occurred_on", "pk")
        return Response(StageEventSerializer(events, many=True).data)


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
