"""The README's parameter tables, generated from each connector's parameters (its form's fields).

Each vendor's table sits between `<!-- params:KIND -->` and
`<!-- /params:KIND -->` in README.md; `python manage.py params_readme`
rewrites them and `--check` says which differ, so the README and the forms
cannot drift apart.
"""

import re

from django.conf import settings

from ingest.vendors import VENDORS

README = settings.BASE_DIR / "README.md"


class MarkersMissing(ValueError):
    pass


def markers(kind):
    return f"<!-- params:{kind} -->", f"<!-- /params:{kind} -->"


def table(connector):
    """A markdown table of the connector's parameters: name, default (when any is known) and meaning."""
    rows = connector.parameters()
    with_defaults = any(default for _, default, _ in rows)
    header = ["parameter", "default", "meaning"] if with_defaults else ["parameter", "meaning"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, default, text in rows:
        cells = [f"`{name}`", default, text] if with_defaults else [f"`{name}`", text]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if not rows:
        lines.append("| none |" + " |" * (len(header) - 1))
    return "\n".join(lines)


def render(text):
    """(README text with every vendor's table regenerated, kinds whose table changed).

    Raises MarkersMissing naming the vendors whose markers are not in the text.
    """
    changed, missing = [], []
    for vendor in (vendor for vendor in VENDORS if vendor.readme):
        start, end = markers(vendor.kind)
        pattern = re.compile(f"{re.escape(start)}\n(.*?){re.escape(end)}", re.DOTALL)
        found = pattern.search(text)
        if found is None:
            missing.append(vendor.kind)
            continue
        body = "\n" + table(vendor.connector_class()) + "\n\n"  # blank lines: the table is its own block
        if found.group(1) != body:
            changed.append(vendor.kind)
            text = text[: found.start(1)] + body + text[found.end(1) :]
    if missing:
        raise MarkersMissing(
            "the README has no parameter table markers for "
            + ", ".join(f"{kind} ({' ... '.join(markers(kind))})" for kind in missing)
        )
    return text, changed
