"""A daily django-q2 schedule pseudonymises personal data older than PERSONAL_DATA_DAYS (dashboard/privacy/erasure.py);
with the setting unset the task does nothing."""

from django.db import migrations

NAME = "forget old personal data"


def add_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "dashboard.privacy.erasure.forget_old_personal_data_task",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
