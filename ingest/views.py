from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ingest.models import Source
from ingest.selectors import source_statuses
from ingest.tables import runs_table, status_table
from ingest.tasks import FetchRefused, request_fetch


def source_list(request):
    return render(request, "ingest/source_list.html", {"statuses": status_table(source_statuses())})


def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    runs = source.runs.all()[:50]
    return render(request, "ingest/source_detail.html", {"source": source, "runs": runs_table(runs)})


@require_POST
def fetch_now(request, pk):
    source = get_object_or_404(Source, pk=pk)
    try:
        request_fetch(source)
    except FetchRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Fetch of {source.name} queued; the worker picks it up within seconds.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "ingest:sources"
    return redirect(next_url)
