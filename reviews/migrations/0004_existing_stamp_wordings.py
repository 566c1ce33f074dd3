"""The six stamp wordings the viewer offered before stamps were defined in the admin, as stamp
definitions every department may place."""

from django.db import migrations

WORDINGS = [
    ("APPROVED", "#2e7d32"),
    ("APPROVED AS NOTED", "#2e7d32"),
    ("REVISE AND RESUBMIT", "#c62828"),
    ("REVIEWED", "#1565c0"),
    ("NOT APPROVED", "#c62828"),
    ("VOID", "#5d4037"),
]


def create(apps, schema_editor):
    StampDefinition = apps.get_model("reviews", "StampDefinition")
    for order, (wording, color) in enumerate(WORDINGS):
        StampDefinition.objects.get_or_create(wording=wording, defaults={"color": color, "order": order})


def remove(apps, schema_editor):
    apps.get_model("reviews", "StampDefinition").objects.filter(wording__in=[w for w, _ in WORDINGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_standard_comments_and_stamp_definitions")]

    operations = [migrations.RunPython(create, remove)]
