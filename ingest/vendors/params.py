"""A connector's parameters are a Django form: one field per `--param`, with its help text.

The same form validates `add_source --param` values, the admin's params field
and the stored params each run reads; `params_help` and the README's tables
come from its fields. Cleaned values are JSON-safe, as they are stored in
`Source.params`.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError

from ingest.vendors.base import split_list


class ParamsForm(forms.Form):
    """Subclass it with one field per parameter; a field's `initial` is its default."""

    @classmethod
    def clean_params(cls, params):
        """The validated, JSON-safe parameters, or ValueError naming each bad one."""
        params = dict(params or {})
        unknown = set(params) - set(cls.base_fields)
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(sorted(unknown))}; takes {', '.join(cls.base_fields) or 'none'}"
            )
        data = {name: field.initial for name, field in cls.base_fields.items() if field.initial is not None}
        data.update({name: value for name, value in params.items() if value not in (None, "")})
        form = cls(data=data)
        if not form.is_valid():
            raise ValueError("; ".join(_message(name, errors) for name, errors in form.errors.items()))
        return {name: _json_safe(value) for name, value in form.cleaned_data.items()}

    @classmethod
    def params_help(cls):
        """{name: help text}, for `add_source --help`, the admin and the README."""
        return {name: str(field.help_text) for name, field in cls.base_fields.items()}


def _message(name, errors):
    text = " ".join(str(e) for e in errors)
    return text if name == "__all__" else f"{name}: {text}"


def _json_safe(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


class ListField(forms.Field):
    """A comma-separated list (or a list, as stored), stripped, first occurrences only."""

    def __init__(self, *, item=None, **kwargs):
        self.item = item  # validates and normalises one item; raises ValueError with the reason
        super().__init__(**kwargs)

    def to_python(self, value):
        items = split_list(value)
        if self.item is None:
            return items
        try:
            return list(dict.fromkeys(self.item(item) for item in items))
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc)) from None

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


def whole_number_item(text):
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


class ZoneField(forms.CharField):
    """An IANA time zone name such as Europe/Berlin ('' when not required and left blank)."""

    def validate(self, value):
        super().validate(value)
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValidationError(f"{value!r} is not a known time zone such as Europe/Berlin") from None
