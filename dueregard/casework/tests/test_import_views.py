"""The upload page: the same import as the command, for a Prevent lead or panel chair."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from dueregard.accounts.models import Membership, Role
from dueregard.audit.models import AuditEvent
from dueregard.casework.models import Person, Referral, StageEvent

pytestmark = pytest.mark.django_db

GOOD = (
    b"reference,received_on,triage_outcome,referred_to_police_on,gateway_outcome\n"
    b"WEB-1,2020-02-03,Advice provided,,\n"
    b"WEB-2,2020-02-04,Referred to police,2020-02-05,No further action\n"
)
BAD = (
    b"reference,received_on,triage_outcome,sector\n"
    b"WEB-1,2020-02-31,Advice provided,Education\n"
    b"WEB-2,2020-02-04,No further action,Schools\n"
)


def upload(client, content: bytes, name: str = "history.csv", **extra):
    return client.post(
        reverse("casework:import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra},
    )


def test_the_page_offers_a_file_upload_with_the_columns_explained(world, as_user) -> None:
    response = as_user(world["coordinator"]).get(reverse("casework:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'class="govuk-file-upload"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "reference</code> and <code>received_on</code> are required" in html
    assert 'name="authority"' not in html  # only one authority to choose from


def test_a_good_file_is_imported_then_confirmed_on_its_own_page(world, as_user) -> None:
    client = as_user(world["coordinator"])
    response = upload(client, GOOD)
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:import_done")
    assert Referral.objects.filter(authority=world.authority).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 referrals imported into Testborough" in page
    assert "history.csv" in page
    event = AuditEvent.objects.get(object_type="casework.import")
    assert event.actor == world["coordinator"]
    assert event.detail["file"] == "history.csv"


def test_a_bad_file_lists_every_problem_and_writes_nothing(world, as_user) -> None:
    before = (Referral.objects.count(), Person.objects.count(), StageEvent.objects.count())
    audit_before = AuditEvent.objects.count()
    response = upload(as_user(world["coordinator"]), BAD)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "history.csv was not imported: 2 problems were found. Nothing was written." in html
    # In the error summary (linked to the table) and in the table of problems.
    assert 'href="#import-error-1"' in html and 'id="import-error-2"' in html
    assert "&#x27;2020-02-31&#x27; is not a date in the form YYYY-MM-DD" in html
    assert "&#x27;Schools&#x27; is not a known sector" in html
    assert html.index("row 2, column") < html.index("row 3, column")
    assert (Referral.objects.count(), Person.objects.count(), StageEvent.objects.count()) == before
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize(
    "content, name, message",
    [
        (GOOD, "history.pdf", "must be a CSV or an XLSX file"),
        (b"", "history.csv", "The selected file is empty"),
    ],
)
def test_the_file_itself_is_checked(world, as_user, content, name, message) -> None:
    response = upload(as_user(world["coordinator"]), content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_choosing_no_file_is_an_error(world, as_user) -> None:
    response = as_user(world["coordinator"]).post(reverse("casework:import"), {})
    assert response.status_code == 400
    assert "Select a file of referrals" in response.content.decode()


def test_a_lead_of_two_authorities_chooses_one_of_theirs(world, as_user) -> None:
    lead = make_user("two_hats", Role.PREVENT_LEAD, authority=world.authority)
    Membership.objects.create(user=lead, role=Role.PANEL_CHAIR, authority=world.other_authority)
    client = as_user(lead)
    assert 'name="authority"' in client.get(reverse("casework:import")).content.decode()
    response = upload(client, GOOD, authority=world.other_authority.pk)
    assert response.status_code == 302
    assert Referral.objects.filter(authority=world.other_authority).count() == 2
    assert not Referral.objects.filter(authority=world.authority).exists()


def test_nobody_imports_into_an_authority_they_do_not_work_for(world, as_user) -> None:
    lead = make_user("two_hats", Role.PREVENT_LEAD, authority=world.authority)
    Membership.objects.create(user=lead, role=Role.ANALYST, authority=world.other_authority)
    client = as_user(lead)
    response = upload(client, GOOD, authority=world.other_authority.pk)
    assert response.status_code in (302, 400)
    assert not Referral.objects.filter(authority=world.other_authority).exists()


@pytest.mark.parametrize("persona", ["analyst", "panel_member", "board_member", "auditor"])
def test_roles_without_casework_cannot_import(world, as_user, persona) -> None:
    client = as_user(world[persona])
    assert client.get(reverse("casework:import")).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not Referral.objects.exists()


def test_the_confirmation_shows_nothing_without_an_import(world, as_user) -> None:
    page = as_user(world["chair"]).get(reverse("casework:import_done"))
    assert page.status_code == 200
    assert "No import to show" in page.content.decode()


def test_the_blank_file_has_every_column(world, as_user) -> None:
    response = as_user(world["coordinator"]).get(reverse("casework:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = response.content.decode().strip().split(",")
    assert header[:2] == ["reference", "received_on"] and "exit_reason" in header
    assert len(header) == 19 and header[-1] == "case_officer"
