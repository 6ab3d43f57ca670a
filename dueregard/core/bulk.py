"""Writing many rows fast: multi-row writes over a model's own columns.

`bulk_create` measured 5,000 to 9,000 rows a second here (it builds a model instance and
prepares every field of every row, and psycopg binds INSERT parameters on the client).
`RowWriter` writes plain tuples in batches: `executemany` on SQLite, `COPY` on PostgreSQL.
The caller gives the columns it sets; every other concrete column takes the field's
default (or NULL, or the time of the run for `auto_now` fields), read from `Model._meta`
when it runs, and a required column with neither fails loudly.

Values are written as given, without Django's field preparation: give plain Python values
(`int`, `str`, `bool`, `date`, aware `datetime`, `None`), ids for foreign keys (the
attname, `..._id`), and `.value` for choices.

Ids: `RowTable.add` numbers rows from the table's highest id, for a build where nothing
else writes (the national demo dataset; `RowWriter.finish` then resets PostgreSQL's
sequences). Where other writers may be at work, reserve ids with `reserve_ids` and give
them to `RowTable.add_row`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

BATCH = 5_000


def _column(f: models.Field[Any, Any]) -> str:
    assert f.column is not None, f"{f} has no column"
    return f.column


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, taken as an `INSERT` would take them, so no
    other writer can be given them; call inside the transaction that writes the rows.

    PostgreSQL: `nextval` of the table's sequence (not necessarily consecutive when others
    are inserting too). SQLite: the next ids after both the table's highest id and its
    AUTOINCREMENT counter (so an id deleted under retention is never reused), with the
    counter moved past them; the update takes the database's write lock first, so no
    other connection can insert until this transaction ends.
    """
    if count <= 0:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(meta.db_table), _column(pk), count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":  # settings accept any URL; the project runs on two
            raise ImproperlyConfigured(
                f"Due Regard runs on SQLite or PostgreSQL, not {connection.vendor}."
            )
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq WHERE name = %s", [meta.db_table]
        )  # takes the write lock before reading the highest id
        cursor.execute(
            f"SELECT max({quote(_column(pk))}) FROM {quote(meta.db_table)}"  # noqa: S608
        )
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        counter = cursor.fetchone()
        first = max(highest, counter[0] if counter else 0) + 1
        last = first + count - 1
        if counter:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, meta.db_table]
            )
        else:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [meta.db_table, last]
            )
    return list(range(first, last + 1))


class RowTable:
    """Multi-row INSERTs into one model's table.

    `columns` are the attnames the caller gives for each row (after the id); every other
    concrete column takes its default, NULL or the time of the run, read from the model.
    """

    def __init__(
        self, writer: RowWriter, model: type[models.Model], columns: Sequence[str]
    ) -> None:
        self.writer = writer
        self.model = model
        self.label = model._meta.label
        meta = model._meta
        column_of = {f.attname: _column(f) for f in meta.concrete_fields}
        unknown = [c for c in columns if c not in column_of]
        if unknown:
            raise ValueError(f"{self.label} has no column {', '.join(unknown)}")
        pk = meta.pk
        assert pk is not None
        self.fill: list[Any] = []
        fill_columns: list[str] = []
        for f in meta.concrete_fields:
            if f.primary_key or f.attname in columns:
                continue
            fill_columns.append(_column(f))
            self.fill.append(writer.default_for(self.label, f))
        names = [_column(pk)] + [column_of[c] for c in columns] + fill_columns
        quote = connection.ops.quote_name
        target = f"{quote(meta.db_table)} ({', '.join(quote(n) for n in names)})"
        # Identifiers come from the model, quoted; every value is a bound parameter.
        self.sql = f"INSERT INTO {target} VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        # PostgreSQL: COPY, because psycopg binds INSERT parameters on the client, which
        # measured about 6,000 rows a second here whichever way the rows were batched.
        self.copy_sql = f"COPY {target} FROM STDIN"
        self.fill_tuple = tuple(self.fill)
        self.rows: list[tuple[Any, ...]] = []
        self.next_id: int | None = None  # read when `add` first needs it
        self.written = 0
        if writer.set_foreign_keys_aside and connection.vendor == "postgresql":
            writer.set_aside(meta.db_table)

    def add(self, *values: Any) -> int:
        """Add a row numbered after the table's highest id (see the module docstring)."""
        if self.next_id is None:
            self.next_id = (self.model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        pk = self.next_id
        self.next_id += 1
        self.add_row(pk, *values)
        return pk

    def add_row(self, pk: int, *values: Any) -> None:
        """Add a row with an id the caller reserved (`reserve_ids`)."""
        self.rows.append((pk, *values, *self.fill_tuple))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        # Errors come as Django's (IntegrityError ...), as from any query.
        with connection.wrap_database_errors, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


class RowWriter:
    """The tables being written, and (on PostgreSQL, if asked) their foreign keys.

    With `set_foreign_keys_aside`, each table's foreign-key constraints are dropped before
    its first row and added back, with the same names and definitions, by `finish()`: the
    way PostgreSQL's manual advises populating a database ("Populating a Database: Remove
    Foreign Key Constraints"). Adding a constraint back checks every row in one pass,
    where row-by-row checks took most of the build; a row that breaks one fails the
    transaction just the same. The constraint changes lock those tables until the build's
    transaction ends, so use it only where nothing else is writing (the seed command).
    """

    def __init__(self, *, set_foreign_keys_aside: bool = False) -> None:
        self.tables: dict[str, RowTable] = {}
        self.now = timezone.now()
        self.sqlite = connection.vendor == "sqlite"
        self.set_foreign_keys_aside = set_foreign_keys_aside
        self.constraints: list[tuple[str, str, str]] = []  # (table, name, definition)

    def set_aside(self, db_table: str) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [quote(db_table)],
            )
            found = cursor.fetchall()
            for name, definition in found:
                cursor.execute(f"ALTER TABLE {quote(db_table)} DROP CONSTRAINT {quote(name)}")
                self.constraints.append((db_table, name, definition))

    def table(self, model: type[models.Model], columns: Sequence[str]) -> RowTable:
        key = model._meta.label
        if key not in self.tables:
            self.tables[key] = RowTable(self, model, columns)
        return self.tables[key]

    def stamp(self, day: datetime.date, minute: int = 0) -> datetime.datetime:
        """A time on `day` (from 9:00 UTC): when a synthetic record was entered."""
        moment = datetime.datetime(day.year, day.month, day.day, 9, 0) + datetime.timedelta(
            minutes=minute
        )
        return moment if self.sqlite else moment.replace(tzinfo=datetime.UTC)

    def default_for(self, label: str, f: models.Field) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value: Any = self.now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif f.blank and f.empty_strings_allowed:
            value = ""
        else:
            raise ValueError(
                f"{label}.{f.attname} is given no value: the model has a new required "
                "field the writer does not set"
            )
        return f.get_db_prep_save(value, connection)

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def finish(self) -> dict[str, int]:
        """Flush, put back foreign keys set aside, and (PostgreSQL) move each table's
        sequence past the ids `RowTable.add` gave."""
        self.flush()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for db_table, name, definition in self.constraints:
                cursor.execute(
                    f"ALTER TABLE {quote(db_table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
        self.constraints = []
        if connection.vendor == "postgresql":
            statements = connection.ops.sequence_reset_sql(
                no_style(), [t.model for t in self.tables.values()]
            )
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        return {label: t.written for label, t in self.tables.items()}
