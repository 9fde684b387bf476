"""The admin's Source form: credentials write-only, and the kind's parameters as form fields, not a JSON box.

A source's parameter fields are its kind's `ParamsForm` fields (ingest/vendors/<kind>/forms.py), with their help
text, named `param_<name>`, and validated by that form: the admin, `add_source --param` and every fetch read the
parameters through one form. `source_form(kind)` makes the form of one kind; the admin picks the kind from what
was posted, `?kind=`, or the source's own. A hidden `params_kind` says which kind the shown fields were for, so a
change of kind never stores one kind's values as another's: the new kind's parameters start from their defaults,
and where it needs one that has none, the form says so and shows them.
"""

import copy

from django import forms
from django.utils.html import format_html, format_html_join

from ingest.models import Source
from ingest.vendors import BY_KIND, VENDORS
from ingest.vendors.params import ListField, default_text

PREFIX = "param_"


def param_name(name):
    return f"{PREFIX}{name}"


def shown_initial(value):
    """A stored parameter as its text box shows it: a list comma-separated."""
    return ",".join(str(item) for item in value) if isinstance(value, list | tuple) else value


def kind_links():
    """The add page's links that show a kind's parameters before it is saved."""
    items = ((vendor.kind, vendor.label) for vendor in VENDORS)
    return format_html_join(" · ", '<a href="?kind={}">{}</a>', items)


class SourceForm(forms.ModelForm):
    """Credentials are write-only: never rendered back, kept when left blank. `params_for` is the kind whose
    parameter fields the form has ('' for none: no kind chosen yet, or one no vendor declares any more)."""

    params_for = ""
    base_url = forms.URLField(label="Base URL", max_length=500, assume_scheme="https")
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave blank to keep the stored one (forgotten if the base URL or kind changes).",
    )
    token = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave blank to keep the stored one (forgotten if the base URL or kind changes).",
    )
    clear_credentials = forms.BooleanField(required=False, help_text="Forget the stored password and token.")
    params_kind = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Source
        fields = ["kind", "name", "base_url", "username", "password", "token", "enabled", "interval_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["params_kind"].initial = self.params_for
        if self.params_for and not self.is_bound:
            stored = self.instance.params if self.instance.pk and self.instance.kind == self.params_for else {}
            for name in self.params_class().base_fields:
                if name in (stored or {}):
                    self.initial[param_name(name)] = shown_initial(stored[name])
        if not self.instance.pk:
            self.fields["kind"].help_text = format_html("Show the parameters of: {}", kind_links())

    @classmethod
    def params_class(cls):
        return BY_KIND[cls.params_for].connector_class().params_form

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind or self.has_error("kind"):
            return data
        if self.params_for != kind:  # a form for another kind (or none) was shown: nothing of it is this kind's
            self.add_error("kind", "Choose the kind first: its parameters are shown once it is chosen.")
            return data
        shown_for = self.data.get("params_kind", "") if self.is_bound else kind
        posted = {} if shown_for != kind else self.posted_params()
        params_form = self.params_class().bound(posted)
        if not params_form.is_valid():
            for name, errors in params_form.errors.items():
                field = param_name(name) if name in params_form.fields else None
                for error in errors:
                    if field is None or not self.has_error(field):
                        self.add_error(field, error)
            if shown_for != kind:
                self.add_error(None, f"The kind is now {BY_KIND[kind].label}: enter its parameters below.")
                self.show_defaults()
            return data
        data["params"] = params_form.json_safe()
        return data

    def show_defaults(self):
        """Shown again, the form is this kind's: its parameters at their defaults, whatever another kind's were."""
        self.data = self.data.copy()
        self.data["params_kind"] = self.params_for
        for name, field in self.params_class().base_fields.items():
            self.data[param_name(name)] = shown_initial(field.initial) if field.initial is not None else ""

    def posted_params(self):
        """{name: the text posted} of the kind's parameter fields (blank ones left out: they take the default)."""
        fields = self.params_class().base_fields
        posted = {name: self[param_name(name)].data for name in fields}
        return {name: value for name, value in posted.items() if value not in (None, "")}


def source_form(kind):
    """The SourceForm with `kind`'s parameter fields after the others (none for '' or a kind no vendor has)."""
    if kind not in BY_KIND:
        return SourceForm
    params = BY_KIND[kind].connector_class().params_form
    fields = {}
    for name, field in params.base_fields.items():
        field = copy.deepcopy(field)
        field.label = name
        if default_text(field) == "required":  # blank takes the default; one without is the params form's error
            field.help_text = f"Required: {field.help_text}"
        field.required = False
        if isinstance(field.widget, forms.TextInput) and not isinstance(field.widget, forms.NumberInput):
            field.widget.attrs.setdefault("size", 60 if isinstance(field, ListField) else 30)
        field.initial = shown_initial(field.initial)
        fields[param_name(name)] = field
    return type("SourceForm", (SourceForm,), {"params_for": kind, **fields})
