from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = "Sign-in"

    def ready(self):
        from signin import ldap  # noqa: F401  (connects django-auth-ldap's signals)
