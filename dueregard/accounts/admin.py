"""The administrators' site: users, memberships, areas, API tokens and failed sign-ins.
No case content is registered.

Only users with the Administrator role who signed in with their second factor get in;
anyone else signed in gets 403, and anonymous users go to the service's own sign-in.
Nothing can be deleted here: records are deactivated, never removed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from dueregard.areas.models import Authority, Population, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from .access import signed_in_user
from .models import ApiToken, EnrolmentLink, Membership, User
from .permissions import is_administrator


class DueRegardAdminSite(admin.AdminSite):
    site_header = "Due Regard administration"
    site_title = "Due Regard administration"
    index_title = "Users, memberships and areas"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            # django_otp's OTPMiddleware gives the request's user is_verified().
            and user.is_verified()  # type: ignore[union-attr,attr-defined]
            and is_administrator(user)
        )

    def admin_view(self, view: Callable[..., HttpResponseBase], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return redirect(f"{reverse('accounts:sign_in')}?next={reverse('admin:index')}")


site = DueRegardAdminSite(name="admin")


class AdministratorAdmin(admin.ModelAdmin):
    """Administrators may view, add and change; nobody deletes through the admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            AuditAction.CHANGE if change else AuditAction.CREATE,
            actor=request.user,
            obj=obj,
            detail={"fields": sorted(form.changed_data), "via": "admin"},
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "authority", "region", "agency", "active"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return site.has_permission(request)


class DueRegardUserAdmin(AdministratorAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "email")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    actions = ["issue_enrolment_link", "unlock_sign_in"]

    @admin.action(
        description="Issue an enrolment link to the selected users (removes their authenticator)"
    )
    def issue_enrolment_link(self, request: HttpRequest, queryset: Any) -> Any:
        """A page with each user's new link, shown once (only its hash is kept)."""
        from django.conf import settings
        from django.template.response import TemplateResponse

        from .services import issue_enrolment_link

        issued = []
        for user in queryset.filter(is_active=True).order_by("username"):
            _link, secret = issue_enrolment_link(user, acting_user=signed_in_user(request))
            url = request.build_absolute_uri(reverse("accounts:enrol", args=[secret]))
            issued.append((user, url))
        return TemplateResponse(
            request,
            "admin/accounts/enrolment_links_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": "Enrolment links issued",
                "issued": issued,
                "hours": settings.ENROLMENT_LINK_HOURS,
                "opts": self.model._meta,
            },
        )

    @admin.action(description="Unlock sign-in for the selected users (from every address)")
    def unlock_sign_in(self, request: HttpRequest, queryset: Any) -> None:
        from .services import unlock_sign_in

        unlocked = [
            user.username
            for user in queryset
            if unlock_sign_in(user.username, acting_user=signed_in_user(request))
        ]
        self.message_user(
            request,
            f"Failed sign-ins cleared, so unlocked: {', '.join(unlocked)}."
            if unlocked
            else "None of them had failed sign-ins to clear.",
            messages.SUCCESS if unlocked else messages.INFO,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            record(
                AuditAction.CHANGE,
                actor=request.user,
                obj=form.instance,
                detail={"memberships": "changed", "via": "admin"},
            )


class AuthorityAdmin(AdministratorAdmin):
    list_display = ["name", "ons_code", "region", "ct_policing_region"]
    search_fields = ["name", "ons_code"]


class WardAdmin(AdministratorAdmin):
    list_display = ["name", "ons_code", "authority"]
    list_filter = ["authority"]
    search_fields = ["name", "ons_code"]


class PopulationAdmin(AdministratorAdmin):
    list_display = ["authority", "ward", "characteristic", "group", "count"]
    list_filter = ["authority", "characteristic"]


site.register(User, DueRegardUserAdmin)
site.register(Authority, AuthorityAdmin)
site.register(Ward, WardAdmin)
site.register(Population, PopulationAdmin)


class ApiTokenAdmin(AdministratorAdmin):
    """Tokens are issued with `manage.py api_token issue` (the secret is shown once there);
    here administrators see them and revoke them."""

    list_display = ["prefix", "agency", "name", "user", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = [
        "user",
        "agency",
        "name",
        "scopes",
        "prefix",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from .services import revoke_api_token

        for token in queryset:
            revoke_api_token(token, acting_user=signed_in_user(request))


site.register(ApiToken, ApiTokenAdmin)


class LockedOutFilter(admin.SimpleListFilter):
    title = "locked out"
    parameter_name = "locked_out"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        from django.conf import settings

        limit = settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


class FailedSignInAdmin(AdministratorAdmin):
    """django-axes' record of failed sign-ins, one row per username, address and browser.
    A username is locked out at an address once its failures there reach the limit (and
    until the lockout time passes); unlocking forgets its failed sign-ins, audited. The
    same as `manage.py unlock_user USERNAME`."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = [LockedOutFilter]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start"]
    readonly_fields += ["attempt_time"]
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: the only change is the unlock action

    @admin.display(boolean=True, description="Locked out")
    def locked(self, attempt: AccessAttempt) -> bool:
        from .services import locked_addresses

        return attempt.ip_address in locked_addresses(attempt.username or "")

    @admin.action(description="Unlock sign-in for the selected usernames at these addresses")
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        from .services import unlock_sign_in

        pairs = sorted({(a.username or "", a.ip_address) for a in queryset})
        for username, address in pairs:
            unlock_sign_in(username, ip_address=address, acting_user=signed_in_user(request))
        self.message_user(
            request,
            "Unlocked " + ", ".join(f"{u} at {a}" for u, a in pairs) + ".",
            messages.SUCCESS,
        )


site.register(AccessAttempt, FailedSignInAdmin)


class EnrolmentLinkAdmin(AdministratorAdmin):
    """Links are issued from the users list (or `manage.py enrolment_link USERNAME`); here
    administrators see which were issued, by whom, and whether they were used."""

    list_display = ["user", "created_at", "created_by", "expires_at", "state"]
    list_filter = ["used_at", "withdrawn_at"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["user", "created_at", "created_by", "expires_at", "used_at", "withdrawn_at"]
    readonly_fields = ["user", "created_at", "created_by", "expires_at", "used_at"]
    readonly_fields += ["withdrawn_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(EnrolmentLink, EnrolmentLinkAdmin)
