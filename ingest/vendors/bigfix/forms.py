"""The `--param` values a BigFix source takes."""

from ingest.vendors.params import ParamsForm, WholeNumberField

DEFAULT_LIMIT = 500


class BigfixParamsForm(ParamsForm):
    limit = WholeNumberField(
        min_value=1,
        max_value=100_000,
        initial=DEFAULT_LIMIT,
        help_text="rows per request, at most 100000; BigFix pages with limit/offset",
    )
