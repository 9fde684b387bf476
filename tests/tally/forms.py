from ingest.vendors.params import ParamsForm, WholeNumberField


class TallyParamsForm(ParamsForm):
    per_page = WholeNumberField(min_value=1, max_value=1000, initial=50, help_text="hours per request")
