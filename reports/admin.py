"""Subscriptions and alert rules in the admin, with Send now and their logs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.alerts.models import AlertEvent, AlertRule
from reports.alerts.series import key_help, thing_kind_choices
from reports.alerts.services import evaluate
from reports.overview.models import Entitlement
from reports.subscriptions.forms import SubscriptionForm
from reports.subscriptions.models import Subscription, SubscriptionSend
from reports.subscriptions.recipients import parse_recipients
from reports.subscriptions.services import SendRefused, request_send


class SendInline(admin.TabularInline):
    model = SubscriptionSend
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "sent_at",
        "trigger",
        "recipients",
        "period_start",
        "period_end",
        "status",
        "charts",
        "error",
    ]
    ordering = ["-sent_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "report", "recipients", "schedule_text", "next_send_at", "last_status", "enabled"]
    list_filter = ["enabled", "every", "period"]
    search_fields = ["name", "report", "recipients"]
    readonly_fields = ["next_send_at"]
    inlines = [SendInline]
    actions = ["send_now"]

    @admin.display(description="last send")
    def last_status(self, subscription):
        last = subscription.last_send
        return f"{last.status} {last.sent_at:%Y-%m-%d %H:%M}" if last else "never"

    def save_model(self, request, obj, form, change):
        obj.next_send_at = obj.next_after(timezone.now()) if obj.enabled else None
        super().save_model(request, obj, form, change)

    @admin.action(description="Send now")
    def send_now(self, request, queryset):
        """Queued to the worker, within the Send now limits (reports.subscriptions.services.request_send)."""
        for subscription in queryset:
            try:
                request_send(subscription, user=request.user)
            except SendRefused as refused:
                self.message_user(request, f"{subscription.name}: not sent: {refused}", messages.ERROR)
            else:
                self.message_user(request, f"{subscription.name}: being sent to {subscription.recipients}; "
                                  "its status shows in its sends.", messages.SUCCESS)  # fmt: skip


class AlertRuleForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The vendors whose things a rule can watch, and how each writes a thing's key: from their declarations.
        self.fields["thing_kind"].choices = [("", "---------"), *thing_kind_choices()]
        self.fields["thing_key"].help_text = f"For denials and utilization: the thing's key. {key_help()}."

    def clean_recipients(self):
        try:
            return ", ".join(parse_recipients(self.cleaned_data["recipients"]))
        except ValueError as exc:
            raise ValidationError(str(exc).removeprefix("--to: ")) from None


class EventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "change", "message", "emailed", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleForm
    list_display = ["name", "kind", "state_shown", "state_since", "detail", "enabled"]
    list_filter = ["kind", "state", "enabled"]
    readonly_fields = ["state_shown", "state_since", "detail", "checked_at"]
    inlines = [EventInline]
    actions = ["check_now"]

    @admin.display(description="state", ordering="state")
    def state_shown(self, rule):
        return rule.state_text

    @admin.action(description="Check now (emails only if the state changes)")
    def check_now(self, request, queryset):
        for rule in queryset:
            event = evaluate(rule)
            self.message_user(request, f"{rule.name}: {event.change if event else rule.state}: {rule.detail}")


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ["label", "vendor", "key", "owned", "unit", "price_per_year", "renews_on", "reference", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["label", "key", "reference", "notes"]
    list_editable = ["owned", "price_per_year", "renews_on"]
    date_hierarchy = "renews_on"

    @admin.display(description="kind", ordering="kind")
    def vendor(self, entitlement):
        return entitlement.kind_label
