"""The small interface every vendor connector implements."""

from contextlib import contextmanager

from django.db import transaction

from ingest.db import upsert
from ingest.models import Cursor, Source
from ingest.signals import page_stored
from ingest.vendors.params import default_text


class Connector:
    """Fetches one source's new data and stores it page by page.

    A subclass sets `kind` and `params_form` (a `ParamsForm`, one field per
    `--param`, see ingest/vendors/params.py) and implements `fetch()`.
    Everything it stores goes through `self.run.page()`, which commits rows
    and cursors together, so a failure never leaves a cursor ahead of its rows.
    """

    kind = ""
    params_form = None  # a ParamsForm subclass

    def __init__(self, source, run):
        self.source = source
        self.params = self.clean_params(source.params or {})
        self.run = run

    @classmethod
    def clean_params(cls, params):
        """Return the validated parameters or raise ValueError naming the bad one."""
        return cls.params_form.clean_params(params)

    @classmethod
    def parameters_help(cls):
        """{name: help text} of the connector's parameters."""
        return cls.params_form.params_help()

    @classmethod
    def parameters(cls):
        """[(name, default in words, help text)] of the connector's parameters: the admin's and README's rows."""
        fields = cls.params_form.base_fields
        return [(name, default_text(fields[name]), text) for name, text in cls.parameters_help().items()]

    def fetch(self):
        raise NotImplementedError

    def probe(self):
        """The connection test: log in, read one small page, and say in a sentence what was found; store nothing.

        Runs with a ProbeRun (no run record, no cursor, no page to commit); raises FetchError (or ValueError for
        a bad parameter) with a message naming the setting to check, as a fetch would."""
        raise NotImplementedError


class ProbeRun:
    """What a connector's `run` is during a connection test: notes and warnings are kept, nothing is stored."""

    def __init__(self):
        self.notes, self.warnings = {}, []

    def note(self, **details):
        self.notes.update(details)

    def warn(self, message):
        self.warnings.append(message)

    def cursor(self, key, default=None):
        return default

    def page(self):
        raise RuntimeError("a connection test stores nothing")


class Page:
    """What one committed page did: counted only once the transaction commits."""

    def __init__(self, source):
        self.source = source
        self.fetched = 0
        self.created = 0
        self.updated = 0
        self.cursors = {}
        self.spans = []

    def upsert(self, model, columns, rows, *, keys, scope=None, prepared=False):
        """Upsert rows; `scope` (a queryset covering them) lets us count the new ones."""
        before = scope.count() if scope is not None else None
        upsert(model, columns, rows, keys=keys, prepared=prepared)
        self.fetched += len(rows)
        if scope is not None:
            created = scope.count() - before
            self.tally(created=created, updated=len(rows) - created)

    def tally(self, *, created, updated):
        """Count new and updated rows that a connector counted itself (rather than through `scope`)."""
        self.created += created
        self.updated += updated

    def set_cursor(self, key, value):
        self.cursors[key] = str(value)

    def touched(self, first, last, keys=None):
        """Say that this page stored rows from the UTC instant `first` to `last` (inclusive) of the things `keys`
        names (their `LicensedThing.key`s; None: any of the source's), for what reports derive from them."""
        self.spans.append((first, last, None if keys is None else sorted(keys)))


class RunContext:
    """The connector's window on the run: cursors, pages, progress and run details."""

    def __init__(self, source, run, progress=None, *, lock=None):
        self.source = source
        self.run = run
        self.progress = progress or (lambda page: None)
        self.lock = lock  # the fetch's FetchLock (ingest/lock.py): each page beats it as it commits

    def cursor(self, key, default=None):
        cursor = Cursor.objects.filter(source=self.source, key=key).first()
        return cursor.value if cursor else default

    @contextmanager
    def page(self):
        page = Page(self.source)
        with transaction.atomic():
            # Still ours, and alive: or nothing of this page is stored. Beating first takes the source row's write
            # lock before the page's inserts take shared locks on it (their foreign keys), so on InnoDB the
            # heartbeat thread waits for the page to commit instead of deadlocking with it.
            if self.lock is not None:
                self.lock.hold()
            yield page
            for key, value in page.cursors.items():
                Cursor.objects.update_or_create(source=self.source, key=key, defaults={"value": value})
            if page.fetched or page.created or page.updated:
                Source.data_changed(self.source.pk)  # cached charts of this source are read again (reports/cache.py)
                page_stored.send(sender=Source, source=self.source, spans=page.spans)  # in this transaction
        self.run.records_fetched += page.fetched
        self.run.records_created += page.created
        self.run.records_updated += page.updated
        self.run.save(update_fields=["records_fetched", "records_created", "records_updated"])
        self.progress(page)

    def warn(self, message):
        """Something the license admin should look at, although the run succeeded: shown with the run."""
        self.run.details.setdefault("warnings", []).append(message)
        self.run.save(update_fields=["details"])

    def note(self, **details):
        """Keep vendor facts (e.g. an import in progress) on the run record."""
        self.run.details.update(details)
        self.run.save(update_fields=["details"])
