from django.apps import AppConfig


class TallyConfig(AppConfig):
    name = "tests.tally"
    label = "tally"
    verbose_name = "Tally (test vendor)"
    default_auto_field = "django.db.models.BigAutoField"
