"""Declared tables and figure boxes: a view says what to show, one partial draws it.

A table is a list of `Column`s over rows (dicts or objects), declared in the view that shows it;
`templates/partials/table.html` renders every table, so alignment, links, escaping and the empty
row are written once. `Kpi`s are the summary figures over a report, drawn by `partials/kpis.html`.
This module lives in `dashboard/` because both apps' pages use it, and `ingest` never imports `reports`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from dashboard.formats import is_whole, number_text

PAGE_SIZE = 100  # rows a paginated table shows at a time: about a screenful or two


def cell(value):
    """Datetimes in the configured zone, as pages and downloads show them."""
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        text = local.strftime("%Y-%m-%d %H:%M")
        # a local time that happens twice (the hour repeated when DST ends) says which one it is
        return (
            f"{text} {local.tzname()}" if local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset() else text
        )
    return value


def days_only(values):
    """Instants that all fall on a local midnight (a daily, weekly or monthly table's rows): shown as dates."""
    instants = [v for v in values if isinstance(v, datetime)]
    if len(instants) < 2 or len(instants) != len([v for v in values if v is not None and v != ""]):
        return False
    return all(timezone.localtime(v).time() == time(0) for v in instants)


def is_number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


# What a column holds, for downloads: the spreadsheet's cell type and number format follow it.
# Undeclared, it is read from the values (kind_of); a declaration says what values cannot:
# "id" (whole numbers without thousands separators), "percent" (values in percent points, 85.3 for 85.3 %),
# "date" (ISO date text, as vendor calendar dates are kept).
KINDS = ("text", "int", "id", "decimal", "percent", "date", "datetime")


class Pair(tuple):
    """A selector's (key, label) column with a declared kind: unpacks and compares as the plain pair,
    e.g. Pair("utilization", "Utilization %", "percent")."""

    def __new__(cls, key, label, kind=""):
        if kind and kind not in KINDS:
            raise ValueError(f"Unknown column kind {kind!r}: choose one of {', '.join(KINDS)}")
        pair = super().__new__(cls, (key, label))
        pair.kind = kind
        return pair

    def __getnewargs__(self):  # copies and pickles keep the kind
        return (*self, self.kind)


def kind_of(column, values=()):
    """A column's kind (a (key, label) pair, a Pair or a Column): the declared one, else the one its values share."""
    declared = getattr(column, "kind", "")
    if declared:
        return declared
    kinds = {_value_kind(value) for value in values if value is not None and value != ""}
    if len(kinds) == 1:
        return kinds.pop()
    return "decimal" if kinds == {"int", "decimal"} else "text"


def _value_kind(value):
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"
    if is_number(value):  # a float peak of 12.0 is a count: shown and downloaded as 12, not 12.00
        return "int" if is_whole(value) else "decimal"
    return "text"


def read(row, key):
    """row[key] for a dict, else the attribute (a dotted path follows attributes: "source.name")."""
    if isinstance(row, dict):
        return row.get(key)
    for part in key.split("."):
        row = getattr(row, part, None)
    return row() if callable(row) else row


@dataclass(frozen=True)
class Column:
    """One column: its label, how to read its value from a row, and how to show it.

    - `key`: the row's key (or attribute path); `value`, a function of the row, reads it instead.
    - `link`: a URL name reversed with `link_args` (row keys; an int is taken as it is), plus `query`
      (a function of the row giving the query string's parameters); or a function of the row giving the URL.
    - `numeric`: right-aligned; None aligns right when the column's values are numbers.
    - `format`: a Django date format for dates and datetimes ("Y-m-d H:i"), else a Python format spec.
    - `template`: a cell drawn by this template, with `row` the row (badges, forms, several values).
    - `css`: classes of the column's cells.
    - `kind`: what downloads make of its values (one of KINDS; blank: read from the values, see kind_of).
    - `help`: what the column means, the tooltip (title) of its heading.
    """

    key: str
    label: str
    value: Callable[[Any], Any] | None = None
    link: str | Callable[[Any], str] | None = None
    link_args: tuple = ()
    query: Callable[[Any], dict] | None = None
    numeric: bool | None = None
    format: str = ""
    template: str = ""
    css: str = ""
    kind: str = ""
    help: str = ""

    def read(self, row):
        return self.value(row) if self.value else read(row, self.key)

    def show(self, value):
        if value is None:
            return ""
        if self.format and isinstance(value, (date, datetime)):
            return dateformat.format(timezone.localtime(value) if isinstance(value, datetime) else value, self.format)
        if self.format and is_number(value):
            return format(value, self.format)
        return cell(value)

    def url(self, row):
        if self.link is None:
            return ""
        if callable(self.link):
            return self.link(row)
        url = reverse(self.link, args=[read(row, arg) if isinstance(arg, str) else arg for arg in self.link_args])
        return f"{url}?{urlencode(self.query(row))}" if self.query else url


def columns_of(pairs, **declared):
    """Columns from a selector's (key, label) pairs, as its downloads have them; `declared` replaces some by key,
    e.g. columns_of(PEAK_COLUMNS, product=Column("product", "Product", link=...))."""
    unknown = set(declared) - {key for key, _label in pairs}
    if unknown:
        raise ValueError(f"No column {', '.join(sorted(unknown))} among {[key for key, _label in pairs]}")
    kinds = {pair[0]: getattr(pair, "kind", "") for pair in pairs}
    declared = {key: column if column.kind else replace(column, kind=kinds[key]) for key, column in declared.items()}
    return [declared.get(key) or Column(key, label, kind=kinds[key]) for key, label in pairs]


@dataclass
class Cell:
    value: Any
    url: str = ""
    css: str = ""
    template: str = ""

    @property
    def html(self):
        """The <td>, escaped as a template would escape it (a template cell is drawn by the partial instead)."""
        text = conditional_escape(localize(self.value))
        if self.url:
            text = f'<a href="{conditional_escape(self.url)}">{text}</a>'
        return f'<td class="{self.css}">{text}</td>' if self.css else f"<td>{text}</td>"


@dataclass
class Row:
    object: Any
    cells: list
    css: str = ""

    @cached_property
    def html(self):
        """The row's cells as HTML, built here rather than in the template: pages show thousands of rows.
        Empty when a cell is drawn by its own template."""
        if any(cell.template for cell in self.cells):
            return ""
        return mark_safe("".join(cell.html for cell in self.cells))  # each cell escaped in Cell.html


@dataclass
class Table:
    """A declared table over `rows`; `id` names it for a filter box (data-filter-table), `sortable` sorts on click.

    A table sorted by the server instead has `sort_links`: {column key: {"query": "?sort=...", "dir": "asc",
    "desc" or ""}}, drawn as links in those columns' headings. `classes` are its own CSS classes beside "data";
    `foot` is a template drawn as its <tfoot> with the page's context.

    A report page's table also has a `name` (its download is ?table=NAME) and a `title`; its download holds
    each column's `key` of the same rows (reports.views.common.render_tables).

    `paginate(query, prefix)` shows `page_size` rows at a time: ?{prefix}page=N picks the page (a number that
    is not one shows page 1, one past the end the last page) and ?{prefix}sort=KEY or -KEY sorts every row
    on the server, through links in the headings (a table of one page keeps sorting in the browser).
    """

    columns: list
    rows: Any
    name: str = ""
    title: str = ""
    id: str = ""
    sortable: bool = True
    empty: str = "Nothing to show."
    row_css: Callable[[Any], str] | None = None
    classes: str = ""
    sort_links: dict = field(default_factory=dict)
    foot: str = ""
    page_size: int | None = None  # PAGE_SIZE unless given
    pager: "Pager | None" = None

    @cached_property
    def _rows(self):
        return list(self.rows)

    @cached_property
    def _shown(self):
        """The rows drawn: all of them, or the page paginate() chose."""
        if self.pager is None:
            return self._rows
        return self.pager.rows

    def paginate(self, query, prefix=""):
        """Show one page of the rows as `query` (the request's GET) asks; see the class's docstring."""
        count, size = len(self._rows), self.page_size or PAGE_SIZE
        if count <= size:
            return self
        pages = -(-count // size)
        number = min(max(_int(query.get(f"{prefix}page")), 1), pages)
        rows, sort = self._rows, query.get(f"{prefix}sort") or ""
        column = next((c for c in self.columns if c.key == sort.lstrip("-") and not c.template), None)
        if column is not None and self.sortable:
            rows = _sorted(rows, column, descending=sort.startswith("-"))
        if self.sortable:
            self.sort_links = {c.key: _sort_link(query, prefix, c.key, sort) for c in self.columns if not c.template}
            self.sortable = False  # the headings' links sort on the server, not the browser's script
        start = (number - 1) * size
        self.pager = Pager(number, pages, count, start, rows[start : start + size], query, prefix)
        return self

    @cached_property
    def _align(self):
        return ["num" if self._numeric(column) else "" for column in self.columns]

    @cached_property
    def _css(self):
        """Each column's cell classes: "num" where it is numeric, then its own."""
        return [" ".join(filter(None, [align, c.css])) for c, align in zip(self.columns, self._align, strict=True)]

    @cached_property
    def header(self):
        """(label, class, sort link or None, tooltip) of each heading: numeric columns' headings align with their
        numbers."""
        return [
            (column.label, align, self.sort_links.get(column.key), column.help)
            for column, align in zip(self.columns, self._align, strict=True)
        ]

    @cached_property
    def body(self):
        return [
            Row(row, [self._cell(c, row, css) for c, css in zip(self.columns, self._css, strict=True)],
                self.row_css(row) if self.row_css else "")
            for row in self._shown
        ]  # fmt: skip

    @property
    def pairs(self):
        """(key, label) of each column, as downloads take them (with the column's kind)."""
        return [Pair(column.key, column.label, column.kind) for column in self.columns]

    @property
    def css(self):
        return " ".join(filter(None, ["data", "sortable" if self.sortable else "", self.classes]))

    def _numeric(self, column):
        if column.numeric is not None:
            return column.numeric
        if column.template:
            return False
        values = [v for v in (column.read(row) for row in self._shown) if v is not None and v != ""]
        return bool(values) and all(is_number(v) for v in values)

    @cached_property
    def _kinds(self):
        """Each column's kind (declared, or read from its first rows): how its numbers are shown; a column of
        instants that all fall on local midnights (days, weeks, months) is shown as dates ("day")."""
        sample = self._rows[:100]
        kinds = {}
        for column in self.columns:
            if not column.template:
                values = [column.read(row) for row in sample]
                kinds[column.key] = "day" if days_only(values) else kind_of(column, values)
        return kinds

    def _cell(self, column, row, css):
        if column.template:
            return Cell(None, css=css, template=column.template)
        value, kind = column.read(row), self._kinds[column.key]
        if kind == "day" and isinstance(value, datetime) and not column.format:
            shown = timezone.localtime(value).date().isoformat()
        elif column.format or not is_number(value):
            shown = column.show(value)
        else:
            shown = number_text(value, kind)
        return Cell(shown, column.url(row), css)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):  # absent, not a number, or a number too long to read
        return 1


def _sorted(rows, column, *, descending):
    """Every row by the column's value, empty values last whichever the direction."""
    values = [(column.read(row), row) for row in rows]
    present = [pair for pair in values if pair[0] is not None and pair[0] != ""]
    empty = [row for value, row in values if value is None or value == ""]
    try:
        present.sort(key=lambda pair: pair[0], reverse=descending)
    except TypeError:  # values of mixed types: sort them as the page shows them
        present.sort(key=lambda pair: str(column.show(pair[0])).lower(), reverse=descending)
    return [row for _value, row in present] + empty


def _sort_link(query, prefix, key, current):
    """A heading's link: ascending first, again to flip; back to the first page."""
    direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
    changes = {f"{prefix}sort": f"-{key}" if direction == "asc" else key, f"{prefix}page": None}
    return {"query": _query(query, **changes) + f"#{prefix}rows", "dir": direction}


def _query(query, **changes):
    """`query` as "?...", each of `changes` set (None removes it)."""
    query = query.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


@dataclass
class Pager:
    """The page of a paginated table: its number of `pages`, its `rows`, and links to the pages around it."""

    number: int
    pages: int
    count: int
    start: int
    rows: list
    query: Any
    prefix: str

    @property
    def first(self):
        return self.start + 1

    @property
    def last(self):
        return self.start + len(self.rows)

    @property
    def anchor(self):
        """The table's element id: its page and sort links lead back to it (app.js opens a closed <details>)."""
        return f"{self.prefix}rows"

    def url(self, number):
        return _query(self.query, **{f"{self.prefix}page": str(number)}) + f"#{self.anchor}"

    @property
    def links(self):
        """(label, url, current) of the first, previous, nearby, next and last pages; a gap has no url."""
        near = sorted({1, self.pages} | set(range(max(1, self.number - 2), min(self.pages, self.number + 2) + 1)))
        links = [("‹ Previous", self.url(self.number - 1), False)] if self.number > 1 else []
        for before, number in zip([0, *near], near, strict=False):
            if number - before > 1:
                links.append(("…", "", False))
            links.append((str(number), self.url(number), number == self.number))
        if self.number < self.pages:
            links.append(("Next ›", self.url(self.number + 1), False))
        return links


@dataclass(frozen=True)
class Kpi:
    """One figure box over a report: a label, its value and an optional note under it."""

    label: str
    value: Any
    note: str = ""
    kind: str = ""  # how a number is shown (dashboard.formats.number_text): "percent" adds its %

    @property
    def shown(self):
        return number_text(self.value, self.kind)
