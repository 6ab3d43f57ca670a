# References unique within an authority ignoring case (issue 13 item 8).

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_duplicates_ignoring_case(apps, schema_editor):
    """Stop, naming them, if two referrals of an authority have references that differ only
    in case: someone must decide which to rename (nothing is renamed silently)."""
    model = apps.get_model("casework", "Referral")
    clashes = (
        model.objects.annotate(key=Lower("reference"))
        .values("authority_id", "key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    found = []
    for clash in clashes[:20]:
        spelt = model.objects.filter(
            authority_id=clash["authority_id"], reference__iexact=clash["key"]
        ).values_list("reference", flat=True)
        found.append(f"authority {clash['authority_id']}: " + ", ".join(sorted(spelt)))
    if found:
        raise RuntimeError(
            "References must be unique ignoring case, and these differ only in case; rename "
            "one of each before migrating:\n" + "\n".join(found)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0001_initial'),
        ('casework', '0004_case_officer_event'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates_ignoring_case, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='referral',
            name='referral_reference_unique',
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.UniqueConstraint(models.F('authority'), django.db.models.functions.text.Lower('reference'), name='referral_reference_unique_ci'),
        ),
    ]
