"""A chain per case (and a "system" chain for entries about no case): `seq` counts within the chain."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry", options={"ordering": ["id"], "verbose_name_plural": "audit entries"}
        ),
        migrations.RemoveIndex(model_name="auditentry", name="audit_case_seq"),
        migrations.RemoveIndex(model_name="auditentry", name="audit_object_seq"),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(
                default="system",
                editable=False,
                help_text="The chain the entry belongs to: 'case:<id>' or 'system'.",
                max_length=32,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in its chain: 1, 2, 3 … without gaps."
            ),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="chain",
            field=models.CharField(default="system", max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(model_name="chainhead", name="chain", field=models.CharField(max_length=32, unique=True)),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["object_type", "object_id", "id"], name="audit_object_id"),
        ),
    ]
