"""The audit log's chain (ADR 0012) and the triggers that now refuse DELETE on SQLite, an
INSERT that replaces an event, and TRUNCATE on PostgreSQL (`audit/triggers.py`).

Events already in the log are sealed in id order with the current AUDIT_CHAIN_KEY, keeping
their times: the chain vouches for them from this migration on. The old triggers are
dropped first (they refuse the UPDATE that seals them) and the new ones installed last.
"""

import django.utils.timezone
from django.db import migrations, models

from dueregard.audit import chain, triggers

OLD_SQLITE = ["DROP TRIGGER IF EXISTS audit_event_no_update"]
OLD_POSTGRES = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def drop_old_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": OLD_SQLITE, "postgresql": OLD_POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def seal_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    alias = schema_editor.connection.alias
    key_id, keys = chain.keys()
    key = keys[key_id]
    previous = chain.GENESIS
    names = [name for name in chain.SEALED_FIELDS if name != "seq"]
    rows = AuditEvent.objects.using(alias).order_by("id").values_list("id", *names)
    batch = []
    with schema_editor.connection.cursor() as cursor:
        for seq, (event_id, *values) in enumerate(rows.iterator(chunk_size=10_000), start=1):
            previous = chain.seal_of(key, previous, [seq, *values])
            batch.append((seq, key_id, previous, event_id))
            if len(batch) == 10_000:
                _write(cursor, batch)
                batch = []
        _write(cursor, batch)


def _write(cursor, batch):
    if batch:
        cursor.executemany(
            "UPDATE audit_auditevent SET seq = %s, key_id = %s, chain_hash = %s WHERE id = %s",
            batch,
        )


def install_triggers(apps, schema_editor):
    for sql in triggers.install_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def remove_triggers(apps, schema_editor):
    for sql in triggers.remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_username_index")]

    operations = [
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
