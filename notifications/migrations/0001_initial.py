"""The notification model, taken over from reviews with its table and rows (reviews 0005 renamed
the table); its content type and admin permissions move with it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_INDEX = "reviews_not_recipie_a68ac9_idx"


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="notifications", model="notification").exists():
        content_types.objects.filter(app_label="reviews", model="notification").update(app_label="notifications")


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="reviews", model="notification").exists():
        content_types.objects.filter(app_label="notifications", model="notification").update(app_label="reviews")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0005_notifications_move_to_their_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=32)),
                        ("text", models.CharField(max_length=500)),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["recipient", "read_at"], name=OLD_INDEX)],
                    },
                )
            ],
        ),
        migrations.RenameIndex("notification", new_name="notification_recipient_read", old_name=OLD_INDEX),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
