"""Emailed reports: a report page's URL, a period relative to the send time, recipients and a schedule."""
