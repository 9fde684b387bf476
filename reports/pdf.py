"""A report page as a PDF (?format=pdf): the emailed report's HTML, printed A4 landscape by the system Chromium.

The PDF shows what the email of the same report shows (reports.subscriptions.email.report_content: charts,
figures and the first rows of the table), under the page's own title, with the period and generation time in
every page's header. Its charts are drawn by the page's own plotly.js in the Chromium that prints it (vector,
and one browser launch instead of kaleido's second one). Chromium is driven by Playwright's sync API in a thread
of its own, so no asyncio loop of the request (ASGI, or a test's) is in its way; `playwright install` is never
needed, since it launches settings.CHROMIUM.

Printing runs no script of the page and reaches no network, so that an escaping slip in its HTML could neither
run nor send anything: the charts are first drawn to SVG by plotly.js in a page of their own that holds nothing
but plotly.js and the figures' JSON, then the report's HTML, the charts in it as SVG images, is printed with
JavaScript disabled. Both pages abort every request and WebSocket (Playwright routes); what they show is inline.

Printing is bounded: at most PDF_MAX_CONCURRENT at once across every process (reports/limits/slots.py; 503 with
Retry-After past it), PDF_RATE_LIMIT per user (429 with Retry-After), PDF_TIMEOUT seconds each; Chromium is
closed on every path.
"""

import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

from reports.limits.counters import UNITS, parse_rate, throttled
from reports.limits.slots import PdfBusy, pdf_slot
from reports.subscriptions.charts import report_figures
from reports.subscriptions.email import report_content
from reports.views.common import figure_json

log = logging.getLogger(__name__)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-pings", "--dns-prefetch-disable", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
BUSY_RETRY_AFTER = 10  # seconds a client is told to wait when every PDF printer is busy
PLOTLY_JS = "vendor/plotly.min.js"
NO_PLOTLY = f"Charts were unavailable: static/{PLOTLY_JS} is missing. The figures and tables below are complete."
# Draw each figure, static and print-sized, as an SVG data URL into window.charts (a failure into window.failed).
DRAW_CHARTS = """(figures) => {
  const draw = async () => {
    const charts = [];
    for (const fig of figures) {
      const div = document.createElement("div"), size = {width: 1000, height: 420};
      document.body.append(div);
      await Plotly.newPlot(div, fig.data, {...fig.layout, ...size}, {staticPlot: true});
      charts.push(await Plotly.toImage(div, {format: "svg", ...size}));
      Plotly.purge(div);
    }
    return charts;
  };
  draw().then((charts) => { window.charts = charts; }, (error) => { window.failed = String(error); });
}"""


class PdfUnavailable(Exception):
    """Chromium is missing, or failed to print the report."""


def pdf_available():
    """Whether Chromium is where settings.CHROMIUM says, so a PDF can be printed (the pages' link says so)."""
    chromium = settings.CHROMIUM
    return bool(chromium) and os.path.isfile(chromium) and os.access(chromium, os.X_OK)


def report_pdf(request, template, report):
    """The PDF download of a report page (`template` rendered with `report`), or a 503 or 429 saying why there is
    none (no Chromium, every printer busy, this user's PDFs used up for now)."""
    limit, window = parse_rate("PDF_RATE_LIMIT", settings.PDF_RATE_LIMIT)
    wait = throttled(f"pdf:{request.user.pk}", "PDF_RATE_LIMIT", settings.PDF_RATE_LIMIT)
    if wait:
        return _refusal(429, f"too many PDFs: at most {limit} per {UNITS[window]} each; try again in {wait} s", wait)
    context = print_context(page_title(template, {**report, "request": request}), report)
    try:
        with pdf_slot():
            pdf = print_pdf(
                lambda charts: render_to_string("reports/pdf.html", {**context, "charts": charts}),
                header=render_to_string("reports/pdf-header.html", context),
                plots=context["plots"],
            )
    except PdfBusy as exc:
        return _refusal(503, f"{exc}; try again in {BUSY_RETRY_AFTER} s", BUSY_RETRY_AFTER)
    except PdfUnavailable as exc:
        return _refusal(503, str(exc))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report["filename"]}.pdf"'
    return response


def _refusal(status, reason, retry_after=None):
    response = HttpResponse(f"No PDF: {reason}.", status=status, content_type="text/plain; charset=utf-8")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def page_title(template, context):
    """The page's own title: the {% block title %} of its template, rendered (so escaped) with its context."""
    for node in get_template(template).template.nodelist.get_nodes_by_type(BlockNode):
        if node.name == "title":
            return mark_safe(" ".join(node.nodelist.render(Context(context)).split()))  # the template escaped it
    return "Report"


def print_context(title, report):
    """The context of the printed page (reports/pdf.html) and of its header (reports/pdf-header.html, Chromium's
    header template: a tiny page of its own, styles inline): the email's content with each chart as its plotly
    figure's JSON, under the page's title."""
    plots, note = [figure_json(figure) for figure in report_figures(report)], ""
    if plots and not finders.find(PLOTLY_JS):
        plots, note = [], NO_PLOTLY
    return {**report_content(report, charts=[], charts_note=note), "plots": plots, "title": title}


FOOTER = (
    '<div style="font-size:8px;width:100%;margin:0 12mm;color:#52606d;text-align:right;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


def print_pdf(html, *, header, plots=()):
    """PDF bytes of `html(charts)` (the page, given its charts as image sources: `plots`, figures' JSON, drawn as
    SVG), A4 landscape, printed by Chromium in a thread of its own within PDF_TIMEOUT seconds."""
    if not pdf_available():
        raise PdfUnavailable(f"Chromium was not found at {settings.CHROMIUM or '(CHROMIUM not set)'}")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pool:
        return pool.submit(_print, html, header, list(plots)).result()


class _Deadline:
    def __init__(self, seconds):
        self.seconds, self.at = seconds, time.monotonic() + seconds

    def ms(self):
        """What is left of it, in ms, for a Playwright timeout; PdfUnavailable once it has passed."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise PdfUnavailable(f"printing took longer than PDF_TIMEOUT ({self.seconds:g} s)")
        return left * 1000


def _print(html, header, plots):
    from playwright.sync_api import Error, sync_playwright

    deadline = _Deadline(settings.PDF_TIMEOUT)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=settings.CHROMIUM, args=FLAGS, timeout=deadline.ms())
            try:
                charts = _draw_charts(_offline_page(browser, deadline, javascript=True), plots, deadline)
                page = _offline_page(browser, deadline, javascript=False)
                page.set_content(html(charts), wait_until="load", timeout=deadline.ms())
                deadline.ms()
                return page.pdf(
                    format="A4",
                    landscape=True,
                    print_background=True,
                    display_header_footer=True,
                    header_template=header,
                    footer_template=FOOTER,
                    margin={"top": "18mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except Error as exc:  # launch, timeout or print failure: Playwright's one error type
        log.warning("Printing a report PDF failed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise PdfUnavailable(f"Chromium failed to print the report ({type(exc).__name__})") from None


def _offline_page(browser, deadline, *, javascript):
    """A page of its own context that aborts every request and WebSocket it would make."""
    context = browser.new_context(java_script_enabled=javascript, service_workers="block", offline=True)
    context.set_default_timeout(deadline.ms())
    context.route("**/*", lambda route: route.abort())
    context.route_web_socket("**/*", lambda ws: ws.close())
    return context.new_page()


def _draw_charts(page, plots, deadline):
    """SVG data URLs of the figures (JSON), drawn by plotly.js in a page holding nothing else."""
    if not plots:
        return []
    page.set_content("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>")
    page.add_script_tag(path=finders.find(PLOTLY_JS))
    page.evaluate(DRAW_CHARTS, [json.loads(plot) for plot in plots])
    page.wait_for_function("() => window.charts || window.failed", timeout=deadline.ms())
    charts, failed = page.evaluate("() => [window.charts, window.failed]")
    if failed:
        log.warning("Drawing a PDF's charts failed: %s", failed[:200])
        raise PdfUnavailable("plotly.js failed to draw the report's charts")
    return charts
