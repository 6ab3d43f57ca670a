"""Load the Prevent duty toolkit's eight benchmarks (national reference data)."""

from django.db import migrations

from dueregard.assurance.benchmarks import TOOLKIT_BENCHMARKS


def load(apps, schema_editor):
    Benchmark = apps.get_model("assurance", "Benchmark")
    for number, code, label, description in TOOLKIT_BENCHMARKS:
        Benchmark.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "label": label,
                "description": description,
                "order": number,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assurance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
