"""Alerts: rules on denials, utilization and source health, evaluated after fetches, emailed on change."""
