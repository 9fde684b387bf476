"""The API tokens page: a user lists, makes and revokes their own tokens; a new token is shown once."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dashboard.tables import Column, Table
from reports.api.models import ApiToken
from reports.api.tokens import token_create, token_revoke

TEMPLATE = "account/tokens.html"


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What it is for, e.g. “Power Query on my laptop”.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        limit = settings.API_TOKENS_PER_USER
        if self.user.api_tokens.filter(revoked_at=None).count() >= limit:
            raise forms.ValidationError(
                f"You already have {limit} active tokens, the most one user may hold (API_TOKENS_PER_USER): "
                "revoke one you no longer use, then make the new one."
            )
        return super().clean()


def tokens(request):
    form, secret = TokenForm(request.POST or None, user=request.user), None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token, secret = token_create(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm(user=request.user)
        else:
            status = 400
    context = {"form": form, "secret": secret, "tokens": tokens_table(request.user.api_tokens.all())}
    response = render(request, TEMPLATE, context, status=status)
    if secret:  # the one page that holds the secret must not be kept anywhere
        response["Cache-Control"] = "no-store"
    return response


def tokens_table(tokens):
    return Table(
        [
            Column("name", "Name"),
            Column("prefix", "Token", value=lambda t: f"{t.prefix}…"),
            Column("created_at", "Created", format="Y-m-d H:i"),
            Column("last_used_at", "Last used", value=lambda t: t.last_used_at or "never", format="Y-m-d H:i"),
            Column("revoke", "", template="account/cells/revoke.html"),
        ],
        tokens,
        sortable=False,
        empty="No tokens yet.",
        row_css=lambda t: "" if t.active else "muted",
    )


@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # another user's token is not found
    token_revoke(token)
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) revoked: it no longer opens the API.")
    return redirect("account:tokens")
