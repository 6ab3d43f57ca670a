"""Subject access: a demo person's export opens as a PDF and as a ZIP, holds their records
and the audit of who viewed them, withholds what the coordinator redacted, and is audited."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import sign_in
from dueregard.areas.models import Authority, Region, Ward
from dueregard.audit.models import AuditAction, AuditEvent
from dueregard.casework.models import Referral
from dueregard.demo.context import DemoContext
from dueregard.demo.steps import casework as casework_step
from dueregard.demo.steps import users as users_step
from dueregard.privacy.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setattr(casework_step, "YEARS", 1)
    ctx = DemoContext()
    ctx.authority = Authority.objects.create(
        ons_code="E09999901", name="Kingsmere (demo)", region=Region.LONDON
    )
    ctx.other_authority = Authority.objects.create(
        ons_code="E07999902", name="Ashbury (demo)", region=Region.SOUTH_EAST
    )
    for n in range(3):
        Ward.objects.create(authority=ctx.authority, ons_code=f"E0599990{n}", name=f"Ward {n}")
    users_step.run(ctx)
    casework_step.run(ctx)
    return ctx


def test_subject_access_export_of_a_demo_person(demo, client, tmp_path: Path) -> None:
    lead = demo.users["coordinator"]
    referral = (
        Referral.objects.filter(authority=demo.authority, adopted_on__isnull=False)
        .exclude(referrer_name="")
        .first()
        or Referral.objects.filter(authority=demo.authority).exclude(referrer_name="").first()
    )
    assert referral is not None
    person = referral.person
    web = sign_in(client, lead)
    assert web.get(f"/casework/people/{person.pk}/").status_code == 200  # a view to find later

    response = web.post(
        f"/privacy/people/{person.pk}/subject-access/",
        {
            "received_on_day": str(demo.today.day),
            "received_on_month": str(demo.today.month),
            "received_on_year": str(demo.today.year),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sar = SubjectAccessRequest.objects.get(person=person)
    # Not released before the redactions are confirmed.
    assert web.get(f"/privacy/subject-access/{sar.pk}/export.pdf").status_code == 302

    page = web.get(f"/privacy/subject-access/{sar.pk}/").content.decode()
    assert "Referrer&#x27;s name" in page and referral.referrer_name in page
    key = f"casework.referral:{referral.pk}:referrer_name"
    response = web.post(
        f"/privacy/subject-access/{sar.pk}/",
        {"redact": [key], "phrases": "Fictional demo note"},
    )
    assert response.status_code == 302

    pdf = web.get(f"/privacy/subject-access/{sar.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Subject access export" in text and "OFFICIAL-SENSITIVE" in text
    assert person.family_name in text and referral.reference in text
    assert "View history" in text and "coordinator" in text and "Viewed" in text
    assert referral.referrer_name not in text and "[redacted]" in text
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],  # noqa: S607
        check=True,
    )
    assert list(tmp_path.glob("p*.png"))

    archive = web.get(f"/privacy/subject-access/{sar.pk}/export.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = set(z.namelist())
        assert {
            "person.json",
            "referrals.json",
            "history.json",
            "view_history.json",
            "assessments.json",
            "consents.json",
            f"subject-access-{sar.pk}.pdf",
            "README.txt",
        } <= names
        views = json.loads(z.read("view_history.json"))
        assert any(v["who"] == "coordinator" and v["action"] == "Viewed" for v in views)
        referrals = json.loads(z.read("referrals.json"))
        assert {r["reference"] for r in referrals} == {
            r.reference for r in Referral.objects.filter(person=person)
        }
        mine = next(r for r in referrals if r["reference"] == referral.reference)
        assert mine["referrer_name"] == "[redacted]"
        assert "Fictional demo note" not in z.read("reviews.json").decode()

    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, person_id=person.pk)
    assert sorted(e.detail["format"] for e in exports) == ["pdf", "zip"]
    assert all(e.actor == lead for e in exports)


def test_subject_access_is_for_the_case_team_of_the_authority(world, as_user) -> None:
    from dueregard.privacy.tests.url_samples import scenario

    sar = scenario(world)["sar"]
    for persona, status in [("panel_member", 404), ("auditor", 404), ("other_coordinator", 404)]:
        assert (
            as_user(world[persona]).get(f"/privacy/subject-access/{sar.pk}/export.zip").status_code
            == status
        )
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
