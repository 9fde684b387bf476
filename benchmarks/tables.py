"""Rendering one representative table with dashboard.tables, and with django-tables2 where it is installed.

    python -m benchmarks.tables [--rows 100 1000] [--repeat 30]

The table is a report page's: ten columns (a linked name, a text column, a local time, six counts and averages
right-aligned with thousands separators, a percentage) over `--rows` rows, built anew for each render as a request
builds it, then drawn to HTML: with `dashboard.tables.Table` and `templates/partials/table.html` (what every page
uses), and, when `django_tables2` can be imported, with a django-tables2 `Table` declaring the same columns and
the same cell formatting (`dashboard.formats.number_text`, `dashboard.tables.cell`) in its stock template. It
prints the median and best milliseconds per render of each, and the lines of code each takes: the library's
module and template beside this table's declaration. The project's virtualenv has no django-tables2 (issue 18
weighed it without adopting it); to measure it, make a throwaway virtualenv:

    python3 -m venv /tmp/libvenv && /tmp/libvenv/bin/pip install -r requirements-dev.txt django-tables2
    /tmp/libvenv/bin/python -m benchmarks.tables

No database is read: the rows are made here.
"""

import argparse
import inspect
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _library():
    try:
        import django_tables2
    except ImportError:
        return None
    return django_tables2


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings_test")
    import django
    from django.conf import settings

    if _library() is not None:  # its templates (django_tables2/table.html) come with its app
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_tables2"]
    django.setup()


def make_rows(count):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    return [
        {
            "thing": f"00:1A:2B:3C:4D:{n % 256:02X}",
            "source": f"studio-{n % 7}",
            "period_start": start + timedelta(hours=n),
            "samples": 60,
            "used_min": n % 40,
            "used_max": 1200 + n % 90,
            "used_avg": 612.3456 + n / 7,
            "prepaid_max": 1500,
            "metered_avg": (n % 13) / 3,
            "utilization": 80 + (n % 200) / 10,
        }
        for n in range(count)
    ]


def ours():
    """The table as a page declares it with dashboard.tables (a selector's pairs, one column declared)."""
    from dashboard.tables import Column, Pair, Table, columns_of

    pairs = [
        ("thing", "Supervisor"), ("source", "Source"), ("period_start", "Period start"), ("samples", "Samples"),
        ("used_min", "Used min"), ("used_max", "Used max"), ("used_avg", "Used avg"), ("prepaid_max", "Prepaid max"),
        ("metered_avg", "Metered avg"), Pair("utilization", "Utilization %", "percent"),
    ]  # fmt: skip
    columns = columns_of(pairs, thing=Column("thing", "Supervisor", link=lambda row: f"/mls/{row['thing']}/"))
    return lambda rows: Table(columns, rows, id="usage")


def render_ours(declare, rows, request):
    from django.template.loader import render_to_string

    return render_to_string("partials/table.html", {"table": declare(rows).paginate(request.GET)})


def theirs():
    """The same table with django-tables2: each column declared, formatted as ours formats it."""
    import django_tables2 as tables

    from dashboard.formats import number_text
    from dashboard.tables import cell

    class Number(tables.Column):
        def __init__(self, *args, kind="int", **kwargs):
            super().__init__(*args, attrs={"td": {"class": "num"}, "th": {"class": "num"}}, **kwargs)
            self.kind = kind

        def render(self, value):
            return number_text(value, self.kind)

    class Local(tables.Column):
        def render(self, value):
            return cell(value)

    class Usage(tables.Table):
        thing = tables.Column("Supervisor", linkify=lambda record: f"/mls/{record['thing']}/")
        source = tables.Column("Source")
        period_start = Local("Period start")
        samples = Number("Samples")
        used_min = Number("Used min")
        used_max = Number("Used max")
        used_avg = Number("Used avg", kind="decimal")
        prepaid_max = Number("Prepaid max")
        metered_avg = Number("Metered avg", kind="decimal")
        utilization = Number("Utilization %", kind="percent")

        class Meta:
            attrs = {"class": "data sortable", "id": "usage"}

    return Usage


def render_theirs(declare, rows, request):
    from django_tables2 import RequestConfig

    table = declare(rows)
    RequestConfig(request, paginate={"per_page": 100}).configure(table)
    return table.as_html(request)


def timed(render, declare, rows, request, repeat):
    render(declare, rows, request)  # templates compiled and cached, as in a running server
    times = []
    for _ in range(repeat):
        begun = time.perf_counter()
        html = render(declare, rows, request)
        times.append((time.perf_counter() - begun) * 1000)
    return statistics.median(times), min(times), len(html)


def lines(path):
    """Lines of code of a file: neither blank nor only a comment."""
    text = Path(path).read_text().splitlines()
    return sum(1 for line in text if line.strip() and not line.strip().startswith(("#", "{#")))


def source_lines(function):
    return sum(1 for line in inspect.getsource(function).splitlines() if line.strip() and line.strip()[0] not in "#")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 1000], help="rows of each table rendered")
    parser.add_argument("--repeat", type=int, default=30, help="renders timed of each (the median is shown)")
    args = parser.parse_args()
    setup()
    from django.test import RequestFactory

    import dashboard.tables

    library = _library()
    request = RequestFactory().get("/mls/00:1A:2B:3C:4D:5E/")
    candidates = [("dashboard.tables", ours(), render_ours)]
    if library is not None:
        candidates.append((f"django-tables2 {library.__version__}", theirs(), render_theirs))
    print(f"Table rendering benchmark: 10 columns, median and best of {args.repeat} renders, {len(candidates)} way(s)")
    print(f"{'library':24} {'rows':>6} {'median ms':>10} {'best ms':>9} {'HTML kB':>8}")
    for rows in args.rows:
        data = make_rows(rows)
        for name, declare, render in candidates:
            median, best, size = timed(render, declare, data, request, args.repeat)
            print(f"{name:24} {rows:>6} {median:>10.1f} {best:>9.1f} {size / 1024:>8.0f}")
    print("Lines of code (neither blank nor comments):")
    print(f"  dashboard/tables.py {lines(dashboard.tables.__file__)}, templates/partials/table.html "
          f"{lines(ROOT / 'templates/partials/table.html')}; this table's declaration {source_lines(ours)}")  # fmt: skip
    if library is not None:
        module = Path(library.__file__).parent
        code = sum(lines(p) for p in module.rglob("*.py") if "migrations" not in p.parts)
        print(
            f"  django-tables2 (its package, not ours to keep) {code}; this table's declaration {source_lines(theirs)}"
        )
    else:
        print("  django-tables2 is not installed here: see this module's docstring to measure it")


if __name__ == "__main__":
    main()
