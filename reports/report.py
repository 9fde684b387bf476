"""A report: a class in its vendor's folder (reports/<kind>/reports.py) that builds a `ReportData`.

`Report.build(params)` validates the query (a QueryDict, or a form's cleaned data) with the report's form and
reads its selectors once, into a `ReportData`: title, period, source, rows and columns (or several named
tables), the chart as a dict in Plotly's figure schema (and named second charts), summary figures and KPIs,
the download's file name and what else its template shows. Every output renders that one object
(reports/renderers.py: the page, CSV/XLSX; reports/pdf.py: the PDF; reports/subscriptions/email.py: the email;
reports/api/views.py: the API's rows), so a page, its download, its PDF, its email and its API rows cannot
disagree. `Report.as_view()` is the thin view of its URL.

A vendor's registry record (ingest/vendors/__init__.py) lists its reports: the URLs, the API routes and their
OpenAPI schema, and which pages may be subscribed to are built from that list.
"""

import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.shortcuts import render
from django.urls import path

from ingest.models import Source
from reports import renderers
from reports.exports import FORMATS, REPORT_FORMATS
from reports.page_cache import cached_page
from reports.pdf import report_pdf


class InvalidParams(Exception):
    """The query does not make a report: the form's errors say why (none when it asks for more, e.g. an empty
    comparison, shown with `status` 200)."""

    def __init__(self, form, status=400):
        super().__init__(form.errors.as_text() if form.errors else "the report needs more parameters")
        self.form, self.status = form, status

    def message(self):
        errors = "; ".join(" ".join(errs) for errs in self.form.errors.values())
        return errors or "the report needs more parameters"


def _built(figure):
    return figure() if callable(figure) else figure


@dataclass
class ReportData:
    """What a report shows, once, for every output.

    `figure` and the values of `charts` are dicts in Plotly's figure schema, or functions building one (called only
    by an output that draws charts: never by a download or the API). `charts` are second charts by name, drawn by
    the page (as `<name>_json`), the PDF and the email; `page_charts` and `kpis` (a list, or a function) only by the
    page; `headline` (a sentence, or a function of one) only by an email and a PDF. `tables` (each a
    dashboard.tables.Table with a name) are a report of several tables: `rows`/`columns` are then the first one's
    and `table(name)` gives the report as another one's download holds it. `context` is what else the template
    shows; `api` what the API adds beside the rows (plain values: dates and instants are written as JSON is).
    """

    title: str
    rows: list
    columns: list  # (key, label) pairs, the download's columns in order
    filename: str
    period: Any = None  # a reports.periods.Period, or None
    source_name: str = ""
    figure: Any = None
    charts: dict = field(default_factory=dict)
    page_charts: dict = field(default_factory=dict)
    summary: Any = None  # a dict of figures, or a list of one dict per item (the email's summary table)
    kpis: Any = field(default_factory=list)  # the page's figure boxes (dashboard.tables.Kpi), or a function of them
    tables: list = field(default_factory=list)
    table_name: str = ""  # the table rows/columns are, in a report of several
    table_title: str = ""
    table: Any = None  # the page's declared dashboard.tables.Table of rows, if not a plain one
    page_rows: Any = None  # what the page's template calls `rows`, where not the download's (the overview's things)
    sheet: str = ""  # the XLSX's data sheet, where not named after the file
    context: dict = field(default_factory=dict)
    api: dict = field(default_factory=dict)
    filename_pattern: str = ""
    form: Any = None  # the valid form it was built from
    headline: Any = ""  # the finding an email or a PDF opens with (reports/headlines.py), or a function of it

    @classmethod
    def of_tables(cls, tables, *, filename, **fields):
        """A report of several tables (the first the default); `{table}` in `filename` becomes a table's name,
        else "-NAME" is appended."""
        data = cls(rows=[], columns=[], filename="", tables=list(tables), filename_pattern=filename, **fields)
        return data.table_of(tables[0].name)

    def table_of(self, name):
        """This report as table `name`'s download holds it (KeyError if it has no such table)."""
        if not self.tables:
            raise KeyError(name)
        chosen = {table.name: table for table in self.tables}[name]
        pattern = self.filename_pattern
        filename = pattern.replace("{table}", name) if "{table}" in pattern else f"{pattern}-{name}"
        return replace(
            self, rows=chosen.rows, columns=chosen.pairs, table_name=name, table_title=chosen.title or chosen.name,
            filename=re.sub(r"[^A-Za-z0-9._-]+", "_", filename),
        )  # fmt: skip

    def main_figure(self):
        if "figure" not in self._cache:
            self._cache["figure"] = _built(self.figure)
        return self._cache["figure"]

    def chart(self, name):
        """The second chart `name` (of `charts` or `page_charts`), built once."""
        if name not in self._cache:
            self._cache[name] = _built({**self.page_charts, **self.charts}[name])
        return self._cache[name]

    def headline_text(self):
        """The headline finding, built once (only an email or a PDF shows it)."""
        if "headline" not in self._cache:
            self._cache["headline"] = _built(self.headline) or ""
        return self._cache["headline"]

    def page_kpis(self):
        """The KPIs, built once (only the page shows them: a download never reads their queries)."""
        if "kpis" not in self._cache:
            self._cache["kpis"] = _built(self.kpis)
        return self._cache["kpis"]

    def figures(self):
        """The charts an email or a PDF draws: the main one, then the second ones (not the page-only ones)."""
        figures = [self.main_figure(), *(self.chart(name) for name in self.charts)]
        return [figure for figure in figures if figure is not None]

    @property
    def _cache(self):
        cache = self.__dict__.get("_built")
        if cache is None:
            cache = self.__dict__["_built"] = {}
        return cache


def source_names(**filters):
    """The names of the sources a report reads (Source filters), for its download's About sheet."""
    return ", ".join(Source.objects.filter(**filters).order_by("name").values_list("name", flat=True))


def as_query(params):
    """A QueryDict of `params`: a QueryDict as it is, or a dict (a list value repeats its parameter)."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        if isinstance(value, (list, tuple)):
            query.setlist(key, [str(v) for v in value])
        elif value is not None:
            query[key] = str(value)
    return query


class Report:
    """One report of a vendor. A subclass declares:

    - `name`: its URL name (in the "reports" namespace) and API route name; `path`: its route under the vendor's
      prefix; `template`: its page; `form_class`: its query form (`form()` builds it, say to set defaults).
    - `setup(**url_kwargs)`: reads the URL's objects (Http404 if they are gone) and returns the template's context
      for them (also on an invalid query's page); `build_data(form)`: the ReportData of a valid form.
    - what it offers: `downloads` (?format=), `tables` (the ?table= names, default first, for the API and its
      schema), `api_route` (under /api/v1/, None for none) with `api_summary` and `required` parameters,
      `subscribable`, and `raw` (a raw download as ?table=raw: `raw_download(form)` gives it).
    - `example()`: one example of it from stored data (its URL's objects and the query it needs), which the tests
      walk every report at: its page, downloads, roles, API route and random queries.
    """

    name = ""
    path = ""
    template = ""
    form_class = None
    downloads = REPORT_FORMATS
    tables = ()
    api_route = None
    api_summary = ""
    required = ()
    subscribable = True
    raw = False

    def __init__(self, user=None, **url_kwargs):
        """The report of the URL's `url_kwargs`, as `user` sees it (people's names as NAMES_VISIBLE_TO lets them,
        dashboard.privacy.names; None: no one's, as a subscription without an owner)."""
        self.user = user if user is not None else AnonymousUser()
        self.url_kwargs = url_kwargs
        self.context = self.setup(**url_kwargs) or {}

    def setup(self, **url_kwargs):
        return {}

    @classmethod
    def example(cls):
        """(URL kwargs, query) of one example of this report that shows stored rows, or None where nothing stored
        makes one: the objects its URL names, and what its query needs beyond a period (its `required`
        parameters, a period of its own where its data has its own calendar). A report whose URL names objects
        declares its own; one that names none is an example as it is."""
        if re.search(r"<(?:\w+:)?\w+>", cls.path):
            raise NotImplementedError(f"{cls.__qualname__} names objects in its URL: it declares example()")
        return {}, {}

    def form(self, params):
        return self.form_class(params)

    def validated(self, params):
        """The bound form of `params`, valid, or InvalidParams."""
        form = self.form(as_query(params))
        if not form.is_valid():
            raise InvalidParams(form)
        return form

    def build(self, params):
        """The ReportData of `params` (a QueryDict, or validated form data), or InvalidParams."""
        query = as_query(params)
        form = self.validated(query)
        data = self.build_data(form, query)
        data.form, data.context = form, {**self.context, **data.context}
        return data

    def build_data(self, form, params):
        raise NotImplementedError

    def raw_download(self, form, fmt, url):
        """The response of ?table=raw&format=FMT (only where `raw` is offered)."""
        raise NotImplementedError

    @classmethod
    def as_view(cls):
        def view(request, **url_kwargs):
            kept = cached_page(request)  # the same page as another user of this audience saw it, data unchanged
            return kept if kept is not None else respond(cls(user=request.user, **url_kwargs), request)

        view.report_class = cls
        view.__doc__ = cls.__doc__
        return view

    @classmethod
    def urlpattern(cls):
        return path(cls.path, cls.as_view(), name=cls.name)


def respond(report, request):
    """The answer to a report's URL: its page, or the download ?format= asks for (?table= picks the table)."""
    params = request.GET
    fmt, table = params.get("format"), params.get("table")
    try:
        if report.raw and table == "raw" and fmt:  # every stored row of the period, streamed
            form = report.validated(params)
            if fmt not in FORMATS:
                return renderers.unknown_format(fmt, FORMATS)
            return report.raw_download(form, fmt, renderers.page_url(request))
        data = report.build(params)
    except InvalidParams as exc:
        return invalid_page(request, report, exc.form, exc.status)
    if data.tables and (table or fmt):
        if table and table not in {t.name for t in data.tables}:
            names = ", ".join(t.name for t in data.tables)
            data.form.add_error(None, f"Unknown table {table!r}: choose one of {names}.")
            return invalid_page(request, report, data.form, 400, data.context)
        data = data.table_of(table or data.table_name) if fmt else data
    if fmt:
        if fmt not in report.downloads:
            return renderers.unknown_format(fmt, report.downloads)
        if fmt == "pdf":
            return report_pdf(request, report.template, data)
        return renderers.download(data, fmt, url=renderers.page_url(request))
    return renderers.page(request, report, data)


def invalid_page(request, report, form, status=400, context=None):
    """A bad query string gets the page back with its errors and a 400, never a 500."""
    context = {**(context or report.context), "form": form, "rows": []}
    return render(request, report.template, context, status=status)
