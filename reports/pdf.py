"""A report page as a PDF (?format=pdf): the emailed report's HTML, printed A4 landscape by the system Chromium.

The PDF shows what the email of the same report shows (reports.subscriptions.email.report_content: charts,
figures and the first rows of the table), under the page's own title, with the period and generation time in
every page's header. Its charts are drawn by the page's own plotly.js in the Chromium that prints it (vector,
and one browser launch instead of kaleido's second one). Chromium is driven by Playwright's sync API in a thread
of its own, so no asyncio loop of the request (ASGI, or a test's) is in its way; `playwright install` is never
needed, since it launches settings.CHROMIUM. The page reaches no network: every request it makes is refused.
"""

import logging
import os
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

from reports.subscriptions.charts import report_figures
from reports.subscriptions.email import report_content
from reports.views.common import figure_json

log = logging.getLogger(__name__)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 30_000
PLOTLY_JS = "vendor/plotly.min.js"
NO_PLOTLY = f"Charts were unavailable: static/{PLOTLY_JS} is missing. The figures and tables below are complete."
# Draw each <script class="plot"> figure after it, static and print-sized; resolves once every chart is drawn.
DRAW_PLOTS = """() => Promise.all([...document.querySelectorAll("script.plot")].map((script) => {
  const fig = JSON.parse(script.textContent), div = document.createElement("div");
  script.after(div);
  return Plotly.newPlot(div, fig.data, {...fig.layout, width: 1000, height: 420}, {staticPlot: true});
}))"""


class PdfUnavailable(Exception):
    """Chromium is missing, or failed to print the report."""


def pdf_available():
    """Whether Chromium is where settings.CHROMIUM says, so a PDF can be printed (the pages' link says so)."""
    chromium = settings.CHROMIUM
    return bool(chromium) and os.path.isfile(chromium) and os.access(chromium, os.X_OK)


def report_pdf(request, template, report):
    """The PDF download of a report page (`template` rendered with `report`), or a 503 saying why there is none."""
    context = print_context(page_title(template, {**report, "request": request}), report)
    try:
        pdf = print_pdf(
            render_to_string("reports/pdf.html", context), header=render_to_string("reports/pdf-header.html", context)
        )
    except PdfUnavailable as exc:
        return HttpResponse(f"No PDF: {exc}.", status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report["filename"]}.pdf"'
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


def print_pdf(html, *, header):
    """PDF bytes of `html`, A4 landscape, printed by Chromium in a thread of its own."""
    if not pdf_available():
        raise PdfUnavailable(f"Chromium was not found at {settings.CHROMIUM or '(CHROMIUM not set)'}")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf") as pool:
        return pool.submit(_print, html, header).result()


def _print(html, header):
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=settings.CHROMIUM, args=FLAGS, timeout=TIMEOUT_MS)
            try:
                page = browser.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                if '<script class="plot"' in html:
                    page.add_script_tag(path=finders.find(PLOTLY_JS))
                    page.evaluate(DRAW_PLOTS)
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
