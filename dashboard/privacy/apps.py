from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "dashboard.privacy"
    label = "privacy"
    verbose_name = "Privacy and audit log"

    def ready(self):
        from dashboard.privacy import audit

        audit.connect()
