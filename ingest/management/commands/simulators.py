from django.core.management.base import BaseCommand, CommandError

from ingest.simulators.server import SimulatorServer
from ingest.vendors import VENDORS


class Command(BaseCommand):
    help = "Serve the vendor API simulators on loopback (for the demo and for trying things out)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--history-days", type=int, default=60, help="days of history each simulator holds")
        parser.add_argument("--lstat-servers", type=int, help="License Statistics: generate this many license servers")
        parser.add_argument("--lstat-features", type=int, help="License Statistics: features per generated server")
        parser.add_argument("--lstat-sessions", type=int, help="License Statistics: current sessions to report")
        parser.add_argument(
            "--fault", action="append", default=[], metavar="KIND:PATH[:TIMES]",
            help="inject a fault, e.g. 500:/mls/api/v2/records:3 (kinds: 500 502 503 429 401 timeout reset truncated cut malformed echo echo-json echo-unicode echo-url)",
        )  # fmt: skip

    def handle(self, *args, port, history_days, fault, lstat_servers, lstat_features, lstat_sessions, **opts):
        options = simulator_options(history_days)
        sizes = {"server_count": lstat_servers, "feature_count": lstat_features, "session_count": lstat_sessions}
        for name, value in sizes.items():
            if value is not None and not 0 < value <= 100_000:
                raise CommandError(f"--lstat-{name.split('_')[0]}s takes a whole number from 1 to 100000")
        options["lstat"].update({name: value for name, value in sizes.items() if value is not None})
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


def simulator_options(history_days):
    """Each simulator's options in the demo: its history and its `demo_options` (the demo's shapes)."""
    return {vendor.kind: {"history_days": history_days, **vendor.simulator_class().demo_options} for vendor in VENDORS}
