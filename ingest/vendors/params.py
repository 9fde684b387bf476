"""A connector's parameters are a Django form: one field per `--param`, with its help text.

The same form validates `add_source --param` values, the admin's parameter fields
and the stored params each run reads; `params_help` and the README's tables
come from its fields. Cleaned values are JSON-safe, as they are stored in
`Source.params`.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError


def split_list(value):
    """The stripped, non-empty items of a comma-separated string (or of a list), first occurrences only."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


class ParamsForm(forms.Form):
    """Subclass it with one field per parameter; a field's `initial` is its default."""

    @classmethod
    def bound(cls, params):
        """The form bound to `params`, each parameter left out (or blank) at its default; ValueError for a name
        the form has no field for."""
        params = dict(params or {})
        unknown = set(params) - set(cls.base_fields)
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(sorted(unknown))}; takes {', '.join(cls.base_fields) or 'none'}"
            )
        data = {name: field.initial for name, field in cls.base_fields.items() if field.initial is not None}
        data.update({name: value for name, value in params.items() if value not in (None, "")})
        return cls(data=data)

    @classmethod
    def clean_params(cls, params):
        """The validated, JSON-safe parameters, or ValueError naming each bad one."""
        form = cls.bound(params)
        if not form.is_valid():
            raise ValueError("; ".join(_message(name, errors) for name, errors in form.errors.items()))
        return form.json_safe()

    def json_safe(self):
        """The cleaned parameters as `Source.params` stores them."""
        return {name: _json_safe(value) for name, value in self.cleaned_data.items()}

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
        scalars = (str, int, float)
        if value is None:
            return []
        if not isinstance(value, scalars + (list, tuple)) or (
            isinstance(value, list | tuple) and not all(isinstance(item, scalars) for item in value)
        ):
            raise ValidationError(f"must be a comma-separated list, not {shown(value)}")
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


class ZoneField(forms.CharField):
    """An IANA time zone name such as Europe/Berlin ('' when not required and left blank)."""

    def validate(self, value):
        super().validate(value)
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValidationError(f"{value!r} is not a known time zone such as Europe/Berlin") from None


def shown(value):
    """A bad value as an error message quotes it: as text, cut short."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "...")


class ParamField(forms.Field):
    """A parameter field that may say in words what its default is ("30 days ago") when `initial` cannot."""

    def __init__(self, *, default_text=None, **kwargs):
        self.default_text = default_text
        super().__init__(**kwargs)


class WholeNumberField(ParamField):
    """A whole number (text or int), optionally between `min_value` and `max_value`."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValidationError(f"must be a whole number, not {shown(value)}") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                raise ValidationError(f"must be between {low} and {high}")
            raise ValidationError(f"must be at least {low}" if low is not None else f"must be at most {high}")


class OneOfField(ParamField):
    """One word out of `choices`, in any case."""

    def __init__(self, *, choices, **kwargs):
        self.choices = tuple(choices)
        super().__init__(**kwargs)

    def to_python(self, value):
        return "" if value in self.empty_values else str(value).strip().lower()

    def validate(self, value):
        super().validate(value)
        if value and value not in self.choices:
            raise ValidationError(f"must be {' or '.join(self.choices)}, not {shown(value)}")


def parse_moment(text):
    """A date or a datetime ('2026-01-31', '2026-01-31 08:00', '...T08:00+02:00'), UTC unless it says otherwise."""
    moment = datetime.fromisoformat(str(text).strip().replace(" ", "T"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_text(moment):
    """An aware datetime as yyyy-MM-dd'T'HH:mm:ssX in UTC, e.g. 2026-01-31T08:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class MomentField(ParamField):
    """A date or a datetime, UTC unless it names its zone; cleaned to '2026-01-31T08:00:00Z' (or '' if blank)."""

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        try:
            return utc_text(parse_moment(value))
        except (TypeError, ValueError):
            raise ValidationError(
                f"must be a date or datetime such as 2026-01-31 or 2026-01-31T08:00Z, not {shown(value)}"
            ) from None


def default_text(field):
    """What a parameter is when it is left out, in words, for help texts and the README."""
    if getattr(field, "default_text", None):
        return field.default_text
    if field.initial not in (None, "", [], ()):
        initial = field.initial
        return ",".join(str(item) for item in initial) if isinstance(initial, list | tuple) else str(initial)
    return "required" if field.required else ""


def default_note(default):
    """' (default 500)', ' (required)' or '', to follow a parameter's name."""
    if default == "required":
        return " (required)"
    return f" (default {default})" if default else ""
