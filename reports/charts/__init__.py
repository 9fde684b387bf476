"""Plotly figures built from selector rows: shared pieces in base, one module per vendor."""
