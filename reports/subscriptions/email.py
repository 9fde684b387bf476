"""The email of a subscription: HTML with inline PNG charts and styles, a text alternative, CSV/XLSX attachments.

report_content() is what the email shows of a report; the PDF download (reports/pdf.py) shows the same.
"""

import copy
import smtplib
from dataclasses import replace
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEMultipart
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from dashboard.formats import metric_label, number_text, summary_keys, summary_label, summary_value
from dashboard.tables import cell, days_only, kind_of
from reports.exports import download
from reports.subscriptions.capture import split_report
from reports.subscriptions.charts import ChartsUnavailable, figure_pngs, report_figures
from reports.views.common import report_about

TABLE_ROWS = 25


class RelatedEmail(EmailMultiAlternatives):
    """multipart/mixed[ multipart/related[ alternative[text, html], images ], attachments ]:
    the structure mail clients expect for inline images beside real attachments."""

    def __init__(self, *args, images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.images = list(images)

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.images:
            return msg
        related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET)
        related.attach(msg)
        for cid, png in self.images:
            image = MIMEImage(png, "png")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{cid}.png")
            related.attach(image)
        return related


def text(value):
    """A cell as the page shows it, as text (the text part joins cells with " | ")."""
    value = cell(value)
    return "" if value is None else str(value)


def shown_rows(columns, rows):
    """The rows as the page's table shows them: numbers by their column's kind, BigFix metrics by their label."""
    kinds = [kind_of(column, [row[column[0]] for row in rows]) for column in columns]
    days = [days_only([row[column[0]] for row in rows]) for column in columns]
    return [
        [text(metric_label(row[key]) if key == "metric" else
              timezone.localtime(row[key]).date() if day and row[key] else number_text(cell(row[key]), kind))
         for (key, _label), kind, day in zip(columns, kinds, days, strict=True)]
        for row in rows
    ]  # fmt: skip


def summary_figures(summary):
    """The page's summary as (label, value) pairs, or a table of rows when it is one row per item."""
    if isinstance(summary, dict):  # names lead, ids are left out, numbers read as on the page (dashboard.formats)
        return [(summary_label(key), summary_value(key, cell(summary[key]))) for key in summary_keys(summary)], None
    if isinstance(summary, list) and summary and isinstance(summary[0], dict):
        keys = summary_keys(summary[0])
        return [], {
            "labels": [summary_label(k) for k in keys],
            "rows": [[summary_value(k, cell(r[k])) for k in keys] for r in summary],
        }
    return [], None


def report_link(subscription, start, end):
    """The report's page for the period sent: its query as it was (repeated parameters, encoding), dates set."""
    path, query = split_report(subscription.report)
    params = QueryDict(query, mutable=True)
    params["start"], params["end"] = start.isoformat(), end.isoformat()
    return f"{settings.SITE_URL.rstrip('/')}{path}?{params.urlencode()}"


def report_content(report, *, charts, charts_note="", include_summary=True):
    """What the email and the PDF of a captured report both show (templates/emails/_report-content.html):
    its charts (each an image `src`), figures, summary and the first TABLE_ROWS rows of its table."""
    pairs, summary_table = summary_figures(report.get("summary")) if include_summary else ([], None)
    rows, columns = report["rows"], report["columns"]
    return {
        "period": report.get("period"),
        "charts": list(charts),
        "charts_note": charts_note,
        "figures": pairs,
        "summary_table": summary_table,
        "labels": [label for _key, label in columns],
        "table": shown_rows(columns, rows[:TABLE_ROWS]),
        "row_count": len(rows),
        "more_rows": max(0, len(rows) - TABLE_ROWS),
        "generated_at": timezone.localtime(),
    }


def report_charts(report):
    """PNG bytes of the report's charts, and a note for the reader when they could not be drawn."""
    try:
        return figure_pngs(report_figures(report)), ""
    except ChartsUnavailable as exc:
        return [], f"Charts were unavailable: {exc}. The figures and tables below are complete."


def build_email(subscription, captured, *, start, end):
    """The message for one send, and how many charts it embeds."""
    report = captured.report
    charts, charts_note = report_charts(report) if subscription.include_charts else ([], "")
    cids = [f"chart{i}" for i in range(len(charts))]
    formats = [fmt for fmt, on in (("csv", subscription.attach_csv), ("xlsx", subscription.attach_xlsx)) if on]
    context = {
        **report_content(
            report,
            charts=[f"cid:{cid}" for cid in cids],
            charts_note=charts_note,
            include_summary=subscription.include_summary,
        ),
        "subscription": subscription,
        "start": start,
        "end": end,
        "link": report_link(subscription, start, end),
        "attachments": formats,
        "attachment_names": " and ".join(fmt.upper() for fmt in formats),
    }
    subject = render_to_string("emails/report-subject.txt", context).strip()
    message = RelatedEmail(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/report-body.txt", context),
        to=subscription.recipient_list,
        images=zip(cids, charts, strict=True),
    )
    message.attach_alternative(render_to_string("emails/report-body.html", context), "text/html")
    for fmt in context["attachments"]:
        message.attach(*attachment(fmt, report, link=context["link"]))
    return message, len(charts)


def attachment(fmt, report, *, link=""):
    """(filename, content, mimetype) of the report's own download in `fmt`; its About sheet gives `link`."""
    about = replace(report_about(report), url=link)
    response = download(
        fmt, report["filename"], report["columns"], report["rows"], sheet=report["filename"], about=about
    )
    content = b"".join(response.streaming_content)
    return f"{report['filename']}.{fmt}", content, response["Content-Type"].split(";")[0]


def send_to_each(message, addresses):
    """Send `message` to each address in a message of its own (To: that address alone, so no recipient sees
    another's), over one connection. Returns the addresses the mail server refused; the others got it."""
    refused = []
    with get_connection() as connection:
        for address in addresses:
            one = copy.copy(message)
            one.to, one.cc, one.bcc = [address], [], []
            try:
                connection.send_messages([one])
            except smtplib.SMTPRecipientsRefused:
                refused.append(address)
    return refused
