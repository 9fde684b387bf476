"""The audit log page (admins): the latest entries, and every entry as CSV or XLSX (?format=csv)."""

import json

from django.http import HttpResponseBadRequest
from django.shortcuts import render

from dashboard.privacy.models import AuditEntry
from dashboard.tables import Column, Table

PAGE_ENTRIES = 1000  # the page shows the latest ones, 100 at a time; the download holds every entry
COLUMNS = [
    ("at", "Time"), ("actor_name", "By"), ("action", "Action"), ("target_type", "What"), ("target", "Which"),
    ("target_id", "Id"), ("changes", "Changes"), ("detail", "Detail"),
]  # fmt: skip


def audit_log(request):
    fmt = request.GET.get("format")
    if fmt:
        from reports.exports import FORMATS, download

        if fmt not in FORMATS:
            return HttpResponseBadRequest(f"Unknown format {fmt!r}: choose csv or xlsx.", content_type="text/plain")
        return download(fmt, "meterboard-audit-log", COLUMNS, _rows(AuditEntry.objects.iterator(chunk_size=500)))
    entries = list(_rows(AuditEntry.objects.all()[:PAGE_ENTRIES]))
    columns = [Column(key, label, format="Y-m-d H:i:s" if key == "at" else "") for key, label in COLUMNS]
    table = Table(columns, entries, empty="Nothing recorded yet.").paginate(request.GET)
    return render(request, "privacy/audit.html", {"table": table, "shown": len(entries), "limit": PAGE_ENTRIES})


def _rows(entries):
    for entry in entries:
        yield {
            "at": entry.at, "actor_name": entry.actor_name, "action": entry.action, "target_type": entry.target_type,
            "target": entry.target, "target_id": entry.target_id, "detail": entry.detail,
            "changes": json.dumps(entry.changes, ensure_ascii=False, sort_keys=True) if entry.changes else "",
        }  # fmt: skip
