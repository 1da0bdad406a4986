"""`classroom-ops status`: where every team stands on every milestone, for people.

model.py reads the ledger and the organization (GETs only) into a `Status`; html.py, markdown.py
and to_json turn it into a self-contained dashboard page, a job summary and a JSON report.
"""

from .model import Status, StatusCell, build_status, load_entries, to_json

__all__ = ["Status", "StatusCell", "build_status", "load_entries", "to_json"]
