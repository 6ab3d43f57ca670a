"""Importing historical referrals from a spreadsheet (CSV or XLSX), whole file or nothing.

`import_referrals(source, authority=..., acting_user=...)` is what the
`manage.py import_referrals` command and the upload page call. The columns are a public
interface, documented in docs/data-formats.md ("Casework"); the design in
docs/casework-import.md.

How it works
------------
1. **Read and check every row first.** `core.importing.read_table` checks the header
   (columns in any order, unknown or repeated columns rejected); then each row is parsed
   and checked, collecting *every* error with its row and column. Labels match
   case-insensitively. Lookups (sectors, concern types, vulnerabilities, exit reasons,
   wards, references already used, people to link to) are loaded once into dicts, so
   checking a row costs no query.
2. **Write everything in one transaction**, only if there is no error at all: people,
   referrals, their pathway history, vulnerability links and post-exit reviews as
   multi-row writes (`core.bulk`: `executemany` on SQLite, `COPY` on PostgreSQL, with ids
   reserved from the tables' sequences), then the audit events, built by the code that
   builds `audit.record()`'s, in one multi-row INSERT. A failure part way rolls the whole
   file back, audit events included.

Why this writes the models itself rather than calling `casework.services` per row
-----------------------------------------------------------------------------------
The services record one business event at a time (each with its own queries and audit
event); replaying a 10,000-row file through them would take many minutes and write tens
of thousands of audit rows. The services have no bulk, back-dated form, so this module
writes the same rows they would, keeping every invariant they enforce:

- dates are not in the future and follow the pathway order (received -> referred to
  police -> discussed at panel -> adopted -> left Channel), and a date is only given for
  a stage the outcome columns allow (see `_check_columns`);
- references are unique in the authority; wards belong to it; age at referral is worked
  out from the date of birth when one is given (as `receive_referral` does); the case
  officer (`case_officer`, a username) is an active member of the authority's Prevent
  team (`services.case_officers`, as `receive_referral` checks), otherwise the importing
  user; an outcome that refers the person on for other vulnerabilities is refused (the
  file has no columns for the service and its answer);
- each row becomes the events the services would record (`_events`), applied by
  `casework.pathway`, which the services apply too: so the `StageEvent` rows have the
  same kinds, stages, outcomes and closing reasons (`occurred_on` = the dates given,
  `recorded_by` = the importing user, reason "Imported from FILE row N" where the
  service would leave it blank), and the referral the same cached milestone columns, so
  statistics cannot tell an imported referral from one recorded through the services;
  leaving Channel schedules the reviews `pathway.reviews_due` gives;
- audit: one event for the import (object_type "casework.import": file, rows,
  authority, counts) plus one per identified person created or linked (see
  docs/casework-import.md for why not one per referral).

Dates the file has no column for are taken from the nearest date it does have: the
triage is dated the day referred to police (or, for the other outcomes, the day
received), and the gateway outcome the day referred to police.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction

from dueregard.accounts.models import User
from dueregard.areas.models import Authority, Ward
from dueregard.audit.models import AuditAction
from dueregard.audit.services import build_event, record_many
from dueregard.core import periods
from dueregard.core.bulk import RowWriter, reserve_ids
from dueregard.core.importing import ImportRejected, RowError, RowReader, iter_readers, read_table

from . import pathway
from .matching import age_on, name_key, soundex
from .models import (
    ConcernCodeList,
    ConcernType,
    ExitReason,
    GatewayOutcome,
    Gender,
    PanelDecision,
    Person,
    Referral,
    ReferralSource,
    Review,
    Sector,
    StageEvent,
    TriageOutcome,
    Vulnerability,
)
from .services import case_officers

REQUIRED_COLUMNS = ["reference", "received_on"]
OPTIONAL_COLUMNS = [
    "sector",
    "concern",
    "age",
    "gender",
    "ward",
    "vulnerabilities",
    "triage_outcome",
    "referred_to_police_on",
    "gateway_outcome",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
    "exit_reason",
    "given_name",
    "family_name",
    "date_of_birth",
    "case_officer",
]
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Referrals before this date are almost certainly a typing slip (Channel began in 2007).
EARLIEST_RECEIVED = datetime.date(2000, 1, 1)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
MAX_AGE = 120
REFERENCE_MAX_LENGTH = Referral._meta.get_field("reference").max_length or 40
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class ImportResult:
    """What an accepted file created."""

    filename: str
    authority: Authority
    rows: int
    referrals: int
    people_created: int
    unidentified_people: int
    people_linked: int
    batch: str


# --------------------------------------------------------------------------------------
# Lookups, loaded once per file


def _labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {label.casefold(): value for value, label in choices}


def _by_label_or_code(entries: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in entries:
        found.setdefault(entry.code.casefold(), entry)
    for entry in entries:
        found[entry.label.casefold()] = entry  # a label wins over another entry's code
    return found


@dataclass
class _ConcernLists:
    """Concern types by label, per code list, to find the one in force on a date."""

    lists: list[ConcernCodeList]
    by_list: dict[int, dict[str, ConcernType]]

    @classmethod
    def load(cls) -> _ConcernLists:
        lists = list(ConcernCodeList.objects.order_by("valid_from"))
        by_list: dict[int, dict[str, ConcernType]] = defaultdict(dict)
        for concern in ConcernType.objects.order_by("order"):
            by_list[concern.code_list_id].setdefault(concern.label.casefold(), concern)
        return cls(lists, by_list)

    def in_force(self, day: datetime.date | None) -> ConcernCodeList | None:
        if day is not None:
            for code_list in reversed(self.lists):
                if code_list.valid_from <= day and (
                    code_list.valid_to is None or code_list.valid_to >= day
                ):
                    return code_list
        return self.lists[-1] if self.lists else None

    def find(self, label: str, day: datetime.date | None) -> ConcernType | None:
        """As `queries.concern_by_label`: the list in force on `day`, else the newest list
        that has the label. Disabled entries still match: old records keep their labels."""
        wanted = label.casefold()
        current = self.in_force(day)
        if current is not None and wanted in self.by_list[current.pk]:
            return self.by_list[current.pk][wanted]
        for code_list in reversed(self.lists):
            if wanted in self.by_list[code_list.pk]:
                return self.by_list[code_list.pk][wanted]
        return None

    def allowed(self, day: datetime.date | None) -> str:
        current = self.in_force(day)
        if current is None:
            return "no type-of-concern list is loaded"
        labels = [c.label for c in self.by_list[current.pk].values() if c.disabled_on is None]
        return f"one of the {current.name}: " + ", ".join(labels)


@dataclass
class _Lookups:
    authority: Authority
    sectors: dict[str, Sector]
    vulnerabilities: dict[str, Vulnerability]
    exit_reasons: dict[str, ExitReason]
    wards: dict[str, Ward]
    concerns: _ConcernLists
    references: dict[str, str]  # casefolded -> as recorded
    today: datetime.date
    case_officers: dict[str, Any]  # username -> active member of the Prevent team

    @classmethod
    def load(cls, authority: Authority) -> _Lookups:
        wards: dict[str, Ward] = {}
        for ward in Ward.objects.filter(authority=authority):
            wards[ward.name.casefold()] = ward
            wards[ward.ons_code.casefold()] = ward
        return cls(
            authority=authority,
            sectors=_by_label_or_code(list(Sector.objects.all())),
            vulnerabilities=_by_label_or_code(list(Vulnerability.objects.all())),
            exit_reasons=_by_label_or_code(list(ExitReason.objects.all())),
            wards=wards,
            concerns=_ConcernLists.load(),
            # References are unique in an authority ignoring case: keyed by casefold().
            references={
                reference.casefold(): reference
                for reference in Referral.objects.filter(authority=authority).values_list(
                    "reference", flat=True
                )
            },
            today=periods.today(),
            case_officers={user.username: user for user in case_officers(authority)},
        )


# --------------------------------------------------------------------------------------
# One row, parsed


@dataclass
class _Row:
    number: int
    reference: str
    received_on: datetime.date
    sector: Sector | None
    concern: ConcernType | None
    age: int | None
    gender: str | None
    ward: Ward | None
    vulnerabilities: list[Vulnerability]
    triage_outcome: TriageOutcome | None
    referred_to_police_on: datetime.date | None
    gateway_outcome: GatewayOutcome | None
    discussed_at_panel_on: datetime.date | None
    adopted_on: datetime.date | None
    left_channel_on: datetime.date | None
    exit_reason: ExitReason | None
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    case_officer: Any = None  # a member of the Prevent team; None: the importing user
    person: Person | None = None  # set when linking, before writing
    person_key: tuple[str, str, datetime.date] | None = None


TRIAGE_CHOICES = _labels(TriageOutcome.choices)
GATEWAY_CHOICES = _labels(GatewayOutcome.choices)
GENDER_CHOICES = _labels(Gender.choices)


def _date(
    reader: RowReader,
    column: str,
    today: datetime.date,
    *,
    required: bool = False,
    earliest: datetime.date = EARLIEST_RECEIVED,
) -> datetime.date | None:
    day = reader.date(column, required=required)
    if day is None:
        return None
    if day > today:
        reader.error(column, f"{day:%-d %B %Y} is in the future")
        return None
    if day < earliest:
        reader.error(column, f"{day:%-d %B %Y} is before {earliest:%-d %B %Y}: check the year")
        return None
    return day


def _lookup(reader: RowReader, column: str, table: dict[str, Any], what: str) -> Any:
    value = reader.row.get(column, "")
    if not value:
        return None
    found = table.get(value.casefold())
    if found is None:
        entries = sorted(set(table.values()), key=lambda e: (e.order, e.label))
        labels = ", ".join(e.label for e in entries if e.disabled_on is None)
        reader.error(column, f"'{value}' is not a known {what}: use one of {labels}")
    return found


def _case_officer(reader: RowReader, lookups: _Lookups) -> Any:
    """The case officer named by username: an active member of the authority's Prevent
    team (`services.case_officers`), as on the pages."""
    username = reader.row.get("case_officer", "")
    if not username:
        return None
    found = lookups.case_officers.get(username)
    if found is None:
        team = ", ".join(sorted(lookups.case_officers)) or "none"
        reader.error(
            "case_officer",
            f"'{username}' is not an active member of {lookups.authority.name}'s Prevent "
            f"team: give the username of one of {team} (or leave blank: you)",
        )
    return found


def _vulnerabilities(reader: RowReader, lookups: _Lookups) -> list[Vulnerability]:
    value = reader.row.get("vulnerabilities", "")
    found: dict[int, Vulnerability] = {}
    unknown = []
    for part in value.split(";"):
        label = part.strip()
        if not label:
            continue
        vulnerability = lookups.vulnerabilities.get(label.casefold())
        if vulnerability is None:
            unknown.append(label)
        else:
            found[vulnerability.pk] = vulnerability
    if unknown:
        known = sorted({v.label for v in lookups.vulnerabilities.values()})
        reader.error(
            "vulnerabilities",
            f"not known: {', '.join(repr(u) for u in unknown)} (separate entries with ';'; "
            f"known: {', '.join(known)})",
        )
    return list(found.values())


def _parse(reader: RowReader, lookups: _Lookups) -> _Row | None:
    """Parse one row's cells, adding an error for each bad cell. None if any was bad."""
    before = len(reader.errors)
    today = lookups.today
    reference = reader.text("reference", required=True, max_length=REFERENCE_MAX_LENGTH)
    received_on = _date(reader, "received_on", today, required=True)
    concern = None
    concern_label = reader.row.get("concern", "")
    if concern_label:
        concern = lookups.concerns.find(concern_label, received_on)
        if concern is None:
            reader.error(
                "concern",
                f"'{concern_label}' is not a type of concern: use "
                f"{lookups.concerns.allowed(received_on)} (or leave blank if not known)",
            )
    age = reader.integer("age", minimum=0, maximum=MAX_AGE)
    date_of_birth = _date(reader, "date_of_birth", today, earliest=EARLIEST_BIRTH)
    ward = None
    ward_value = reader.row.get("ward", "")
    if ward_value:
        ward = lookups.wards.get(ward_value.casefold())
        if ward is None:
            reader.error(
                "ward",
                f"'{ward_value}' is not a ward of {lookups.authority.name} "
                "(give its name or ONS code)",
            )
    row = _Row(
        number=reader.number,
        reference=reference,
        received_on=received_on or EARLIEST_RECEIVED,  # a missing date is an error above
        sector=_lookup(reader, "sector", lookups.sectors, "sector"),
        concern=concern,
        age=age,
        gender=reader.choice("gender", GENDER_CHOICES),
        ward=ward,
        vulnerabilities=_vulnerabilities(reader, lookups),
        triage_outcome=reader.choice("triage_outcome", TRIAGE_CHOICES),
        referred_to_police_on=_date(reader, "referred_to_police_on", today),
        gateway_outcome=reader.choice("gateway_outcome", GATEWAY_CHOICES),
        discussed_at_panel_on=_date(reader, "discussed_at_panel_on", today),
        adopted_on=_date(reader, "adopted_on", today),
        left_channel_on=_date(reader, "left_channel_on", today),
        exit_reason=_lookup(reader, "exit_reason", lookups.exit_reasons, "exit reason"),
        given_name=reader.text("given_name", max_length=NAME_MAX_LENGTH),
        family_name=reader.text("family_name", max_length=NAME_MAX_LENGTH),
        date_of_birth=date_of_birth,
        case_officer=_case_officer(reader, lookups),
    )
    if row.triage_outcome is not None:
        row.triage_outcome = TriageOutcome(row.triage_outcome)
    if row.gateway_outcome is not None:
        row.gateway_outcome = GatewayOutcome(row.gateway_outcome)
    # Referred on for other vulnerabilities needs the service and its answer, which the
    # file has no columns for: such referrals are recorded in the app.
    for column, outcome in (
        ("triage_outcome", row.triage_outcome),
        ("gateway_outcome", row.gateway_outcome),
    ):
        if outcome is not None and outcome.value == "referred_on":
            reader.error(
                column,
                f"'{outcome.label}' cannot be imported: it needs the service referred on to "
                "and its answer, which this file has no columns for (record it in the app, "
                "or import it as 'Signposted to other services')",
            )
    # Cross-column checks run only on cells that parsed, so they never add an error that
    # is a consequence of another one.
    bad = {error.column for error in reader.errors[before:]}
    if not bad & _PERSON_COLUMNS:
        _check_person(reader, row)
    if not bad & _PATHWAY_COLUMNS:
        _check_columns(reader, row)
    return row if len(reader.errors) == before else None


_PERSON_COLUMNS = {"received_on", "date_of_birth", "age"}
_PATHWAY_COLUMNS = {
    "received_on",
    "triage_outcome",
    "referred_to_police_on",
    "gateway_outcome",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
    "exit_reason",
}


def _check_person(reader: RowReader, row: _Row) -> None:
    if row.date_of_birth is not None and row.received_on < row.date_of_birth:
        reader.error("received_on", "is before the date of birth")
    if row.date_of_birth is not None and row.age is not None:
        worked_out = age_on(row.date_of_birth, row.received_on)
        if worked_out != row.age:
            reader.error(
                "age",
                f"{row.age} does not match date_of_birth: the person was {worked_out} "
                "when the referral was received (leave age blank to use the date of birth)",
            )
    if row.date_of_birth is not None and age_on(row.date_of_birth, row.received_on) > MAX_AGE:
        reader.error("date_of_birth", f"makes the person older than {MAX_AGE}: check the year")


_STAGE_COLUMNS = [
    "referred_to_police_on",
    "gateway_outcome",
    "discussed_at_panel_on",
    "adopted_on",
    "left_channel_on",
]


def _check_columns(reader: RowReader, row: _Row) -> None:
    """The row's columns describe one journey: dates in pathway order, and only for
    stages the outcome columns say the referral reached. (The file's columns, not the
    pathway's rules: `_events` turns a row that passes into events `pathway` applies.)"""
    given = {
        "referred_to_police_on": row.referred_to_police_on,
        "gateway_outcome": row.gateway_outcome,
        "discussed_at_panel_on": row.discussed_at_panel_on,
        "adopted_on": row.adopted_on,
        "left_channel_on": row.left_channel_on,
    }

    def contradicts(columns: list[str], why: str) -> None:
        for column in columns:
            if given[column] is not None:
                reader.error(column, f"is given, but {why}")

    if row.exit_reason is not None and row.left_channel_on is None:
        reader.error("exit_reason", "is given, but left_channel_on is blank")
    if row.triage_outcome is None:
        contradicts(
            _STAGE_COLUMNS,
            "triage_outcome is blank (not yet triaged); for a referral passed to the "
            "police, triage_outcome is 'Referred to police'",
        )
        return
    if row.triage_outcome != TriageOutcome.POLICE:
        contradicts(
            _STAGE_COLUMNS,
            f"triage_outcome is '{row.triage_outcome.label}', so the referral went no "
            "further (use 'Referred to police' for a referral passed to the police)",
        )
        return
    police_on = row.referred_to_police_on
    if police_on is None:
        reader.error(
            "referred_to_police_on",
            "is required when triage_outcome is 'Referred to police' (YYYY-MM-DD)",
        )
        return
    if police_on < row.received_on:
        reader.error(
            "referred_to_police_on", f"{police_on} is before received_on ({row.received_on})"
        )
        return
    if row.gateway_outcome is None:
        contradicts(
            _STAGE_COLUMNS[2:],
            "gateway_outcome is blank (awaiting the police gateway); a case discussed at "
            "panel has gateway_outcome 'For Channel panel'",
        )
        return
    if row.gateway_outcome != GatewayOutcome.PANEL:
        contradicts(
            _STAGE_COLUMNS[2:],
            f"gateway_outcome is '{row.gateway_outcome.label}', so the case did not go to "
            "a Channel panel",
        )
        return
    discussed_on = row.discussed_at_panel_on
    if discussed_on is None:
        for column in ("adopted_on", "left_channel_on"):
            if given[column] is not None:
                reader.error(
                    column,
                    "is given, but discussed_at_panel_on is blank: a case is adopted "
                    "only after a panel discusses it",
                )
        return
    if discussed_on < police_on:
        reader.error(
            "discussed_at_panel_on",
            f"{discussed_on} is before referred_to_police_on ({police_on})",
        )
        return
    adopted_on = row.adopted_on
    if adopted_on is None:
        if row.left_channel_on is not None:
            reader.error(
                "left_channel_on",
                "is given, but adopted_on is blank: only a Channel case can leave Channel",
            )
        return
    if adopted_on < discussed_on:
        reader.error("adopted_on", f"{adopted_on} is before discussed_at_panel_on ({discussed_on})")
        return
    left_on = row.left_channel_on
    if left_on is None:
        return
    if left_on < adopted_on:
        reader.error("left_channel_on", f"{left_on} is before adopted_on ({adopted_on})")
    if row.exit_reason is None:
        reader.error("exit_reason", "is required when left_channel_on is given")


# --------------------------------------------------------------------------------------
# Checking the whole file


def _person_key(row: _Row) -> tuple[str, str, datetime.date] | None:
    """Rows link to a person only on given name, family name and date of birth together."""
    if row.date_of_birth is None:
        return None
    given, family = name_key(row.given_name), name_key(row.family_name)
    if not given or not family:
        return None
    return given, family, row.date_of_birth


def _existing_people(
    authority: Authority, rows: list[_Row]
) -> dict[tuple[str, str, datetime.date], list[Person]]:
    """Identified, unarchived people of the authority with a name and date of birth some
    row gives, keyed as `_person_key` keys rows."""
    births = sorted({key[2] for row in rows if (key := _person_key(row))})
    found: dict[tuple[str, str, datetime.date], list[Person]] = defaultdict(list)
    for start in range(0, len(births), 500):
        people = Person.objects.filter(
            authority=authority,
            date_of_birth__in=births[start : start + 500],
            unidentified_historical=False,
            archived=False,
        ).order_by("pk")
        for person in people:
            assert person.date_of_birth is not None
            key = (person.given_name_key, person.family_name_key, person.date_of_birth)
            found[key].append(person)
    return found


def check_file(
    source: str | Path | bytes | IO[bytes],
    *,
    authority: Authority,
    filename: str | None = None,
) -> list[_Row]:
    """Read and check the whole file; raise `ImportRejected` with every error found."""
    table = read_table(
        source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, filename=filename
    )
    if not table.rows:
        raise ImportRejected([RowError(0, "", "the file has a header row but no referrals")])
    lookups = _Lookups.load(authority)
    errors: list[RowError] = []
    rows: list[_Row] = []
    first_row_of: dict[str, tuple[int, str]] = {}
    for reader in iter_readers(table, errors):
        row = _parse(reader, lookups)
        reference = reader.row.get("reference", "")
        if reference:
            key = reference.casefold()  # "td-9" and "TD-9" are the same reference
            if key in first_row_of:
                first, spelt = first_row_of[key]
                reader.error(
                    "reference",
                    f"'{reference}' is repeated (first on row {first}"
                    + (f" as '{spelt}'" if spelt != reference else "")
                    + ")",
                )
                row = None
            else:
                first_row_of[key] = (reader.number, reference)
            if key in lookups.references:
                recorded = lookups.references[key]
                reader.error(
                    "reference",
                    f"'{reference}' is already used in {authority.name}"
                    + (f" (as '{recorded}')" if recorded != reference else ""),
                )
                row = None
        if row is not None:
            rows.append(row)
    if not errors:
        _link_people(rows, authority, errors)
    if errors:
        raise ImportRejected(errors)
    return rows


def _link_people(rows: list[_Row], authority: Authority, errors: list[RowError]) -> None:
    """Rows with given name, family name and date of birth link to the one person already
    recorded with them (or to the row before in the file that names them first)."""
    existing = _existing_people(authority, rows)
    for row in rows:
        key = _person_key(row)
        if key is None:
            continue
        row.person_key = key
        matches = existing.get(key, [])
        if len(matches) > 1:
            ids = ", ".join(str(p.pk) for p in matches)
            errors.append(
                RowError(
                    row.number,
                    "family_name",
                    f"{len(matches)} people already recorded have this name and date of birth "
                    f"(person records {ids}): archive the duplicate first, so the referral "
                    "is linked to the right person",
                )
            )
        elif matches:
            row.person = matches[0]


# --------------------------------------------------------------------------------------
# Writing


# Columns written for each table (every other column takes its default; see core.bulk).
PERSON_COLUMNS = [
    "authority_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "ward_id",
    "unidentified_historical",
    "created_by_id",
    "modified_by_id",
    "given_name_key",
    "family_name_key",
    "family_name_sound",
]
REFERRAL_COLUMNS = [
    "authority_id",
    "person_id",
    "reference",
    "source",
    "coordinator_id",
    "received_on",
    "sector_id",
    "concern_id",
    "age_at_referral",
    "gender",
    "ward_id",
    "created_by_id",
    "modified_by_id",
    *pathway.MILESTONES,
]
EVENT_COLUMNS = [
    "authority_id",
    "referral_id",
    "person_id",
    "recorded_by_id",
    # as `pathway.Row` gives them:
    "kind",
    "from_stage",
    "to_stage",
    "outcome",
    "outcome_label",
    "concern_id",
    "occurred_on",
    "reason",
]
REVIEW_COLUMNS = ["authority_id", "referral_id", "kind", "due_on"]


def _events(row: _Row, note: str) -> Iterator[pathway.Event]:
    """The business events a checked row records, in order, as the services would be
    called for them. Dates the file has no column for come from the nearest it has: the
    triage is dated the day referred to police (or, for the other outcomes, the day
    received), the gateway outcome the day referred to police; a case adopted after the
    day it was first discussed was discussed again, and adopted, at that later panel."""
    sector = row.sector
    yield pathway.Received(
        row.received_on,
        concern_id=row.concern.pk if row.concern is not None else None,
        sector_code=sector.code if sector else "",
        sector_label=sector.label if sector else "",
    )
    triage, police_on = row.triage_outcome, row.referred_to_police_on
    if triage is None:
        return
    police = triage == TriageOutcome.POLICE
    triaged_on = police_on if police and police_on else row.received_on
    yield pathway.Triaged(triaged_on, triage, note, police_on=police_on)
    gateway = row.gateway_outcome
    if not police or police_on is None or gateway is None:
        return
    yield pathway.GatewayDecided(police_on, gateway, note)
    discussed_on, adopted_on = row.discussed_at_panel_on, row.adopted_on
    if gateway != GatewayOutcome.PANEL or discussed_on is None:
        return
    same_day = adopted_on == discussed_on
    yield pathway.PanelDiscussed(discussed_on, PanelDecision.ADOPT if same_day else None, note)
    if adopted_on is None:
        return
    if not same_day:
        yield pathway.PanelDiscussed(adopted_on, PanelDecision.ADOPT, note)
    exit_reason = row.exit_reason
    if row.left_channel_on is None or exit_reason is None:
        return
    yield pathway.LeftChannel(
        row.left_channel_on, exit_reason.code, exit_reason.label, exit_reason.pk, note
    )


def _journey(row: _Row, note: str) -> pathway.Journey:
    """The row's history rows and milestone columns, as the services would write them for
    the same events; rows the services would leave without a reason carry `note`."""
    journey = pathway.Journey()
    for event in _events(row, note):
        journey.add(event)
    journey.rows[:] = [r if r.reason else r._replace(reason=note) for r in journey.rows]
    return journey


@dataclass(slots=True)
class _NewPerson:
    """A person a row creates, as `services.create_person` would record them: the row's
    name, date of birth, gender and ward, with the keys intake matches on."""

    given_name: str
    family_name: str
    date_of_birth: datetime.date | None
    gender: str | None
    ward_id: int | None
    pk: int = 0

    @classmethod
    def of(cls, row: _Row) -> _NewPerson:
        return cls(
            row.given_name,
            row.family_name,
            row.date_of_birth,
            row.gender,
            row.ward.pk if row.ward is not None else None,
        )

    @property
    def identified(self) -> bool:  # unnamed rows make `unidentified_historical` people
        return bool(self.given_name or self.family_name)

    def values(self, authority: Authority, user_id: int | None) -> tuple[Any, ...]:
        """The PERSON_COLUMNS."""
        return (
            authority.pk,
            self.given_name,
            self.family_name,
            self.date_of_birth,
            self.gender,
            self.ward_id,
            not self.identified,
            user_id,
            user_id,
            name_key(self.given_name),
            name_key(self.family_name),
            soundex(self.family_name),
        )


def _taken_meanwhile() -> ImportRejected:
    return ImportRejected(
        [
            RowError(
                0,
                "reference",
                "a reference in the file was used while it was being "
                "imported; nothing was imported, try again",
            )
        ]
    )


@transaction.atomic
def _write(
    rows: list[_Row], *, authority: Authority, acting_user: User | None, filename: str
) -> ImportResult:
    """Write the checked rows as multi-row writes (`core.bulk`): the columns set are those
    `bulk_create` of the same model instances would set, the rest take their defaults.
    Ids are reserved from the tables' sequences first, so history rows can name their
    referral before it is written."""
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    user_id = user.pk if user is not None else None
    batch = uuid.uuid4().hex

    # People: one per row, except rows naming the same person (name and date of birth).
    person_of: list[Person | _NewPerson] = []
    new_people: list[_NewPerson] = []
    by_key: dict[tuple[str, str, datetime.date], _NewPerson] = {}
    linked: dict[int, Person] = {}
    for row in rows:
        if row.person is not None:
            linked[row.person.pk] = row.person
            person_of.append(row.person)
            continue
        if row.person_key is not None and row.person_key in by_key:
            person_of.append(by_key[row.person_key])
            continue
        new = _NewPerson.of(row)
        new_people.append(new)
        person_of.append(new)
        if row.person_key is not None:
            by_key[row.person_key] = new
    for new, pk in zip(new_people, reserve_ids(Person, len(new_people)), strict=True):
        new.pk = pk

    writer = RowWriter()
    people = writer.table(Person, PERSON_COLUMNS)
    for new in new_people:
        people.add_row(new.pk, *new.values(authority, user_id))
    people.flush()

    referral_ids = reserve_ids(Referral, len(rows))
    referrals = writer.table(Referral, REFERRAL_COLUMNS)
    journeys: list[pathway.Journey] = []
    try:
        for row, person, referral_id in zip(rows, person_of, referral_ids, strict=True):
            dob = person.date_of_birth
            journey = _journey(row, f"Imported from {filename} row {row.number}")
            journeys.append(journey)
            referrals.add_row(
                referral_id,
                authority.pk,
                person.pk,
                row.reference,
                ReferralSource.IMPORT.value,
                row.case_officer.pk if row.case_officer is not None else user_id,
                row.received_on,
                row.sector.pk if row.sector is not None else None,
                row.concern.pk if row.concern is not None else None,
                age_on(dob, row.received_on) if dob else row.age,
                row.gender if row.gender is not None else person.gender,
                row.ward.pk if row.ward is not None else person.ward_id,
                user_id,
                user_id,
                *journey.milestones.values(),
            )
        referrals.flush()
    except IntegrityError:  # another import or intake took a reference meanwhile
        raise _taken_meanwhile() from None

    through = Referral.vulnerabilities.through
    event_ids = iter(reserve_ids(StageEvent, sum(len(j.rows) for j in journeys)))
    link_ids = iter(reserve_ids(through, sum(len(row.vulnerabilities) for row in rows)))
    due = [
        (referral_id, kind, due_on)
        for j, referral_id in zip(journeys, referral_ids, strict=True)
        if j.milestones["left_channel_on"] is not None
        for kind, due_on in pathway.reviews_due(j.milestones["left_channel_on"])
    ]
    review_ids = iter(reserve_ids(Review, len(due)))
    events = writer.table(StageEvent, EVENT_COLUMNS)
    links = writer.table(through, ["referral_id", "vulnerability_id"])
    reviews = writer.table(Review, REVIEW_COLUMNS)
    for row, journey, person, referral_id in zip(
        rows, journeys, person_of, referral_ids, strict=True
    ):
        for event in journey.rows:
            events.add_row(next(event_ids), authority.pk, referral_id, person.pk, user_id, *event)
        for vulnerability in row.vulnerabilities:
            links.add_row(next(link_ids), referral_id, vulnerability.pk)
    for referral_id, kind, due_on in due:
        reviews.add_row(next(review_ids), authority.pk, referral_id, kind.value, due_on)
    writer.flush()

    identified_new = [p for p in new_people if p.identified]
    counts = {
        "file": filename,
        "rows": len(rows),
        "authority": authority.ons_code,
        "referrals": len(rows),
        "people_created": len(new_people),
        "unidentified_people": len(new_people) - len(identified_new),
        "people_linked": len(linked),
        "first_referral": referral_ids[0],
        "last_referral": referral_ids[-1],
    }
    record_many(
        [
            build_event(
                AuditAction.CREATE,
                actor=acting_user,
                object_type="casework.import",
                object_id=batch,
                authority=authority,
                detail=counts,
            ),
            *(  # what `record(obj=person)` takes from a Person
                build_event(
                    AuditAction.CREATE,
                    actor=acting_user,
                    object_type=Person._meta.label_lower,
                    object_id=new.pk,
                    authority=authority,
                    person_id=new.pk,
                    detail={"import": batch},
                )
                for new in identified_new
            ),
            *(
                build_event(
                    AuditAction.CHANGE,
                    actor=acting_user,
                    obj=person,
                    detail={"import": batch, "fields": "referrals"},
                )
                for person in linked.values()
            ),
        ]
    )
    return ImportResult(
        filename=filename,
        authority=authority,
        rows=len(rows),
        referrals=len(rows),
        people_created=len(new_people),
        unidentified_people=len(new_people) - len(identified_new),
        people_linked=len(linked),
        batch=batch,
    )


def import_referrals(
    source: str | Path | bytes | IO[bytes],
    *,
    authority: Authority,
    acting_user: User | None,
    filename: str | None = None,
) -> ImportResult:
    """Import every row of a referrals file into `authority`, or nothing.

    Raises `ImportRejected` listing every error (row, column, message) when any row is
    bad; nothing is written then. The caller checks the acting user may change casework
    in `authority` (the upload page and the command do).
    """
    if filename is None:
        filename = Path(source).name if isinstance(source, (str, Path)) else "upload.csv"
    rows = check_file(source, authority=authority, filename=filename)
    return _write(rows, authority=authority, acting_user=acting_user, filename=filename)
