import json

from django.contrib import admin, messages
from django.utils.html import format_html

from ingest.models import Cursor, IngestRun, Source
from ingest.services import check_connection, source_save, sync_schedules
from ingest.tasks import FetchRefused, request_fetch
from ingest.vendors import BY_KIND

from .source_form import SourceForm, source_form

SECRET_FIELDS = ("password", "token")


def forgotten_message(fields):
    were, them = ("were", "them") if len(fields) > 1 else ("was", "it")
    return f"The base URL or kind changed, so the stored {' and '.join(fields)} {were} forgotten: enter {them} again."


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "base_url", "enabled", "interval_minutes", "last_status", "has_credentials"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "base_url"]
    actions = ["fetch_now", "test_connection"]
    readonly_fields = ["stored_params"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form of the kind posted, asked for (`?kind=`) or the source's own: with that kind's parameters."""
        kind = request.POST.get("kind") or request.GET.get("kind") or (obj.kind if obj else "")
        return super().get_form(request, obj, change, **{**kwargs, "form": source_form(kind)})

    def get_fieldsets(self, request, obj=None):
        fields = self.get_fields(request, obj)
        params = [name for name in fields if name.startswith("param_") or name in ("params_kind", "stored_params")]
        kind = request.POST.get("kind") or request.GET.get("kind") or (obj.kind if obj else "")
        title = f"Parameters of {BY_KIND[kind].label}" if kind in BY_KIND else "Parameters"
        description = (  # an admin fieldset's description is not escaped: format_html escapes the kind asked for
            "Blank: the parameter's default."
            if kind in BY_KIND
            else format_html(
                "The kind {} is not one this Meterboard knows: choose one to edit its parameters.", repr(kind)
            )
            if kind
            else "Choose the kind (or follow its link under Kind) to see its parameters."
        )
        return [
            (None, {"fields": [name for name in fields if name not in params]}),
            (title, {"fields": params, "description": description}),
        ]

    @admin.display(description="stored parameters")
    def stored_params(self, source):
        """What the source holds now, as every fetch reads it."""
        return json.dumps(source.params, sort_keys=True) if source.pk else "—"

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
        fields["params"] = form.cleaned_data["params"]
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
