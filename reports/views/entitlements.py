"""Admins enter what is owned of a licensed thing: one thing's form, and an upload of the overview's download."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from ingest.vendors import BY_KIND
from reports.overview.entitlements import EntitlementForm, ImportRejected, entitlement_save, import_entitlements
from reports.overview.models import Entitlement, default_unit

SHOWN_CHANGES = 50  # changes an upload lists one by one


def _next(request, fallback="reports:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def entitlement_edit(request, kind, key):
    """One licensed thing's entitlement: owned, unit, prices, renewal, reference, notes. Blank fields clear."""
    vendor = BY_KIND.get(kind)
    if vendor is None or len(key) > 300 or key not in import_string(vendor.licensed_keys)():
        if not Entitlement.objects.filter(kind=kind, key=key).exists():
            raise Http404("No licensed thing has that key.")
    entitlement = Entitlement.objects.filter(kind=kind, key=key).first() or Entitlement(kind=kind, key=key)
    form = EntitlementForm(request.POST or None, instance=entitlement)
    if request.method == "POST" and form.is_valid():
        entitlement_save(form.save(commit=False), label=request.POST.get("label", ""))
        messages.success(request, f"Entitlement of {entitlement.label or key} saved.")
        return redirect(_next(request))
    context = {
        "form": form, "entitlement": entitlement, "vendor": vendor, "next": _next(request, ""),
        "unit": default_unit(kind, key), "label": request.GET.get("label", entitlement.label)[:300],
    }  # fmt: skip
    return render(request, "reports/overview/entitlement.html", context, status=400 if form.errors else 200)


@require_POST
def entitlement_import(request):
    """An uploaded overview download (CSV or XLSX) read back into the entitlements, all or nothing."""
    upload = request.FILES.get("file")
    target = _next(request)
    if upload is None:
        messages.error(request, "Choose a CSV or XLSX file to import.")
        return redirect(target)
    try:
        changes = import_entitlements(upload.read())
    except ImportRejected as exc:
        messages.error(request, f"Nothing was imported: {exc}")
        return redirect(target)
    if not changes:
        messages.success(request, "Imported: nothing changed.")
    else:
        listed = "; ".join(str(c) for c in changes[:SHOWN_CHANGES])
        more = f" and {len(changes) - SHOWN_CHANGES} more" if len(changes) > SHOWN_CHANGES else ""
        messages.success(request, f"Imported {len(changes)} change{'s' if len(changes) != 1 else ''}: {listed}{more}.")
    return redirect(target)
