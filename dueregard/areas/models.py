"""Areas: the authority (the tenant), its wards and their population counts."""

from django.db import models


class Region(models.TextChoices):
    NORTH_EAST = "North East"
    NORTH_WEST = "North West"
    YORKSHIRE = "Yorkshire and The Humber"
    EAST_MIDLANDS = "East Midlands"
    WEST_MIDLANDS = "West Midlands"
    EAST = "East of England"
    LONDON = "London"
    SOUTH_EAST = "South East"
    SOUTH_WEST = "South West"
    WALES = "Wales"


class Authority(models.Model):
    """A local authority in England or Wales: the tenant every council record belongs to."""

    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=120)
    region = models.CharField(max_length=40, choices=Region.choices)
    ct_policing_region = models.CharField(
        "counter-terrorism policing region", max_length=80, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ons_code__regex=r"^[EW][0-9]{8}$"),
                name="authority_ons_code_form",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="wards")
    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"], name="ward_name_unique_in_authority"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Characteristic(models.TextChoices):
    TOTAL = "total", "All residents"
    AGE_BAND = "age_band", "Age band"
    SEX = "sex", "Sex"
    ETHNIC_GROUP = "ethnic_group", "Ethnic group"
    RELIGION = "religion", "Religion"


class Population(models.Model):
    """Residents of an authority (ward blank) or of a ward, in one group of a characteristic.

    Census-style counts used by equality monitoring as denominators.
    """

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="population")
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="population"
    )
    characteristic = models.CharField(max_length=20, choices=Characteristic.choices)
    group = models.CharField(max_length=80)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "characteristic", "group"],
                condition=models.Q(ward__isnull=True),
                name="population_unique_authority_group",
            ),
            models.UniqueConstraint(
                fields=["ward", "characteristic", "group"],
                condition=models.Q(ward__isnull=False),
                name="population_unique_ward_group",
            ),
        ]

    def __str__(self) -> str:
        area = self.ward or self.authority
        return f"{area}: {self.get_characteristic_display()} {self.group} = {self.count}"
