"""Sign-in with a password and a second factor, sign-out, and the home page."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core import navigation

from . import oidc, services
from .access import public, signed_in
from .forms import SecurityCodeForm, SetUpCodeForm, SignInForm
from .models import User
from .permissions import active_memberships

PENDING = "dr_pending_user"
NEXT = "dr_next"
ENROLMENT = "dr_enrolment_link"
SSO_PENDING = "dr_sso_pending"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING)
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    # django_otp's OTPMiddleware gives the request's user is_verified().
    if request.user.is_authenticated and request.user.is_verified():  # type: ignore[union-attr,attr-defined]
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # axes counted this attempt only if it is the one that reached the limit.
            services.record_sign_in_lockout(
                username, failures=getattr(request, "axes_failures_since_start", None)
            )
            return locked_out(request)
        if user is None:
            record(
                AuditAction.FAILED_SIGN_IN,
                actor=None,
                object_type="accounts.user",
                detail={"username": username[:150], "stage": "password"},
            )
            form.add_error(None, "Enter a correct username and password")
        else:
            request.session.cycle_key()
            request.session.pop(SSO_PENDING, None)
            request.session[PENDING] = user.pk
            request.session[NEXT] = _safe_next(request, request.GET.get("next"))
            if services.has_second_factor(user):
                return redirect("accounts:security_code")
            return redirect("accounts:set_up_second_factor")
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "enrolling": request.session.get(ENROLMENT) is not None,
            "single_sign_on": oidc.enabled(),
        },
    )


class _CouncilSignIn(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the council's identity provider (state, nonce and PKCE)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled():
            return redirect("accounts:sign_in")
        response: HttpResponse = super().get(request)
        return response


class _CouncilCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The identity provider's answer: the account it matched signs in, verified by the
    provider's MFA when the ID token's `amr` says so, else after the security-code step."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc.enabled() or not ({"code", "error"} & set(request.GET)):
            return redirect("accounts:sign_in")  # not an answer from the provider
        response: HttpResponse = super().get(request)
        return response

    def login_success(self) -> HttpResponse:
        request: HttpRequest = self.request
        user: User = self.user
        outcome = getattr(request, oidc.OUTCOME, {})
        next_url = _safe_next(request, request.session.pop("oidc_login_next", None))
        request.session.cycle_key()
        request.session[NEXT] = next_url
        request.session[SSO_PENDING] = True
        if outcome.get("mfa"):
            _complete_sign_in(
                request,
                user,
                oidc.provider_device(user),
                detail={"method": "single sign-on", "second factor": "identity provider"},
            )
            request.session.pop(SSO_PENDING, None)
            return redirect(_safe_next(request, request.session.pop(NEXT, "/")))
        request.session[PENDING] = user.pk
        if services.has_second_factor(user):
            return redirect("accounts:security_code")
        return redirect("accounts:set_up_second_factor")

    def login_failure(self) -> HttpResponse:
        request: HttpRequest = self.request
        outcome = getattr(request, oidc.OUTCOME, {})
        refused = outcome.get("refused")
        if refused is None:
            # The provider answered with an error (the person cancelled, say) or without a
            # usable token: nothing is known about who it was.
            record(
                AuditAction.FAILED_SIGN_IN,
                actor=None,
                object_type="accounts.user",
                detail={
                    "stage": "single sign-on",
                    "reason": str(request.GET.get("error") or "no valid token")[:100],
                },
            )
        return render(
            request,
            "accounts/sso_refused.html",
            {"no_account": refused == "no account"},
            status=403,
        )


council_sign_in = public(_CouncilSignIn.as_view())
council_sign_in_callback = public(_CouncilCallback.as_view())


def _enrolment_link_not_valid(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    request.session.pop(ENROLMENT, None)
    return render(
        request,
        "accounts/enrolment_link_not_valid.html",
        {"enrolment_link_hours": settings.ENROLMENT_LINK_HOURS},
        status=404,
    )


@public
def enrol(request: HttpRequest, secret: str) -> HttpResponse:
    """An enrolment link: remember it in a fresh session, then sign in with the password;
    the set-up page shows an authenticator secret only to the link's user. Opening the
    link uses nothing up (mail scanners open links too); finishing the set-up does."""
    link = services.find_enrolment_link(secret)
    if link is None:
        return _enrolment_link_not_valid(request)
    if request.user.is_authenticated:
        logout(request)  # the link is for signing in as the person it was issued to
    request.session.cycle_key()
    request.session[ENROLMENT] = link.pk
    return redirect("accounts:sign_in")


def _complete_sign_in(
    request: HttpRequest, user: User, device: Any, detail: dict[str, Any] | None = None
) -> None:
    next_url = request.session.get(NEXT, "/")
    single_sign_on = request.session.get(SSO_PENDING, False)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    for other in TOTPDevice.objects.filter(user=user, confirmed=True):
        other.throttle_reset()  # a backup code also counted as a wrong authenticator code
    request.session[NEXT] = next_url
    if detail is None and single_sign_on:
        detail = {"method": "single sign-on", "second factor": "authenticator"}
    record(
        AuditAction.SIGN_IN,
        actor=user,
        object_type="accounts.user",
        object_id=user.pk,
        detail=detail,
    )


@public
def security_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A wrong code makes the authenticator wait before the next try (throttling);
        # say so only when this attempt came too soon, not when it was simply wrong.
        wait = services.seconds_until_next_attempt(user)
        device = match_token(user, form.cleaned_data["code"])
        if wait and device is None:
            form.add_error("code", f"Too many wrong codes: wait {wait} seconds, then try again")
        if device is None:
            record(
                AuditAction.FAILED_SIGN_IN,
                actor=None,
                object_type="accounts.user",
                object_id=user.pk,
                detail={"username": user.username, "stage": "second factor"},
            )
            if not wait:
                form.add_error("code", "The security code is not correct or has expired")
        else:
            _complete_sign_in(request, user, device)
            request.session.pop(SSO_PENDING, None)
            return redirect(_safe_next(request, request.session.pop(NEXT, "/")))
    return render(request, "accounts/security_code.html", {"form": form})


@public
def set_up_second_factor(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    if services.has_second_factor(user):
        return redirect("accounts:security_code")
    link = services.open_enrolment_link(user, request.session.get(ENROLMENT))
    if link is None:
        # The password alone never shows an authenticator secret: whoever first used an
        # issued password would own the second factor.
        record(
            AuditAction.FAILED_SIGN_IN,
            actor=None,
            object_type="accounts.user",
            object_id=user.pk,
            detail={"username": user.username, "stage": "no enrolment link"},
        )
        return render(request, "accounts/enrolment_link_needed.html", status=403)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = services.start_totp_enrolment(user)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes: wait a few seconds, then try again")
        elif device.verify_token(form.cleaned_data["code"]):
            try:
                codes = services.confirm_totp_enrolment(
                    device, enrolment_link=link, acting_user=user
                )
            except services.EnrolmentLinkNotValid:
                return _enrolment_link_not_valid(request)
            request.session.pop(ENROLMENT, None)
            _complete_sign_in(request, user, device)
            request.session.pop(SSO_PENDING, None)
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        else:
            form.add_error("code", "The security code is not correct: check the time on your phone")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return render(
        request,
        "accounts/set_up_second_factor.html",
        {"form": form, "qr_svg": svg, "secret": _grouped_secret(device)},
    )


def _grouped_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@signed_in(methods=("POST",))
def sign_out(request: HttpRequest) -> HttpResponse:
    record(
        AuditAction.SIGN_OUT,
        actor=request.user,
        object_type="accounts.user",
        object_id=request.user.pk,  # type: ignore[arg-type]  # @signed_in: the user has a pk
    )
    logout(request)
    return redirect("accounts:signed_out")


@public
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page for a username locked out at this address (django-axes calls it too, after
    sign-in has audited the attempt, so it records nothing itself)."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    memberships = active_memberships(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": memberships,
            "entries": navigation.entries_for(request.user),
            "panels": navigation.panels_for(request.user),
        },
    )
