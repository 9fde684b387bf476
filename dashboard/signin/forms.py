from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's login form, saying why a directory refused a sign-in that got past the password (dashboard/signin/directory.py)."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            refusal = getattr(self.request, "signin_refusal", None)
            if refusal:
                raise forms.ValidationError(refusal, code="refused") from None
            raise
