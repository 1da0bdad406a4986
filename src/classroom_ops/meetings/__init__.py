"""Milestones that are meetings or presentations: teams book a slot in an issue, staff sign off.

`booking` holds the rules (pure), `text` the words and the calendar (pure), `sync` the run
against GitHub, and `cells` what `check` reports for these milestones from the ledger.
"""
