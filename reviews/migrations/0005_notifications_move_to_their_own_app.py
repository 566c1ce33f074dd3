"""Notifications move to the notifications app: the table is renamed to notifications_notification
and keeps every row (notifications 0001 takes the model over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_existing_stamp_wordings")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("notification", "notifications_notification")],
            state_operations=[migrations.DeleteModel("Notification")],
        )
    ]
