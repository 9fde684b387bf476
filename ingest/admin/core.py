from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from ingest.models import Cursor, IngestRun, Source
from ingest.services import check_connection, source_save, sync_schedules
from ingest.tasks import FetchRefused, request_fetch
from ingest.vendors import VENDORS, connector_class
from ingest.vendors.params import default_note

SECRET_FIELDS = ("password", "token")


def forgotten_message(fields):
    were, them = ("were", "them") if len(fields) > 1 else ("was", "it")
    return f"The base URL or kind changed, so the stored {' and '.join(fields)} {were} forgotten: enter {them} again."


def params_help():
    """The help under the params field: each kind's parameters with their defaults, from its form."""
    return format_html_join(
        "",
        "<p>{} (<code>{}</code>):</p><ul>{}</ul>",
        ((vendor.label, vendor.kind, _parameter_items(vendor.connector_class())) for vendor in VENDORS),
    )


def _parameter_items(cls):
    rows = [(name, default_note(default), text) for name, default, text in cls.parameters()]
    return format_html_join("", "<li><code>{}</code>{}: {}</li>", rows) if rows else "no parameters"


class SourceForm(forms.ModelForm):
    """Credentials are write-only: never rendered back, kept when left blank."""

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

    class Meta:
        model = Source
        fields = ["kind", "name", "base_url", "username", "password", "token", "params", "enabled", "interval_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["params"].help_text = format_html(
            'A JSON object, such as <code>{{"limit": 500}}</code>. Each kind takes: {}', params_help()
        )

    def clean(self):
        data = super().clean()
        if not isinstance(data.get("params") or {}, dict):
            self.add_error("params", 'Enter a JSON object of parameter names and values, such as {"limit": 500}.')
        elif data.get("kind"):
            try:
                data["params"] = connector_class(data["kind"]).clean_params(data.get("params") or {})
            except ValueError as exc:
                self.add_error("params", str(exc))
        return data


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "base_url", "enabled", "interval_minutes", "last_status", "has_credentials"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "base_url"]
    actions = ["fetch_now", "test_connection"]

    @admin.display(description="last run")
    def last_status(self, source):
        run = source.last_run
        return f"{run.status} {run.started_at:%Y-%m-%d %H:%M}" if run else "never"

    @admin.display(boolean=True, description="credentials")
    def has_credentials(self, source):
        return bool(source.password or source.token)

    def save_model(self, request, obj, form, change):
        """Saved by the service `add_source` uses, so both keep, forget and validate credentials alike."""
        fields = {name: value for name, value in form.cleaned_data.items() if name in SourceForm.Meta.fields}
        saved = source_save(pk=obj.pk, clear_credentials=form.cleaned_data.get("clear_credentials", False), **fields)
        obj.pk = saved.pk
        if saved.forgotten_credentials:
            self.message_user(request, forgotten_message(saved.forgotten_credentials), messages.WARNING)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sync_schedules()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        sync_schedules()

    @admin.action(description="Fetch now")
    def fetch_now(self, request, queryset):
        """As the Sources page's button: refused, saying why, for a disabled, running or just-queued source."""
        for source in queryset:
            try:
                request_fetch(source)
            except FetchRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
            else:
                self.message_user(request, f"Queued a fetch of {source.name}.", messages.SUCCESS)

    @admin.action(description="Test connection (log in, read one small page, store nothing)")
    def test_connection(self, request, queryset):
        """`manage.py test_source` from the admin, for at most TEST_AT_ONCE sources (each waits on its vendor)."""
        sources = list(queryset.order_by("name")[: TEST_AT_ONCE + 1])
        if len(sources) > TEST_AT_ONCE:
            self.message_user(request, f"Test at most {TEST_AT_ONCE} sources at a time.", messages.WARNING)
            return
        for source in sources:
            ok, message = check_connection(source)
            level = messages.SUCCESS if ok else messages.ERROR
            self.message_user(request, f"{source.name}: {'OK' if ok else 'FAILED'}: {message}", level)


TEST_AT_ONCE = 5


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["source", "started_at", "finished_at", "status", "trigger", "records_fetched", "records_created", "records_updated", "short_error"]  # fmt: skip
    # a date filter, not date_hierarchy: its CONVERT_TZ fails outside UTC on MariaDB without time zone tables
    list_filter = ["status", "trigger", "source__kind", "source", ("started_at", admin.DateFieldListFilter)]
    search_fields = ["source__name", "error"]
    readonly_fields = [f.name for f in IngestRun._meta.fields]

    @admin.display(description="error")
    def short_error(self, run):
        return run.error[:120]

    def has_add_permission(self, request):
        return False


@admin.register(Cursor)
class CursorAdmin(admin.ModelAdmin):
    list_display = ["source", "key", "value", "updated_at"]
    list_filter = ["source"]
    search_fields = ["key", "source__name"]
