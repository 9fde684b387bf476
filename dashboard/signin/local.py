"""Local accounts (passwords in Meterboard's database): everyone's, or with LOCAL_LOGIN=superusers only the
break-glass admins' once a directory signs in everyone else."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from dashboard.signin.directory import refuse

DIRECTORY_ONLY = "Local sign-in is kept for Meterboard's break-glass admins: sign in with your directory account."


class LocalBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and username and password and self._refused_by_setting(username, password):
            refuse(request, DIRECTORY_ONLY)
        return user

    def user_can_authenticate(self, user):
        local_allowed = settings.LOCAL_LOGIN == "everyone" or user.is_superuser
        return super().user_can_authenticate(user) and local_allowed

    def _refused_by_setting(self, username, password):
        user = get_user_model()._default_manager.filter(username=username).first()
        return user is not None and user.is_active and user.check_password(password)
