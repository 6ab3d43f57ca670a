"""The training pages as their users meet them: forms, imports, charts and reminders."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import World
from dueregard.audit.models import AuditEvent
from dueregard.training import services
from dueregard.training.models import (
    Attendee,
    EvaluationAnswer,
    EvaluationForm,
    HeadcountSnapshot,
    Organisation,
    Session,
)
from dueregard.training.tests import factories

TODAY = timezone.localdate()
RECENT = TODAY - datetime.timedelta(days=20)


def test_dashboard_draws_each_organisations_compliance_with_its_target(
    world: World, as_user
) -> None:
    factories.snapshot(
        world.authority, as_of=RECENT - datetime.timedelta(days=90), eligible=100, compliant=70
    )
    snapshot = factories.snapshot(world.authority, as_of=RECENT, eligible=100, compliant=88)
    page = as_user(world["analyst"]).get(reverse("training:home"))
    assert page.status_code == 200
    html = page.content.decode()
    org = snapshot.organisation_id
    svg = re.search(
        rf'<svg[^>]*aria-labelledby="chart-{org}-title chart-{org}-desc".*?</svg>', html, re.DOTALL
    )
    assert svg, "an accessible chart for the organisation"
    chart = svg.group(0)
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert 'data-points="2"' in chart
    assert 'data-target="85"' in chart  # the WRAP level's default target
    assert "from 70% on" in chart and "to 88% on" in chart and "target 85%" in chart
    # The same figures in a table beside it.
    assert 'dr-numeric">88.0%</td>' in html
    assert "% of eligible staff compliant (target: 85%)" in html
    # The organisation's own page gives the counts behind each percentage as well.
    detail = as_user(world["analyst"]).get(reverse("training:organisation", kwargs={"pk": org}))
    assert "88.0%<br><span" in detail.content.decode()
    assert "88 of 100</span>" in detail.content.decode()
    assert "Meets target" in html
    assert "Record a session" not in html  # analysts read, they do not change


def test_dashboard_queries_do_not_grow_with_the_organisations(
    world: World, as_user, settings
) -> None:
    settings.SESSION_RENEW_SECONDS = 24 * 3600  # no session write in one count only
    client = as_user(world["coordinator"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("training:home")).status_code == 200
        return len(queries)

    factories.snapshot(world.authority, name="Trust A", as_of=RECENT)
    few = count()
    for n in range(6):
        factories.snapshot(world.authority, name=f"School {n}", as_of=RECENT)
    assert count() == few


def test_uploading_headcounts_with_a_bad_row_lists_every_error_and_writes_nothing(
    world: World, as_user
) -> None:
    client = as_user(world["education_officer"])
    bad = (
        b"organisation,level,as_of,eligible,compliant\n"
        b"Trust A,WRAP / level 3,2024-06-30,480,422\n"
        b"Trust A,WRAP / level 3,2024-09-30,479,500\n"
        b"Trust B,WRAP / level 3,2024-13-01,10,5\n"
    )
    page = client.post(
        reverse("training:import"),
        {"kind": "snapshots", "file": SimpleUploadedFile("headcount.csv", bad, "text/csv")},
    )
    assert page.status_code == 200
    html = page.content.decode()
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    assert "headcount.csv has 2 errors: nothing was imported" in summary
    assert (
        "Row 3, column &#x27;compliant&#x27;: 500 compliant is more than the 479 eligible staff"
        in summary
    )
    assert "Row 4, column &#x27;as_of&#x27;: &#x27;2024-13-01&#x27; is not a date" in summary
    assert 'href="#id_file"' in summary
    assert not HeadcountSnapshot.objects.exists() and not Organisation.objects.exists()

    good = bad.replace(b"479,500", b"479,402").replace(b"2024-13-01", b"2024-12-31")
    done = client.post(
        reverse("training:import"),
        {"kind": "snapshots", "file": SimpleUploadedFile("headcount.csv", good, "text/csv")},
    )
    assert done.status_code == 302 and done["Location"] == reverse("training:home")
    assert HeadcountSnapshot.objects.count() == 3
    follow = client.get(done["Location"])
    assert "headcount.csv imported: 3 snapshots created" in follow.content.decode()


def test_the_import_page_refuses_other_file_types(world: World, as_user) -> None:
    page = as_user(world["coordinator"]).post(
        reverse("training:import"),
        {"kind": "snapshots", "file": SimpleUploadedFile("notes.pdf", b"%PDF", "application/pdf")},
    )
    assert "The file must be a CSV or an Excel .xlsx file" in page.content.decode()


def test_recording_a_session_with_attendees_and_feedback(world: World, as_user) -> None:
    officer = world["education_officer"]
    client = as_user(officer)
    trust = factories.organisation(world.authority)
    course = factories.course(world.authority)
    form_page = client.get(reverse("training:session_add"))
    assert "csrfmiddlewaretoken" in form_page.content.decode()
    day = RECENT
    created = client.post(
        reverse("training:session_add"),
        {
            "held_on_day": day.day,
            "held_on_month": day.month,
            "held_on_year": day.year,
            "course": course.pk,
            "organisation": trust.pk,
            "attendees": "14",
            "venue": "Civic Centre, Room 2",
        },
    )
    session = Session.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("training:session", kwargs={"pk": session.pk})
    assert (session.attendees, session.created_by) == (14, officer)

    client.post(
        reverse("training:attendee_add", kwargs={"pk": session.pk}),
        {"name": "Casey Example", "job_title": "Social worker", "organisation": trust.pk},
    )
    assert Attendee.objects.get().name == "Casey Example"

    understanding = factories.question(world.authority)
    noticing = factories.question(world.authority, "noticing")
    sharing = factories.question(world.authority, "support-sharing")
    answered = client.post(
        reverse("training:feedback_add", kwargs={"pk": session.pk}),
        {
            f"q{understanding.pk}_before": "2",
            f"q{understanding.pk}_after": "4",
            f"q{noticing.pk}_after": "3",
            f"q{sharing.pk}_yes": "yes",
            "needs": "How to talk to families about online content",
            "add_another": "1",
        },
    )
    assert answered["Location"] == reverse("training:feedback_add", kwargs={"pk": session.pk})
    form = EvaluationForm.objects.get()
    assert form.organisation == trust and form.needs.startswith("How to talk")
    assert EvaluationAnswer.objects.filter(form=form).count() == 3

    page = client.get(reverse("training:session", kwargs={"pk": session.pk})).content.decode()
    assert "1 of 14" in page  # feedback forms returned
    assert "How to talk to families about online content" in page


def test_an_empty_feedback_form_is_refused_with_a_message(world: World, as_user) -> None:
    session = factories.session(world.authority)
    page = as_user(world["education_officer"]).post(
        reverse("training:feedback_add", kwargs={"pk": session.pk}), {}
    )
    assert page.status_code == 200
    assert "Enter at least one answer from the form" in page.content.decode()
    assert not EvaluationForm.objects.exists()


def test_a_session_form_names_what_is_wrong(world: World, as_user) -> None:
    factories.organisation(world.authority)
    page = as_user(world["education_officer"]).post(
        reverse("training:session_add"),
        {"held_on_day": "31", "held_on_month": "2", "held_on_year": "2024"},
    )
    html = page.content.decode()
    assert "Date of the session must be a real date" in html
    assert "Choose the course" in html
    assert "Enter the venue, or say the session was online" in html
    assert html.count("govuk-error-message") >= 4
    assert not Session.objects.exists()


def test_named_attendees_are_shown_to_those_who_manage_training_and_audited(
    world: World, as_user
) -> None:
    session = factories.session(world.authority)
    services.add_attendee(session, name="Casey Example", acting_user=None)
    url = reverse("training:session", kwargs={"pk": session.pk})

    lead = as_user(world["coordinator"]).get(url).content.decode()
    assert "Casey Example" in lead and 'data-marking="OFFICIAL-SENSITIVE"' in lead
    viewed = AuditEvent.objects.filter(action="view", object_type="training.session")
    assert viewed.count() == 1 and viewed.get().actor == world["coordinator"]
    assert viewed.get().detail == {"named_attendees": 1}

    analyst = as_user(world["analyst"]).get(url).content.decode()
    assert "Casey Example" not in analyst and "OFFICIAL-SENSITIVE" not in analyst
    assert "1 attendee named" in analyst
    assert viewed.count() == 1  # nothing personal was shown to the analyst


def test_a_session_without_named_attendees_is_not_marked_sensitive(world: World, as_user) -> None:
    session = factories.session(world.authority)
    page = as_user(world["coordinator"]).get(reverse("training:session", kwargs={"pk": session.pk}))
    assert "OFFICIAL-SENSITIVE" not in page.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_recording_a_headcount_by_hand(world: World, as_user) -> None:
    trust = factories.organisation(world.authority)
    wrap = factories.level(world.authority)
    client = as_user(world["education_officer"])
    url = reverse("training:snapshot_add", kwargs={"pk": trust.pk})
    refused = client.post(
        url,
        {"level": wrap.pk, "as_of_day": "30", "as_of_month": "6", "as_of_year": "2024",
         "eligible": "10", "compliant": "11"},
    )  # fmt: skip
    assert (
        "Compliant staff (11) cannot be more than eligible staff (10)" in refused.content.decode()
    )
    done = client.post(
        url,
        {"level": wrap.pk, "as_of_day": "30", "as_of_month": "6", "as_of_year": "2024",
         "eligible": "10", "compliant": "9"},
    )  # fmt: skip
    assert done["Location"] == reverse("training:organisation", kwargs={"pk": trust.pk})
    assert HeadcountSnapshot.objects.get().compliant == 9


def test_setting_a_target_and_withdrawing_a_headcount(world: World, as_user) -> None:
    snapshot = factories.snapshot(world.authority, as_of=RECENT)
    client = as_user(world["coordinator"])
    client.post(
        reverse("training:requirement_set", kwargs={"pk": snapshot.organisation_id}),
        {"level": snapshot.level_id, "target": "90"},
    )
    detail = client.get(reverse("training:organisation", kwargs={"pk": snapshot.organisation_id}))
    assert "90%" in detail.content.decode() and "Below target" in detail.content.decode()
    url = reverse("training:snapshot_withdraw", kwargs={"pk": snapshot.pk})
    assert "Enter the reason" in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Wrong organisation"})
    snapshot.refresh_from_db()
    assert snapshot.archived and snapshot.archived_reason == "Wrong organisation"


def test_the_prevent_lead_is_reminded_of_organisations_to_follow_up(world: World, as_user) -> None:
    behind = factories.snapshot(world.authority, name="Trust A", as_of=RECENT, compliant=60)
    factories.snapshot(
        world.authority, name="Homes", as_of=TODAY - datetime.timedelta(days=200), compliant=95
    )
    fine = factories.snapshot(world.authority, name="School A", as_of=RECENT, compliant=95)
    services.set_requirement(
        behind.organisation, behind.level, target=Decimal(90), acting_user=None
    )
    home = as_user(world["coordinator"]).get(reverse("home")).content.decode()
    panel = home[home.index('data-testid="training-reminders"') :]
    below = panel[panel.index("Below target") : panel.index("Headcount older than a quarter")]
    assert "Trust A</a>, WRAP / level 3: 60.0%" in below and "(target 90%)" in below
    older = panel[panel.index("Headcount older than a quarter") :]
    assert "Homes</a>, WRAP / level 3: last headcount" in older
    assert fine.organisation.name not in panel
    analyst_home = as_user(world["analyst"]).get(reverse("home")).content.decode()
    assert "training-reminders" not in analyst_home


def test_another_authoritys_records_are_not_found(world: World, as_user) -> None:
    theirs = factories.session(world.other_authority)
    client = as_user(world["education_officer"])
    assert client.get(reverse("training:session", kwargs={"pk": theirs.pk})).status_code == 404
    mine = factories.session(world.authority, org_name="Trust B")
    listed = client.get(reverse("training:sessions")).content.decode()
    assert reverse("training:session", kwargs={"pk": mine.pk}) in listed
    assert reverse("training:session", kwargs={"pk": theirs.pk}) not in listed


def test_lists_page_and_adding_a_question(world: World, as_user) -> None:
    factories.organisation(world.authority)
    client = as_user(world["education_officer"])
    client.post(
        reverse("training:question_add"),
        {"label": "How useful was the session for your role?", "kind": "rating"},
    )
    page = client.get(reverse("training:lists")).content.decode()
    assert "How useful was the session for your role?" in page
    assert "WRAP workshop" in page and "Basic Prevent awareness" in page
