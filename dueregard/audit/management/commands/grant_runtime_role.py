"""Give the service's runtime role what it needs and no more: `manage.py grant_runtime_role
ROLE [--print]`, run as the role that owns the tables (the one that runs `migrate`), after
every `migrate` (docs/deployment.md, ADR 0012).

The runtime role reads and writes every table, except the audit log, which it may only
read and append to: no UPDATE, DELETE or TRUNCATE, and since it does not own the table it
cannot drop or disable the triggers either. PostgreSQL only: a SQLite file is protected by
the file system and the chain.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from dueregard.audit import triggers


def grants(role: str, quote: Any) -> list[str]:
    """The statements, in order, for the role (already a PostgreSQL role) named `role`."""
    who, audit = quote(role), quote(triggers.TABLE)
    return [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
    ]


class Command(BaseCommand):
    help = (
        "Grant the runtime ROLE SELECT, INSERT, UPDATE and DELETE on every table but only "
        "SELECT and INSERT on the audit log. Run as the tables' owner after each migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="an existing PostgreSQL role the service connects as")
        parser.add_argument("--print", action="store_true", help="print the SQL, run nothing")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: object, role: str, database: str, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                "grant_runtime_role is for PostgreSQL; a SQLite database has no roles (keep "
                "its file readable by the service's account only)."
            )
        statements = grants(role, connection.ops.quote_name)
        if options["print"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no PostgreSQL role {role!r}: create it first.")
            cursor.execute("SELECT current_user")
            (owner,) = cursor.fetchone()
            if owner == role:
                raise CommandError(
                    f"{role!r} is the role running this command, which owns the tables: the "
                    "runtime role must be another one."
                )
            for sql in statements:
                cursor.execute(sql)
        self.stdout.write(
            f"Granted {role} reads and writes on every table, and only SELECT and INSERT on "
            "the audit log."
        )
