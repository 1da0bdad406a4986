"""`classroom-ops status`: where every team stands on every milestone, for people.

model.py reads the ledgers (checks.judgment.load_ledgers) and the organization (GETs only)
into a `Status`, or takes what `check` judged (from_cells); html.py, markdown.py
and to_json turn it into a self-contained dashboard page, a job summary and a JSON report.
"""

from .model import Status, StatusCell, build_status, from_cells, to_json

__all__ = ["Status", "StatusCell", "build_status", "from_cells", "to_json"]
