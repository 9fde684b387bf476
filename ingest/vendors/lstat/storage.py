"""Storing License Statistics rows: servers, features and usage upserted on their natural keys, snapshots added."""

from datetime import UTC

from ingest.errors import PayloadError
from ingest.vendors.lstat.models import LstatFeature, LstatServer, LstatSession, LstatSnapshot, LstatTopUser, LstatUsage

USAGE_COLUMNS = [
    "feature", "granularity", "period_start", "period_label", "used_min", "used_avg", "used_max",
    "borrowed_min", "borrowed_max", "denials", "hours_used", "total_seats", "feature_name", "feature_version",
    "feature_type",
]  # fmt: skip
USAGE_KEYS = ["feature", "granularity", "period_start"]


def separate_repeated_hours(values, where):
    """The hour repeated when clocks go back reads the same twice: the second is the later one.

    Any other repeated period means the pages overlapped (unstable order upstream).
    Keys compare in UTC: within one zone Python ignores `fold` when comparing.
    """
    seen, out = set(), []
    for v in values:
        if (v[0], v[2].astimezone(UTC)) in seen:
            later = v[2].replace(fold=1)
            if v[1] != "hour" or later.utcoffset() == v[2].utcoffset() or (v[0], later.astimezone(UTC)) in seen:
                raise PayloadError(f"{where}: period {v[3]!r} of feature row {v[0]} arrived twice; paging overlapped")
            v = (*v[:2], later, *v[3:])
        seen.add((v[0], v[2].astimezone(UTC)))
        out.append(v)
    return out


class LstatStorage:
    """One run's writes for one source; `now` stamps what was seen and when snapshots were taken."""

    def __init__(self, source, now):
        self.source = source
        self.now = now
        self.features = {}

    def store_servers(self, page, rows):
        columns = ["source", "lsid", "name", "host", "port", "manager", "status", "seen_at"]
        values = [
            (self.source.pk, r["lsid"], r["name"], r["host"], r["port"], r["manager"], r["status"], self.now)
            for r in rows
        ]
        scope = LstatServer.objects.filter(source=self.source)
        page.upsert(LstatServer, columns, values, keys=["source", "lsid"], scope=scope)

    def store_features(self, page, rows):
        """Upsert features (from the feature list or from usage rows) under their servers."""
        server_ids = dict(LstatServer.objects.filter(source=self.source).values_list("lsid", "pk"))
        columns = ["source", "fid", "server", "name", "version", "feature_type", "seen_at"]
        values = [
            (self.source.pk, r["fid"], server_ids[r["lsid"]], r["name"], r["version"], r["feature_type"], self.now)
            for r in rows
        ]
        scope = LstatFeature.objects.filter(source=self.source)
        page.upsert(LstatFeature, columns, values, keys=["source", "fid"], scope=scope)

    def ensure_features(self, page, fids):
        """Features known only by id (no feature list to read): stored without a name or server."""
        have = set(LstatFeature.objects.filter(source=self.source, fid__in=fids).values_list("fid", flat=True))
        new = [LstatFeature(source=self.source, fid=fid, name="", seen_at=self.now) for fid in fids if fid not in have]
        LstatFeature.objects.bulk_create(new)
        LstatFeature.objects.filter(source=self.source, fid__in=have).update(seen_at=self.now)
        page.tally(created=len(new), updated=len(have))
        page.fetched += len(fids)

    def load_features(self):
        self.features = {f.fid: f for f in LstatFeature.objects.filter(source=self.source).select_related("server")}

    def store_usage(self, page, server, rows, granularity, where):
        """Upsert parsed usage rows; rows of a server's report may name features the feature list did not."""
        if server is not None:
            self.learn_features(page, server, rows)
        values = []
        for r in rows:
            feature = self.features.get(r["fid"])
            if feature is None:
                raise PayloadError(f"{where}: row for feature {r['fid']}, which License Statistics does not list")
            r["feature_name"] = r["feature_name"] or feature.name
            r["feature_version"] = r["feature_version"] if r["feature_version"] is not None else feature.version
            r["feature_type"] = r["feature_type"] if r["feature_type"] is not None else feature.feature_type
            values.append((feature.pk, granularity, *(r[c] for c in USAGE_COLUMNS[2:])))
        values = separate_repeated_hours(values, where)
        if values:
            starts = [v[2] for v in values]
            scope = LstatUsage.objects.filter(
                feature__in={v[0] for v in values},
                granularity=granularity,
                period_start__range=(min(starts), max(starts)),
            )
            page.upsert(LstatUsage, USAGE_COLUMNS, values, keys=USAGE_KEYS, scope=scope)
            page.touched(min(starts), max(starts), {f"{self.source.pk}:{r['fid']}" for r in rows})

    def learn_features(self, page, server, rows):
        """Server rows name each feature: store features the feature list did not show (yet) or left unnamed."""
        new = {}
        for r in rows:
            known = self.features.get(r["fid"])
            if known is not None and (known.name or not r["feature_name"]):
                continue
            if r["fid"] not in new:
                if not r["feature_name"]:
                    raise PayloadError(f"usage row for unlisted feature {r['fid']} carries no feature name")
                new[r["fid"]] = {
                    "fid": r["fid"],
                    "lsid": server.lsid,
                    "name": r["feature_name"],
                    "version": r["feature_version"] or "",
                    "feature_type": r["feature_type"] or "",
                }
        if new:
            self.store_features(page, list(new.values()))
            for feature in LstatFeature.objects.filter(source=self.source, fid__in=new).select_related("server"):
                self.features[feature.fid] = feature

    def store_sessions(self, page, shape, rows):
        snapshot = self.new_snapshot(LstatSnapshot.Kind.USERS, shape, len(rows))
        LstatSession.objects.bulk_create([LstatSession(snapshot=snapshot, **r) for r in rows], batch_size=1000)
        page.fetched += len(rows)
        page.created += len(rows)

    def store_current_usage(self, page, shape, figures):
        self.new_snapshot(LstatSnapshot.Kind.CURRENT_USAGE, shape, 1, **figures)
        page.fetched += 1
        page.created += 1

    def store_top_users(self, page, shape, rows):
        snapshot = self.new_snapshot(LstatSnapshot.Kind.HIGHEST_USAGE, shape, len(rows))
        LstatTopUser.objects.bulk_create([LstatTopUser(snapshot=snapshot, rank=i + 1, **r) for i, r in enumerate(rows)])
        page.fetched += len(rows)
        page.created += len(rows)

    def new_snapshot(self, kind, shape, row_count, **figures):
        return LstatSnapshot.objects.create(
            source=self.source, kind=kind, taken_at=self.now, shape=shape, row_count=row_count, **figures
        )
