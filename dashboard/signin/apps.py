from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "dashboard.signin"
    label = "signin"  # its tables and migrations keep the name they were made with
    verbose_name = "Sign-in"

    def ready(self):
        from dashboard.signin import ldap  # noqa: F401  (connects django-auth-ldap's signals)
