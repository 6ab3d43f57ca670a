"""Accounts: second-factor devices and the sign-in events they lead to."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record

from .models import ApiScope, ApiToken, EnrolmentLink, Membership, User

BACKUP_CODE_COUNT = 10


def start_totp_enrolment(user: User) -> TOTPDevice:
    """An unconfirmed authenticator-app device for `user` (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


class EnrolmentLinkNotValid(Exception):
    """The enrolment link is unknown, expired, withdrawn, already used or someone else's."""


@transaction.atomic
def confirm_totp_enrolment(
    device: TOTPDevice, *, enrolment_link: EnrolmentLink, acting_user: User | None
) -> list[str]:
    """Confirm the device and issue fresh one-time backup codes, returned once to show.

    Uses up `enrolment_link` in the same transaction: it must be the device's user's and
    still open, else EnrolmentLinkNotValid and nothing is confirmed. Claimed with one
    conditional UPDATE, so of two browsers finishing with the same link only one wins.
    """
    from django.utils import timezone

    now = timezone.now()
    claimed = EnrolmentLink.objects.filter(
        pk=enrolment_link.pk,
        user_id=device.user_id,
        used_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    ).update(used_at=now)
    if not claimed:
        raise EnrolmentLinkNotValid
    # Whatever else the user had (an earlier unconfirmed set-up) goes: this device is theirs.
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = issue_backup_codes(device.user)
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=enrolment_link,
        detail={"enrolment_link": "used", "username": device.user.username},
    )
    record(
        AuditAction.CHANGE, actor=acting_user, obj=device.user, detail={"second_factor": "set up"}
    )
    return codes


@transaction.atomic
def issue_enrolment_link(user: User, *, acting_user: User | None) -> tuple[EnrolmentLink, str]:
    """A new single-use enrolment link for `user`, returned with its secret (shown once).

    For a new user and after a lost device alike: the user's authenticator and backup
    codes are removed now (so a lost phone stops working at once, and any session it
    verified with it), and earlier links still open are withdrawn. Until the user uses
    the link, they cannot sign in. Audited, naming what was removed.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    now = timezone.now()
    withdrawn = EnrolmentLink.objects.filter(
        user=user, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
    ).update(withdrawn_at=now)
    had_authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    link = EnrolmentLink.objects.create(
        user=user,
        token_hash=_hash_key(secret),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        expires_at=now + timedelta(hours=settings.ENROLMENT_LINK_HOURS),
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=link,
        detail={
            "enrolment_link": "issued",
            "username": user.username,
            "expires_at": link.expires_at.isoformat(),
            "authenticator_removed": had_authenticator,
            "links_withdrawn": withdrawn,
        },
    )
    return link, secret


def find_enrolment_link(secret: str) -> EnrolmentLink | None:
    """The open enrolment link whose secret is `secret` (its user active), or None."""
    from django.utils import timezone

    if not secret or len(secret) > 100:
        return None
    return (
        EnrolmentLink.objects.select_related("user")
        .filter(
            token_hash=_hash_key(secret),
            used_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def open_enrolment_link(user: User, link_id: Any) -> EnrolmentLink | None:
    """The enrolment link `link_id` if it is `user`'s and still open, else None."""
    from django.utils import timezone

    if not isinstance(link_id, int):
        return None
    return EnrolmentLink.objects.filter(
        pk=link_id,
        user=user,
        used_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def issue_backup_codes(user: User, codes: list[str] | None = None) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = codes or [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def create_user(
    *,
    username: str,
    full_name: str,
    email: str = "",
    job_title: str = "",
    password: str | None = None,
    acting_user: User | None,
) -> User:
    user = User(username=username, full_name=full_name, email=email, job_title=job_title)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(AuditAction.CREATE, actor=acting_user, obj=user)
    return user


@transaction.atomic
def grant_membership(
    user: User,
    role: str,
    *,
    authority: Any = None,
    region: str = "",
    agency: str = "",
    acting_user: User | None,
) -> Membership:
    """Give `user` a role in an authority (or, for regional viewers, a region)."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=role,
        authority=authority,
        region=region,
        defaults={"agency": agency},
    )
    if not created and (not membership.active or membership.agency != agency):
        membership.active = True
        membership.agency = agency
        membership.save(update_fields=["active", "agency"])
    record(
        AuditAction.CREATE if created else AuditAction.CHANGE,
        actor=acting_user,
        obj=membership,
        authority=authority,
        detail={"role": role},
    )
    return membership


def seconds_until_next_attempt(user: User) -> int:
    """Seconds before the user's second factor accepts another try (0: now).

    django-otp slows guessing down: each wrong code doubles the wait.
    """
    from django.utils import timezone

    waits = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append((info["locked_until"] - timezone.now()).total_seconds())
    return max(0, int(max(waits, default=0)) + (1 if waits else 0))


def record_sign_in_lockout(username: str, *, failures: int | None) -> None:
    """Audit a sign-in refused by the lockout (django-axes), from the request's address.

    `failures` is django-axes' count of failures for the username at this address,
    this attempt included (None if it did not count it). The attempt whose count reaches
    the limit is the one that locked the username here: its event says the lockout
    started; attempts during the lockout are refused and recorded as such.
    """
    from django.conf import settings

    detail: dict[str, Any] = {"username": username[:150], "stage": "locked out"}
    if failures is not None and failures <= settings.AXES_FAILURE_LIMIT:
        detail["lockout"] = "started"
    if failures is not None:
        detail["failures"] = failures
    record(AuditAction.FAILED_SIGN_IN, actor=None, object_type="accounts.user", detail=detail)


def locked_addresses(username: str) -> list[str]:
    """The client addresses from which `username` is locked out now, most recent first."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Max, Sum
    from django.utils import timezone

    rows = (
        AccessAttempt.objects.filter(username=username)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        rows = rows.filter(latest__gte=timezone.now() - cool_off)
    return [row["ip_address"] or "" for row in rows.order_by("-latest")]


@transaction.atomic
def unlock_sign_in(
    username: str, *, ip_address: str | None = None, acting_user: User | None
) -> int:
    """Lift the sign-in lockout of `username` (from every address, or from `ip_address`):
    its failed attempts are forgotten, so it has the full number of tries again.

    Writes one audit event naming the username, the addresses that were locked and how
    many attempt records were cleared; returns that number (0: there was nothing to lift,
    and nothing is written).
    """
    from axes.models import AccessAttempt
    from axes.utils import reset

    attempts = AccessAttempt.objects.filter(username=username)
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    addresses = [a for a in locked_addresses(username) if ip_address in (None, a)]
    if not attempts.exists():
        return 0
    cleared = reset(username=username, ip=ip_address)
    user = User.objects.filter(username=username).first()
    record(
        AuditAction.CHANGE,
        actor=acting_user,
        obj=user,
        object_type="accounts.user",
        detail={
            "sign_in": "unlocked",
            "username": username[:150],
            "locked_addresses": addresses,
            "attempts_cleared": cleared,
        },
    )
    return cleared


TOKEN_BYTES = 32


def _hash_key(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(
    *,
    service_account: User,
    agency: str,
    name: str,
    scopes: list[str],
    days: int,
    acting_user: User | None,
) -> tuple[ApiToken, str]:
    """Issue a token for a partner system; returns it with the secret, shown only once."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError(f"Unknown scopes: {', '.join(unknown)}")
    if not 1 <= days <= 366:
        raise ValidationError("A token lasts from 1 to 366 days")
    prefix = secrets.token_hex(4)
    key = f"dr_{prefix}_{secrets.token_urlsafe(TOKEN_BYTES)}"
    token = ApiToken.objects.create(
        user=service_account,
        agency=agency,
        name=name,
        scopes=sorted(set(scopes)),
        prefix=prefix,
        key_hash=_hash_key(key),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        AuditAction.CREATE,
        actor=acting_user,
        obj=token,
        detail={"agency": agency, "scopes": token.scopes},
    )
    return token, key


@transaction.atomic
def revoke_api_token(token: ApiToken, *, acting_user: User | None) -> ApiToken:
    from django.utils import timezone

    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(AuditAction.CHANGE, actor=acting_user, obj=token, detail={"revoked": True})
    return token


def find_api_token(key: str) -> ApiToken | None:
    """The live token whose secret is `key`, or None (unknown, expired or revoked)."""
    import hmac

    from django.utils import timezone

    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "dr":
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash_key(key)):
        return None
    if token.revoked_at is not None or token.expires_at <= timezone.now():
        return None
    if not token.user.is_active:
        return None
    return token
