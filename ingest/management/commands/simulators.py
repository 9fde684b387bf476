from django.core.management.base import BaseCommand, CommandError

from ingest.simulators.server import SimulatorServer
from ingest.vendors import VENDORS


class Command(BaseCommand):
    help = "Serve the vendor API simulators on loopback (for the demo and for trying things out)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--history-days", type=int, default=60, help="days of history each simulator holds")
        for flag, (_vendor, _option, text) in sizing_flags().items():  # e.g. --lstat-servers, as simulators declare
            parser.add_argument(flag, type=int, help=text)
        parser.add_argument(
            "--fault", action="append", default=[], metavar="KIND:PATH[:TIMES]",
            help="inject a fault, e.g. 500:/mls/api/v2/records:3 (kinds: 500 502 503 429 401 timeout reset truncated cut malformed echo echo-json echo-unicode echo-url)",
        )  # fmt: skip

    def handle(self, *args, port, history_days, fault, **opts):
        options = sized_options(history_days, opts)
        try:
            server = SimulatorServer(port=port, options=options)
        except OSError as exc:
            raise CommandError(f"cannot serve the simulators on port {port}: {exc.strerror}") from None
        for spec in fault:
            kind, _, rest = spec.partition(":")
            path, _, times = rest.partition(":")
            try:
                server.faults.add(kind, path or "/", times=int(times or -1))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        for prefix in server.simulators:
            self.stdout.write(f"{prefix} simulator at {server.url(prefix)}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def sizing_flags():
    """{"--<kind>-<name>": (kind, simulator option, help)} of every simulator's `sizes` (how big to generate it)."""
    return {
        f"--{vendor.kind}-{name}": (vendor.kind, option, text)
        for vendor in VENDORS
        for name, (option, text) in vendor.simulator_class().sizes.items()
    }


def sized_options(history_days, opts):
    """The simulators' options, with the sizes the command was given (`--lstat-servers 100`...)."""
    options = simulator_options(history_days)
    for flag, (kind, option, _text) in sizing_flags().items():
        value = opts.get(flag.lstrip("-").replace("-", "_"))
        if value is not None and not 0 < value <= 100_000:
            raise CommandError(f"{flag} takes a whole number from 1 to 100000")
        if value is not None:
            options[kind][option] = value
    return options


def simulator_options(history_days):
    """Each simulator's options in the demo: its history and its `demo_options` (the demo's shapes)."""
    return {vendor.kind: {"history_days": history_days, **vendor.simulator_class().demo_options} for vendor in VENDORS}
