"""The administrators' site: users, memberships and areas. No case content is registered.

Only users with the Administrator role who signed in with their second factor get in;
anyone else signed in gets 403, and anonymous users go to the service's own sign-in.
Nothing can be deleted here: records are deactivated, never removed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from dueregard.areas.models import Authority, Population, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from .models import ApiToken, Membership, User
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
            revoke_api_token(token, acting_user=request.user)


site.register(ApiToken, ApiTokenAdmin)
