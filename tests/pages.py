"""Reading a page's charts back, for the tests that compare a chart with its table, download or data."""

import json


def figure(response, chart_id="chart"):
    """The Plotly figure dict of the chart CHART_ID on the page (its `<script type="application/json">` element)."""
    html = response.content.decode()
    opening = f'<script type="application/json" id="{chart_id}-data">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])
