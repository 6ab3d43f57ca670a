"""Reference lists every install needs: sectors, vulnerabilities, exit reasons, kinds of
support, and the versioned Home Office type-of-concern code lists with their mappings.

Sources are in docs/casework.md (from ../shared/domain-reference.md §1.4 and §2). Entries
marked [UNCONFIRMED] there follow press and guidance wording rather than the Home Office
data tables; councils can add entries and disable ones they do not use.
Re-running is safe: entries are matched by code.
"""

import datetime

from django.db import migrations

SECTORS = [
    ("education", "Education"),
    ("police", "Police"),
    ("local-authority", "Local Authority"),
    ("health", "Health"),
    ("community", "Community"),
    ("friends-and-family", "Friends and family"),
    ("prison", "Prison"),
    ("probation", "Probation"),
    ("other", "Other"),
]

VULNERABILITIES = [
    ("mental-health", "Mental health"),
    ("autism", "Autism spectrum condition"),
    ("learning-difficulty", "Learning difficulty"),
    ("domestic-abuse", "Domestic abuse"),
    ("adhd", "ADHD"),
    ("send", "Special educational needs or disability (SEND)"),
    ("substance-misuse", "Substance misuse"),
    ("social-isolation", "Social isolation"),
    ("bullying", "Bullying"),
    ("looked-after", "Looked-after child or care leaver"),
    ("exploitation", "Criminal or sexual exploitation"),
    ("housing", "Housing need or homelessness"),
]

EXIT_REASONS = [
    ("concerns-addressed", "No further terrorism-related concerns"),
    ("referred-on", "Concerns remain: referred to other services"),
    ("police-led", "Concerns remain: escalated to police-led management"),
    ("consent-withdrawn", "Consent withdrawn"),
    ("moved-away", "Moved out of the area: case transferred"),
    ("other", "Other"),
]

INTERVENTION_KINDS = [
    ("intervention-provider", "Intervention provider (Home Office-approved mentor)"),
    ("education", "Education or training support"),
    ("employment", "Employment support"),
    ("health", "Health or mental health support"),
    ("housing", "Housing support"),
    ("family", "Family support"),
    ("diversionary", "Diversionary activity"),
    ("faith-guidance", "Faith guidance"),
    ("life-skills", "Life skills"),
    ("other", "Other support"),
]

D = datetime.date
# (code, name, valid_from, valid_to, source, [(code, label, parent_code)])
CODE_LISTS = [
    (
        "ho-2015",
        "Home Office categories 2015/16 to 2016/17",
        D(2015, 4, 1),
        D(2017, 3, 31),
        "Home Office Prevent statistics 2015/16 (PQ 114556) and 2016/17.",
        [
            ("islamist", "Islamist", None),
            ("extreme-right-wing", "Extreme Right-Wing", None),
            ("other", "Other", None),
        ],
    ),
    (
        "ho-2017",
        "Home Office categories 2017/18 to 2020/21",
        D(2017, 4, 1),
        D(2021, 3, 31),
        "Home Office Prevent statistics 2017/18 to 2020/21; MUU as defined by CTP.",
        [
            ("islamist", "Islamist", None),
            ("extreme-right-wing", "Extreme Right-Wing", None),
            ("left-wing", "Left Wing Anarchist or Single Issue", None),
            ("muu", "Mixed, Unclear or Unstable", None),
            ("other", "Other", None),
        ],
    ),
    (
        "ho-2021",
        "Home Office categories 2021/22 to 2023/24 (MUU sub-types)",
        D(2021, 4, 1),
        D(2024, 5, 31),
        "Home Office Prevent statistics 2021/22 to 2023/24. Full list [UNCONFIRMED].",
        [
            ("islamist", "Islamist", None),
            ("extreme-right-wing", "Extreme Right-Wing", None),
            ("left-wing", "Left Wing Anarchist or Single Issue", None),
            ("muu", "Mixed, Unclear or Unstable", None),
            ("conflicted", "Conflicted", "muu"),
            ("incel", "Incel", "muu"),
            ("school-massacre", "School Massacre", "muu"),
            (
                "vulnerability-no-ideology",
                "Vulnerability present but no ideology or CT risk",
                "muu",
            ),
            ("high-ct-risk-no-ideology", "High CT risk but no ideology present", "muu"),
            ("other", "Other", None),
        ],
    ),
    (
        "pcmt-2024",
        "Prevent Case Management Tracker categories from June 2024",
        D(2024, 6, 1),
        None,
        "Home Office Prevent statistics 2024/25 (PCMT). Full list [UNCONFIRMED].",
        [
            ("islamist", "Islamist", None),
            ("extreme-right-wing", "Extreme Right-Wing", None),
            ("left-wing", "Left Wing Anarchist or Single Issue", None),
            ("no-ideology", "No ideology identified", None),
            (
                "no-ideology-susceptibility",
                "No ideology – other susceptibility to radicalisation identified",  # noqa: RUF001
                "no-ideology",
            ),
            (
                "violence-fascination",
                "Fascination with extreme violence or mass casualty attacks",
                "no-ideology",
            ),
            ("conflicted", "Conflicted", None),
            ("incel", "Incel", None),
            ("other", "Other", None),
        ],
    ),
]

SAME = "Same category in the next list."
# (from list, from code, to list, to code, note)
MAPPINGS = [
    ("ho-2015", "islamist", "ho-2017", "islamist", SAME),
    ("ho-2015", "extreme-right-wing", "ho-2017", "extreme-right-wing", SAME),
    ("ho-2015", "other", "ho-2017", "other", SAME),
    ("ho-2017", "islamist", "ho-2021", "islamist", SAME),
    ("ho-2017", "extreme-right-wing", "ho-2021", "extreme-right-wing", SAME),
    ("ho-2017", "left-wing", "ho-2021", "left-wing", SAME),
    ("ho-2017", "muu", "ho-2021", "muu", "MUU was broken into sub-types from 2021/22."),
    ("ho-2017", "other", "ho-2021", "other", SAME),
    ("ho-2021", "islamist", "pcmt-2024", "islamist", SAME),
    ("ho-2021", "extreme-right-wing", "pcmt-2024", "extreme-right-wing", SAME),
    ("ho-2021", "left-wing", "pcmt-2024", "left-wing", SAME),
    ("ho-2021", "conflicted", "pcmt-2024", "conflicted", SAME),
    ("ho-2021", "incel", "pcmt-2024", "incel", SAME),
    (
        "ho-2021",
        "school-massacre",
        "pcmt-2024",
        "violence-fascination",
        "PCMT counts fascination with mass-casualty violence without another ideology.",
    ),
    (
        "ho-2021",
        "vulnerability-no-ideology",
        "pcmt-2024",
        "no-ideology-susceptibility",
        "No ideology, other susceptibility identified [UNCONFIRMED mapping].",
    ),
    (
        "ho-2021",
        "high-ct-risk-no-ideology",
        "pcmt-2024",
        "no-ideology",
        "[UNCONFIRMED mapping]",
    ),
    (
        "ho-2021",
        "muu",
        "pcmt-2024",
        "no-ideology",
        "MUU without a sub-type: no specific ideology [UNCONFIRMED mapping].",
    ),
    ("ho-2021", "other", "pcmt-2024", "other", SAME),
]


def _load_simple(model, entries):
    for order, (code, label) in enumerate(entries, start=1):
        model.objects.update_or_create(code=code, defaults={"label": label, "order": order})


def load(apps, schema_editor):
    _load_simple(apps.get_model("casework", "Sector"), SECTORS)
    _load_simple(apps.get_model("casework", "Vulnerability"), VULNERABILITIES)
    _load_simple(apps.get_model("casework", "ExitReason"), EXIT_REASONS)
    _load_simple(apps.get_model("casework", "InterventionKind"), INTERVENTION_KINDS)
    CodeList = apps.get_model("casework", "ConcernCodeList")
    ConcernType = apps.get_model("casework", "ConcernType")
    ConcernMapping = apps.get_model("casework", "ConcernMapping")
    types = {}
    for code, name, valid_from, valid_to, source, entries in CODE_LISTS:
        code_list, _ = CodeList.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "source": source,
            },
        )
        for order, (type_code, label, parent) in enumerate(entries, start=1):
            types[code, type_code], _ = ConcernType.objects.update_or_create(
                code_list=code_list,
                code=type_code,
                defaults={
                    "label": label,
                    "order": order,
                    "parent": types[code, parent] if parent else None,
                },
            )
    for from_list, from_code, to_list, to_code, note in MAPPINGS:
        ConcernMapping.objects.update_or_create(
            source=types[from_list, from_code],
            target=types[to_list, to_code],
            defaults={"note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
