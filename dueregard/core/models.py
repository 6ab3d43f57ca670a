"""Abstract building blocks shared by every domain app.

Records are never hard-deleted outside the retention process: they are archived with a
reason. Reference lists are versioned and disabled, never deleted, so old records keep
their labels.
"""

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuthoredModel(TimeStampedModel):
    """A record that knows who created and last changed it (set by services)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """A record that is archived with a reason instead of deleted."""

    archived = models.BooleanField(default=False)
    archived_on = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    archived_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


class ReferenceData(models.Model):
    """An entry of a reference list (sector, concern type, course ...).

    Entries are disabled, never deleted; `order` sets the display order.
    """

    code = models.SlugField(max_length=80)
    label = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    disabled_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class AuthorityOwned(models.Model):
    """A record that belongs to one authority (the tenant); queries scope on `authority`.

    Declared last in this module, and listed last among a model's bases, so that the field
    keeps its place after the timestamp, authored and archivable fields (the column order
    the existing tables have) and a base's `Meta` (e.g. `ReferenceData` ordering) still wins.
    The string reference keeps `core` free of an import of `areas`.
    """

    authority = models.ForeignKey("areas.Authority", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
