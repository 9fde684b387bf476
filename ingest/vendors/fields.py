"""A vendor kind in a model: checked against the registry and offered from it, never stored as choices.

Choices would be written into migrations, so adding a vendor would need one; a `KindField` reads
`ingest.vendors.VENDORS` when a value is validated or a form drawn, and its migrations never change.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ingest import vendors


def validate_kind(value):
    if value not in vendors.BY_KIND:
        raise ValidationError(
            "%(value)r is not a vendor kind; choose one of %(kinds)s.",
            params={"value": value, "kinds": ", ".join(vendors.BY_KIND)},
            code="unknown_kind",
        )


class KindField(models.CharField):
    default_validators = [validate_kind]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        blank = [("", "---------")] if self.blank or not self.has_default() else []
        return forms.ChoiceField(
            choices=lambda: blank + vendors.kind_choices(),
            required=not self.blank,
            label=kwargs.get("label") or self.verbose_name.capitalize(),
            help_text=self.help_text,
            initial=self.default if self.has_default() else None,
        )
