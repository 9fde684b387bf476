"""The Subscriptions page, a subscription's sends, the Subscribe form and Send now."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dashboard.tables import Column, Table
from reports.subscriptions.capture import ReportError, capture
from reports.subscriptions.forms import SubscriptionForm
from reports.subscriptions.models import Subscription
from reports.subscriptions.services import SendRefused, request_send, subscription_save

CELLS = "reports/cells/"


def subscription_list(request):
    subscriptions = Table(
        [
            Column("name", "Name", link=lambda s: s.get_absolute_url()),
            Column("report", "Report", link=lambda s: s.report),
            Column("period", "Period", value=lambda s: s.get_period_display()),
            Column("recipients", "Recipients"),
            Column("schedule", "Schedule", template=CELLS + "subscription_schedule.html"),
            Column("next_send_at", "Next send", template=CELLS + "subscription_next.html"),
            Column("last_send", "Last send", template=CELLS + "subscription_last.html"),
            Column("send", "", template=CELLS + "send_now.html"),
        ],
        Subscription.objects.visible_to(request.user).prefetch_related("sends"),
        sortable=False,
    )
    return render(request, "reports/subscriptions/list.html", {"subscriptions": subscriptions})


def subscription_detail(request, pk, status=200):
    subscription = get_object_or_404(Subscription.objects.visible_to(request.user), pk=pk)
    sends = Table(
        [
            Column("sent_at", "Time", format="Y-m-d H:i T"),
            Column("trigger", "Trigger"),
            Column("period", "Period", value=lambda send: f"{send.period_start} – {send.period_end}"),
            Column("recipients", "Recipients"),
            Column("status", "Status", template=CELLS + "send_status.html"),
            Column("charts", "Charts"),
            Column("error", "Error"),
        ],
        subscription.sends.all()[:50],
        sortable=False,
    )
    context = {"subscription": subscription, "sends": sends}
    return render(request, "reports/subscriptions/detail.html", context, status=status)


def subscription_new(request):
    """GET: the form pre-filled with the report on screen (?report=path?query), or holding one's own
    subscription (?edit=pk); POST: save it."""
    edit = request.GET.get("edit", "")
    editing = Subscription.objects.filter(owner=request.user, pk=edit).first() if edit.isdigit() else None
    if request.method == "POST":
        # A name of theirs updates that subscription; other users' names are not theirs to see or collide with.
        named = Subscription.objects.filter(owner=request.user, name=request.POST.get("name", "")).first()
        instance = editing or named or Subscription(owner=request.user)
        form = _keeping_its_name(SubscriptionForm(request.POST, instance=instance, owner=request.user), editing)
        if form.is_valid():
            try:
                subscription = subscription_save(**form.fields_for_save(), owner=request.user)
            except ValueError as exc:
                form.add_error(
                    None, str(exc).replace("--report ", "Report ").replace("--to: ", "").replace("NAME: ", "")
                )
            else:
                messages.success(request, f"Subscription {subscription.name!r} saved: {subscription.schedule_text}.")
                return redirect(subscription)
        return render(request, "reports/subscriptions/new.html", {"form": form}, status=400)
    if editing:  # Change on one's own subscription: the form holds it
        form = _keeping_its_name(SubscriptionForm(instance=editing, owner=request.user), editing)
        return render(request, "reports/subscriptions/new.html", {"form": form})
    report = request.GET.get("report", "")
    initial = {"report": report, "recipients": request.user.email, "period": on_screen_period(report)}
    return render(
        request, "reports/subscriptions/new.html", {"form": SubscriptionForm(initial=initial, owner=request.user)}
    )


def _keeping_its_name(form, editing):
    """A subscription being changed keeps its name (the name is what saving it looks it up by)."""
    if editing:
        form.fields["name"].disabled = True
        form.fields["name"].help_text = "A subscription keeps its name; subscribe again for another one."
    return form


def on_screen_period(report):
    """The period closest to the range the report shows: 7 or 30 days, or a whole month."""
    try:
        data = capture(report).form.cleaned_data
    except ReportError:
        return Subscription.Period.LAST_7_DAYS
    start, end = data.get("start"), data.get("end")
    if not (start and end):
        return Subscription.Period.LAST_7_DAYS
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return Subscription.Period.LAST_MONTH
    return Subscription.Period.LAST_30_DAYS if (end - start).days + 1 >= 28 else Subscription.Period.LAST_7_DAYS


@require_POST
def send_now(request, pk):
    """Queue the send to the worker; too many presses get the page back with why, as a 429 with Retry-After."""
    subscription = get_object_or_404(Subscription.objects.visible_to(request.user), pk=pk)
    try:
        request_send(subscription, user=request.user)
    except SendRefused as refused:
        messages.error(request, str(refused))
        response = subscription_detail(request, pk, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    messages.success(
        request, f"{subscription.name} is being sent to {subscription.recipients}; its status shows below."
    )
    return redirect(subscription)
