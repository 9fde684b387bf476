"""The queries behind every chart, table and download: one module per vendor.

A chart, its CSV/XLSX download and its emailed report (reports.subscriptions) call
the same selector, so they cannot disagree.
"""
