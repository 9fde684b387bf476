"""The tests' walks over every report, generated from the registry: each vendor's reports (its record's `reports`)
and the shared ones (reports.urls.SHARED_REPORTS), each at the example it declares (`Report.example()`).

The parameter fuzz test, the role samples, the download walk, the API route walk and the schema's tables read
these, so a new vendor's reports are walked with no edit here. Call them with stored data behind every report
(the `walked` fixture of tests/conftest.py): a report that gives no example fails the walk, it is not skipped.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from ingest.vendors import all_reports
from reports.urls import SHARED_REPORTS

# A period the simulators' short test history fills (it ends at tests.conftest.SIM_END); a report whose data has
# its own calendar (BigFix's monthly periods) gives its own in its example.
RANGE = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "day"}


@dataclass(frozen=True)
class Example:
    report: type  # a reports.report.Report subclass
    kwargs: dict  # its URL's
    query: dict = field(default_factory=dict)  # what it needs beyond a period

    @property
    def url(self):
        return reverse(f"reports:{self.report.name}", kwargs=self.kwargs)

    @property
    def api_url(self):
        return reverse(f"api:{self.report.name}", kwargs=self.kwargs)

    def page_urls(self):
        """Its page, bare and at its example, and its downloads there (each table's CSV, the XLSX): the role
        samples."""
        tables = [{"table": table} for table in self.report.tables[1:]]
        csvs = [{**self.query, **table, "format": "csv"} for table in [{}, *tables]]
        return [
            self.url,
            *(_with_query(self.url, q) for q in [self.query, *csvs, {**self.query, "format": "xlsx"}] if q),
        ]

    def api_urls(self):
        """Its API route's URLs at its example: the default table, then each table (none: no API route)."""
        if not self.report.api_route:
            return []
        tables = [{}, *({"table": table} for table in self.report.tables)]
        return [_with_query(self.api_url, {**self.query, **table}) for table in tables]

    def download_queries(self):
        """The query of each of its downloads over RANGE (or its own period): each table's, and the raw one."""
        query = {**RANGE, **self.query}
        tables = [{**query, "table": table} for table in self.report.tables] or [query]
        return tables + ([{**query, "table": "raw"}] if self.report.raw else [])


def _with_query(url, query):
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def every_report():
    """Every Report class at a URL: the shared reports, then every vendor's, in registry order."""
    return [*SHARED_REPORTS, *all_reports()]


def examples():
    """The Example of every report (asserting each has one: stored data makes an example of every report)."""
    found, missing = [], []
    for report in every_report():
        example = report.example()
        if example is None:
            missing.append(report.name)
        else:
            found.append(Example(report, *example))
    assert not missing, f"no stored data makes an example of {missing} (the `walked` fixture stores some)"
    return found


def example_of(name):
    """The Example of the report of URL name `name`."""
    return next(example for example in examples() if example.report.name == name)
