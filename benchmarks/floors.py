# ruff: noqa: S608
# The SQL here is assembled from table names read from the models (quoted by the
# database's own quote_name) and fixed fragments; every value is a bound parameter.
"""The floor of each benchmark: the best single hand-written SQL statement that computes
the same figures (or lists the same rows) on the same database.

A report's figures come from several tables, so its floor is one statement: common table
expressions for the rows in scope, and a `UNION ALL` of grouped selects, each returning
`(part, key, n1 .. n10)`. Table names are read from the models; the only SQL that differs
between SQLite and PostgreSQL is the financial-quarter expression.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from dueregard.accounts.models import Membership
from dueregard.areas.models import Authority
from dueregard.audit.models import AuditEvent
from dueregard.casework import models as cw
from dueregard.training import models as tr

WIDTH = 10  # numeric columns of every part


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def quarter_of(column: str) -> str:
    """The financial quarter of a date column, as text ("2024Q1" is April-June 2024)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} - interval '3 months', 'YYYY\"Q\"Q')"
    shifted = f"{column}, '-3 months'"
    return (
        f"(strftime('%%Y', {shifted}) || 'Q' || "
        f"((CAST(strftime('%%m', {shifted}) AS INTEGER) + 2) / 3))"
    )


@dataclass
class Floor:
    """One statement: `WITH ctes SELECT part UNION ALL SELECT part ...`."""

    ctes: list[tuple[str, str, list[Any]]] = field(default_factory=list)
    parts: list[tuple[str, list[Any]]] = field(default_factory=list)

    def cte(self, name: str, sql: str, *params: Any) -> Floor:
        if name not in {n for n, _, _ in self.ctes}:
            self.ctes.append((name, sql, list(params)))
        return self

    def part(
        self,
        label: str,
        key: str,
        values: list[str],
        rest: str,
        *params: Any,
    ) -> Floor:
        """`SELECT 'label', key, values.. (padded to WIDTH) rest` (rest: FROM ... GROUP BY)."""
        assert len(values) <= WIDTH, label
        columns = [f"CAST({key} AS TEXT)" if key != "NULL" else "NULL"]
        columns += values + ["CAST(NULL AS BIGINT)"] * (WIDTH - len(values))
        self.parts.append((f"SELECT '{label}', {', '.join(columns)} {rest}", list(params)))
        return self

    def __add__(self, other: Floor) -> Floor:
        merged = Floor(list(self.ctes), list(self.parts))
        for name, sql, params in other.ctes:
            merged.cte(name, sql, *params)
        merged.parts += other.parts
        return merged

    def statement(self) -> tuple[str, list[Any]]:
        params: list[Any] = []
        sql = ""
        if self.ctes:
            sql = "WITH " + ", ".join(f"{name} AS ({body})" for name, body, _ in self.ctes) + " "
            for _, _, p in self.ctes:
                params += p
        sql += " UNION ALL ".join(body for body, _ in self.parts)
        for _, p in self.parts:
            params += p
        return sql, params


def run(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fastest(candidates: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Of statements computing the same rows, the one this database runs fastest (each
    timed once after a warm-up run)."""
    timings = []
    for sql, params in candidates:
        run(sql, params)
        started = time.perf_counter()
        run(sql, params)
        timings.append((time.perf_counter() - started, sql, params))
    _, sql, params = min(timings, key=lambda t: t[0])
    return sql, params


def _sum_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


AGE_BANDS = [(0, 10), (11, 15), (16, 17), (18, 20), (21, 30), (31, 40), (41, 50), (51, 60)]


def _age_values(column: str = "age_at_referral") -> list[str]:
    values = [_sum_if(f"{column} BETWEEN {low} AND {high}") for low, high in AGE_BANDS]
    return [*values, _sum_if(f"{column} >= 61"), _sum_if(f"{column} IS NULL")]


# --------------------------------------------------------------------------------------
# Casework statistics for one authority and period (the referral-statistics report)


def casework(authority: Authority, start: datetime.date, end: datetime.date) -> Floor:
    ref, a = table(cw.Referral), authority.pk
    concern, sector = table(cw.ConcernType), table(cw.Sector)
    links = table(cw.Referral.vulnerabilities.through)
    meetings, items, attendance = (
        table(cw.PanelMeeting),
        table(cw.AgendaItem),
        table(cw.Attendance),
    )
    f = Floor()
    f.cte(
        "rec",
        f"SELECT id, sector_id, concern_id, gender, age_at_referral, triaged_on, "
        f"referred_to_police_on, discussed_at_panel_on, adopted_on, left_channel_on "
        f"FROM {ref} WHERE authority_id = %s AND received_on BETWEEN %s AND %s",
        a,
        start,
        end,
    )
    f.cte(
        "adp",
        f"SELECT id, concern_id FROM {ref} WHERE authority_id = %s "
        f"AND adopted_on BETWEEN %s AND %s",
        a,
        start,
        end,
    )
    f.cte(
        "mtg",
        f"SELECT id, panel_id FROM {meetings} WHERE authority_id = %s "
        f"AND held_on BETWEEN %s AND %s AND status = %s",
        a,
        start,
        end,
        cw.MeetingStatus.HELD.value,
    )
    reached = [
        _sum_if(f"{column} <= %s")
        for column in (
            "referred_to_police_on",
            "discussed_at_panel_on",
            "adopted_on",
            "left_channel_on",
        )
    ]
    f.part(
        "journey",
        "NULL",
        ["COUNT(*)", *reached, _sum_if("triaged_on IS NULL OR triaged_on > %s")],
        "FROM rec",
        end,
        end,
        end,
        end,
        end,
    )
    f.part(
        "sector",
        "s.label",
        ["COUNT(*)"],
        f"FROM rec LEFT JOIN {sector} s ON s.id = rec.sector_id GROUP BY s.label",
    )
    f.part(
        "concern",
        "c.label",
        ["COUNT(*)"],
        f"FROM rec LEFT JOIN {concern} c ON c.id = rec.concern_id GROUP BY c.label",
    )
    f.part("gender", "gender", ["COUNT(*)"], "FROM rec GROUP BY gender")
    f.part("age", "NULL", _age_values(), "FROM rec")
    for label, column, extra, extra_params in (
        ("q_new", "received_on", "", []),
        ("q_police", "referred_to_police_on", "", []),
        ("q_adopted", "adopted_on", "", []),
        ("q_advice", "triaged_on", "AND triage_outcome = %s", [cw.TriageOutcome.ADVICE.value]),
    ):
        f.part(
            label,
            quarter_of(column),
            ["COUNT(*)"],
            f"FROM {ref} WHERE authority_id = %s AND {column} BETWEEN %s AND %s {extra} "
            f"GROUP BY {quarter_of(column)}",
            a,
            start,
            end,
            *extra_params,
        )
    f.part(
        "adopted_concern",
        "c.label",
        ["COUNT(*)"],
        f"FROM adp LEFT JOIN {concern} c ON c.id = adp.concern_id GROUP BY c.label",
    )
    f.part(
        "vulnerable_cases",
        "NULL",
        [
            "COUNT(*)",
            _sum_if(f"NOT EXISTS (SELECT 1 FROM {links} l WHERE l.referral_id = adp.id)"),
        ],
        "FROM adp",
    )
    f.part(
        "vulnerability",
        "l.vulnerability_id",
        ["COUNT(DISTINCT l.referral_id)"],
        f"FROM adp CROSS JOIN {links} l WHERE l.referral_id = adp.id GROUP BY l.vulnerability_id",
    )
    f.part("panels", "mtg.panel_id", ["COUNT(*)"], "FROM mtg GROUP BY mtg.panel_id")
    f.part(
        "decided",
        "mtg.panel_id",
        ["COUNT(*)"],
        f"FROM mtg CROSS JOIN {items} i WHERE i.meeting_id = mtg.id AND i.decision IS NOT NULL "
        f"GROUP BY mtg.panel_id",
    )
    f.part(
        "attendance",
        "t.agency",
        [
            "COUNT(DISTINCT CASE WHEN t.attended THEN t.meeting_id END)",
            "COUNT(DISTINCT t.meeting_id)",
        ],
        f"FROM mtg CROSS JOIN {attendance} t WHERE t.meeting_id = mtg.id GROUP BY t.agency",
    )
    return f


def quarters(authority: Authority, start: datetime.date, end: datetime.date) -> Floor:
    """Referrals received, referred to police, adopted and advice given, by quarter."""
    ref, a = table(cw.Referral), authority.pk
    f = Floor()
    for label, column, extra, extra_params in (
        ("q_new", "received_on", "", []),
        ("q_police", "referred_to_police_on", "", []),
        ("q_adopted", "adopted_on", "", []),
        ("q_advice", "triaged_on", "AND triage_outcome = %s", [cw.TriageOutcome.ADVICE.value]),
    ):
        f.part(
            label,
            quarter_of(column),
            ["COUNT(*)"],
            f"FROM {ref} WHERE authority_id = %s AND {column} BETWEEN %s AND %s {extra} "
            f"GROUP BY {quarter_of(column)}",
            a,
            start,
            end,
            *extra_params,
        )
    return f


def quarters_by_case(
    authority: Authority, start: datetime.date, end: datetime.date
) -> tuple[str, list[Any]]:
    """The same figures in one pass over the authority's referrals in the period: a
    conditional count for each quarter and measure."""
    from dueregard.core.periods import financial_quarters

    ref = table(cw.Referral)
    values: list[str] = []
    params: list[Any] = []
    for quarter in financial_quarters(start, end):
        first, last = max(quarter.start, start), min(quarter.end, end)
        for column, extra in (
            ("received_on", ""),
            ("referred_to_police_on", ""),
            ("adopted_on", ""),
            ("triaged_on", " AND triage_outcome = %s"),
        ):
            values.append(_sum_if(f"{column} BETWEEN %s AND %s{extra}"))
            params += [first, last] + ([cw.TriageOutcome.ADVICE.value] if extra else [])
    in_period = " OR ".join(
        f"{c} BETWEEN %s AND %s"
        for c in ("received_on", "referred_to_police_on", "adopted_on", "triaged_on")
    )
    sql = f"SELECT {', '.join(values)} FROM {ref} WHERE authority_id = %s AND ({in_period})"
    return sql, params + [authority.pk] + [start, end] * 4


def national(start: datetime.date, end: datetime.date) -> Floor:
    """The Home Office-style statistics for England and Wales: journey, sector, concern,
    gender, age band, and referrals by region."""
    ref, concern, sector = table(cw.Referral), table(cw.ConcernType), table(cw.Sector)
    authority = table(Authority)
    f = Floor()
    f.cte(
        "nat",
        f"SELECT authority_id, sector_id, concern_id, gender, age_at_referral, "
        f"referred_to_police_on, discussed_at_panel_on, adopted_on, left_channel_on "
        f"FROM {ref} WHERE received_on BETWEEN %s AND %s",
        start,
        end,
    )
    reached = [
        _sum_if(f"{column} <= %s")
        for column in (
            "referred_to_police_on",
            "discussed_at_panel_on",
            "adopted_on",
            "left_channel_on",
        )
    ]
    f.part(
        "region",
        "a.region",
        ["COUNT(*)", *reached],
        f"FROM nat JOIN {authority} a ON a.id = nat.authority_id GROUP BY a.region",
        end,
        end,
        end,
        end,
    )
    f.part(
        "sector",
        "s.label",
        ["COUNT(*)"],
        f"FROM nat LEFT JOIN {sector} s ON s.id = nat.sector_id GROUP BY s.label",
    )
    f.part(
        "concern",
        "c.label",
        ["COUNT(*)"],
        f"FROM nat LEFT JOIN {concern} c ON c.id = nat.concern_id GROUP BY c.label",
    )
    f.part("gender", "gender", ["COUNT(*)"], "FROM nat GROUP BY gender")
    f.part("age", "NULL", _age_values(), "FROM nat")
    return f


# --------------------------------------------------------------------------------------
# Training


def training(authority: Authority, start: datetime.date, end: datetime.date) -> Floor:
    a = authority.pk
    session, audience, course = table(tr.Session), table(tr.SessionAudience), table(tr.Course)
    snapshot, requirement = table(tr.HeadcountSnapshot), table(tr.Requirement)
    level, trainer = table(tr.TrainingLevel), table(tr.Trainer)
    form, answer = table(tr.EvaluationForm), table(tr.EvaluationAnswer)
    pro = tr.Audience.PROFESSIONALS.value
    f = Floor()
    f.cte(
        "ses",
        f"SELECT s.id, s.audience, s.attendees, s.trainer_id, c.level_id FROM {session} s "
        f"JOIN {course} c ON c.id = s.course_id WHERE s.authority_id = %s AND s.archived = %s "
        f"AND s.held_on BETWEEN %s AND %s",
        a,
        False,
        start,
        end,
    )
    f.part("reach", "audience", ["COUNT(*)", "SUM(attendees)"], "FROM ses GROUP BY audience")
    f.part(
        "delivered",
        "sa.organisation_id || '/' || COALESCE(CAST(ses.level_id AS TEXT), '')",
        ["SUM(sa.attendees)", "COUNT(DISTINCT ses.id)"],
        f"FROM ses CROSS JOIN {audience} sa WHERE sa.session_id = ses.id AND ses.audience = %s "
        f"GROUP BY sa.organisation_id, ses.level_id",
        pro,
    )
    f.part(
        "compliance",
        "h.organisation_id || '/' || h.level_id || '/' || h.as_of",
        ["h.eligible", "h.compliant", "COALESCE(r.target, l.default_target)"],
        f"FROM {snapshot} h JOIN {level} l ON l.id = h.level_id "
        f"LEFT JOIN {requirement} r ON r.organisation_id = h.organisation_id "
        f"AND r.level_id = h.level_id "
        f"WHERE h.authority_id = %s AND h.archived = %s AND h.as_of BETWEEN %s AND %s",
        a,
        False,
        start,
        end,
    )
    f.part(
        "required",
        "r.organisation_id || '/' || r.level_id",
        [
            (
                f"(SELECT h.eligible FROM {snapshot} h WHERE h.organisation_id = r.organisation_id "
                f"AND h.level_id = r.level_id AND h.archived = %s AND h.as_of <= %s "
                f"ORDER BY h.as_of DESC LIMIT 1)"
            )
        ],
        f"FROM {requirement} r WHERE r.authority_id = %s AND r.archived = %s",
        False,
        end,
        a,
        False,
    )
    f.part(
        "trainers",
        "t.organisation_id || '/' || COALESCE(CAST(t.accredited_level_id AS TEXT), '')",
        [
            "COUNT(*)",
            _sum_if(
                "(SELECT COUNT(*) FROM ses WHERE ses.trainer_id = t.id AND "
                "(t.accredited_level_id IS NULL OR ses.level_id = t.accredited_level_id)) >= 2"
            ),
        ],
        f"FROM {trainer} t WHERE t.authority_id = %s AND t.archived = %s "
        f"GROUP BY t.organisation_id, t.accredited_level_id",
        a,
        False,
    )
    f.part(
        "forms",
        "fo.organisation_id || '/' || COALESCE(CAST(ses.level_id AS TEXT), '')",
        ["COUNT(*)"],
        f"FROM ses CROSS JOIN {form} fo WHERE fo.session_id = ses.id AND fo.archived = %s "
        f"AND ses.audience = %s GROUP BY fo.organisation_id, ses.level_id",
        False,
        pro,
    )
    f.part(
        "question",
        "an.question_id",
        [
            "COUNT(an.before)",
            _sum_if("an.before >= 3"),
            "COUNT(an.after)",
            _sum_if("an.after >= 3"),
            "COUNT(an.yes)",
            _sum_if("an.yes"),
        ],
        f"FROM ses CROSS JOIN {form} fo CROSS JOIN {answer} an WHERE fo.session_id = ses.id "
        f"AND an.form_id = fo.id AND fo.archived = %s AND ses.audience = %s "
        f"GROUP BY an.question_id",
        False,
        pro,
    )
    return f


def equality(authority: Authority, start: datetime.date, end: datetime.date) -> Floor:
    """Referrals and Channel cases by age band, gender, ethnic group and religion."""
    ref, person = table(cw.Referral), table(cw.Person)
    f = Floor()
    f.cte(
        "eq",
        f"SELECT r.age_at_referral, r.gender, p.ethnic_group, p.religion, r.adopted_on "
        f"FROM {ref} r JOIN {person} p ON p.id = r.person_id "
        f"WHERE r.authority_id = %s AND r.received_on BETWEEN %s AND %s",
        authority.pk,
        start,
        end,
    )
    for column in ("gender", "ethnic_group", "religion"):
        f.part(
            f"eq_{column}",
            column,
            ["COUNT(*)", "COUNT(adopted_on)"],
            f"FROM eq GROUP BY {column}",
        )
    f.part("eq_age", "NULL", _age_values(), "FROM eq")
    return f


# --------------------------------------------------------------------------------------
# Pages


def work_queue(authority: Authority, day: datetime.date) -> tuple[str, list[Any]]:
    """The rows the coordinator's work queue lists, with the names shown: every section
    (adopted cases awaiting consent or a plan, and every case that has left Channel with
    its next review, due, later or none)."""
    ref, person = table(cw.Referral), table(cw.Person)
    items, meeting = table(cw.AgendaItem), table(cw.PanelMeeting)
    actions, reviews = table(cw.PanelAction), table(cw.Review)
    plans, sessions = table(cw.SupportPlan), table(cw.SupportSession)
    consents = table(cw.Consent)
    a = authority.pk
    columns = "r.id, r.reference, p.given_name, p.family_name"
    parts = [
        (
            (
                f"SELECT 'triage', {columns}, r.received_on, 0 FROM {ref} r "
                f"JOIN {person} p ON p.id = r.person_id WHERE r.authority_id = %s AND r.stage = %s"
            ),
            [a, cw.Stage.RECEIVED.value],
        ),
        (
            (
                f"SELECT 'gateway', {columns}, r.referred_to_police_on, 0 FROM {ref} r "
                f"JOIN {person} p ON p.id = r.person_id WHERE r.authority_id = %s AND r.stage = %s"
            ),
            [a, cw.Stage.WITH_GATEWAY.value],
        ),
        (
            (
                f"SELECT 'agenda', {columns}, r.gateway_outcome_on, 0 FROM {ref} r "
                f"JOIN {person} p ON p.id = r.person_id WHERE r.authority_id = %s "
                f"AND r.stage IN (%s, %s) AND NOT EXISTS (SELECT 1 FROM {items} i "
                f"WHERE i.referral_id = r.id AND i.is_open = %s)"
            ),
            [a, cw.Stage.FOR_PANEL.value, cw.Stage.DISCUSSED.value, True],
        ),
        (
            (
                f"SELECT 'item', {columns}, m.held_on, i.id FROM {items} i "
                f"JOIN {ref} r ON r.id = i.referral_id JOIN {person} p ON p.id = r.person_id "
                f"JOIN {meeting} m ON m.id = i.meeting_id WHERE i.authority_id = %s "
                f"AND i.is_open = %s"
            ),
            [a, True],
        ),
        (
            (
                f"SELECT 'action', x.id, NULL, NULL, NULL, x.due_on, x.owner_id FROM {actions} x "
                f"WHERE x.authority_id = %s AND x.status = %s AND x.due_on < %s"
            ),
            [a, cw.ActionStatus.OPEN.value, day],
        ),
        (
            (
                f"SELECT 'plan', {columns}, sp.planned_start_on, (SELECT COUNT(*) FROM {sessions} s "
                f"WHERE s.plan_id = sp.id AND s.status = %s) FROM {plans} sp "
                f"JOIN {ref} r ON r.id = sp.referral_id JOIN {person} p ON p.id = r.person_id "
                f"WHERE sp.authority_id = %s AND r.stage = %s"
            ),
            [cw.SessionStatus.DELIVERED.value, a, cw.Stage.IN_SUPPORT.value],
        ),
        (
            (
                f"SELECT 'adopted', {columns}, r.adopted_on, (SELECT COUNT(*) FROM {consents} c "
                f"WHERE c.referral_id = r.id) FROM {ref} r "
                f"JOIN {person} p ON p.id = r.person_id WHERE r.authority_id = %s AND r.stage = %s"
            ),
            [a, cw.Stage.ADOPTED.value],
        ),
        (
            (
                f"SELECT 'left', {columns}, r.left_channel_on, (SELECT MIN(v.due_on) "
                f"FROM {reviews} v WHERE v.referral_id = r.id AND v.held_on IS NULL) "
                f"FROM {ref} r JOIN {person} p ON p.id = r.person_id "
                f"WHERE r.authority_id = %s AND r.stage = %s"
            ),
            [a, cw.Stage.LEFT_CHANNEL.value],
        ),
    ]
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]


def person_search(
    authority: Authority, text: str, key: str, sound: str
) -> list[tuple[str, list[Any]]]:
    """People of the authority matching the search; the reference matched through a
    subquery on the (authority, reference) index, or through a join with DISTINCT."""
    person, ref = table(cw.Person), table(cw.Referral)
    names = (
        "p.given_name_key LIKE %s OR p.family_name_key LIKE %s "
        "OR UPPER(p.other_names) LIKE UPPER(%s) OR p.family_name_sound = %s"
    )
    columns = "p.id, p.given_name, p.family_name, p.date_of_birth, p.ward_id"
    order = "ORDER BY p.family_name, p.given_name, p.id LIMIT 50"
    subquery = (
        f"SELECT {columns} FROM {person} p WHERE p.authority_id = %s "
        f"AND p.unidentified_historical = %s AND ({names} OR p.id IN (SELECT r.person_id "
        f"FROM {ref} r WHERE r.authority_id = %s AND UPPER(r.reference) = UPPER(%s))) {order}"
    )
    joined = (
        f"SELECT DISTINCT {columns} FROM {person} p LEFT JOIN {ref} r ON r.person_id = p.id "
        f"WHERE p.authority_id = %s AND p.unidentified_historical = %s "
        f"AND ({names} OR UPPER(r.reference) = UPPER(%s)) {order}"
    )
    pattern = f"%{key}%"
    words = [pattern, pattern, f"%{text}%", sound]
    return [
        (subquery, [authority.pk, False, *words, authority.pk, text]),
        (joined, [authority.pk, False, *words, text]),
    ]


def audit_page(authority: Authority, username: str) -> list[tuple[str, list[Any]]]:
    """The newest 51 events of the user in the auditor's scope, written three ways: the
    page's predicate as it is; the same with the authority in a subquery; and a union of
    the authority's events through the (authority, time) index with the sign-in events
    (no authority) of its members, each branch stopping at 51 rows. The floor takes
    whichever is fastest on the database."""
    events, members = table(AuditEvent), table(Membership)
    columns = (
        "id, occurred_at, actor_username, action, object_type, object_id, person_id, authority_id"
    )
    scope = f"SELECT user_id FROM {members} WHERE authority_id = %s"
    plain = (
        f"SELECT {columns} FROM {events} WHERE actor_username = %s AND (authority_id = %s "
        f"OR (authority_id IS NULL AND actor_id IN ({scope}))) ORDER BY id DESC LIMIT 51"
    )
    branch = (
        f"SELECT {columns} FROM {events} WHERE {{where}} "
        f"ORDER BY occurred_at DESC, id DESC LIMIT 51"
    )
    authority_branch = branch.format(where="authority_id = %s AND actor_username = %s")
    sign_in_branch = branch.format(
        where=f"authority_id IS NULL AND actor_username = %s AND actor_id IN ({scope})"
    )
    union = (
        f"SELECT * FROM (SELECT * FROM ({authority_branch}) AS a UNION ALL "
        f"SELECT * FROM ({sign_in_branch}) AS b) AS page ORDER BY id DESC LIMIT 51"
    )
    # The predicate with the authority in a subquery: the planner walks the primary key
    # backwards and stops at 51 matches (what the page's own query does).
    walk = plain.replace(
        "authority_id = %s", f"authority_id IN (SELECT id FROM {table(Authority)} WHERE id = %s)", 1
    )
    return [
        (plain, [username, authority.pk, authority.pk]),
        (walk, [username, authority.pk, authority.pk]),
        (union, [authority.pk, username, username, authority.pk]),
    ]
