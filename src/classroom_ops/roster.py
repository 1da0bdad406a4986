"""Team rosters from CSV: GitHub Classroom's export, or a plain `team,github_username` file.

A roster is hand-edited or exported from another tool, so every row is untrusted: each problem is
reported with the CSV's own line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .errors import Problem

CLASSROOM_COLUMNS = {"identifier", "github_username", "github_id", "name", "group_name"}
PLAIN_COLUMNS = {"team", "github_username"}


@dataclass(frozen=True)
class RosterRow:
    team: str
    login: str
    line: int
    # Kept for grade exports (`grades`): the student's name and institutional id, as given.
    name: str = ""
    student_id: str = ""
    email: str = ""


# Optional columns a plain roster may carry, by what they mean (first match wins).
_NAME_COLS = ("name", "full_name")
_ID_COLS = ("id", "student_id", "sis_id", "identifier")
_EMAIL_COLS = ("email",)


def read_roster(text: str, file: str) -> tuple[list[RosterRow], list[Problem]]:
    """Rows with a team and a login, and the problems found (errors and warnings)."""
    problems: list[Problem] = []
    if text.startswith("\ufeff"):  # Excel writes a byte-order mark
        text = text[1:]
    # strict: a stray quote is an error, not a field that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [Problem(file, 1, None, "the roster is empty; it needs a header row")]
    except csv.Error as e:
        return [], [Problem(file, 1, None, f"not a readable CSV file: {e}")]
    cols = set(header)
    if CLASSROOM_COLUMNS <= cols:
        team_col, login_col = "group_name", "github_username"
    elif PLAIN_COLUMNS <= cols:
        team_col, login_col = "team", "github_username"
    else:
        return [], [
            Problem(
                file, 1, None,
                "unrecognised roster header; expected GitHub Classroom's export "
                "(identifier,github_username,github_id,name,group_name) or team,github_username",
            )
        ]
    ti, li = header.index(team_col), header.index(login_col)
    name_i = header.index("identifier") if "identifier" in header else None

    def col(names) -> int | None:
        return next((header.index(n) for n in names if n in header), None)

    # GitHub Classroom's `identifier` is the roster identifier the instructor gave (a student
    # number or an e-mail address); its `name` is the student's name.
    extra_cols = {"name": col(_NAME_COLS), "student_id": col(_ID_COLS), "email": col(_EMAIL_COLS)}
    rows: list[RosterRow] = []
    end = reader.line_num
    records = 0
    try:
        for record in reader:
            line, end = end + 1, reader.line_num  # the record's first line, and its last
            if any("\n" in c or "\r" in c for c in record):
                # No team name or login holds a line break: a quote opened on `line` was
                # never closed, and the rows after it were read as one field.
                problems.append(Problem(file, line, None,
                                        "a quote (\") opened on this line is not closed on it; "
                                        "the rows after it would be read as one value. Close or "
                                        "remove the quote"))
                continue
            if not any(c.strip() for c in record):
                continue
            records += 1
            if len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            team, login = record[ti].strip(), record[li].strip()
            who = record[name_i].strip() if name_i is not None and record[name_i].strip() else login
            if not login:
                problems.append(
                    Problem(file, line, None,
                            f"student '{who}' has no GitHub username (not linked in the "
                            "classroom yet); skipped until the roster has one", "warning")
                )
                continue
            if not team:
                problems.append(
                    Problem(file, line, None,
                            f"student '{login}' is in no team; add a {team_col} or remove the row")
                )
                continue
            extra = {k: record[i].strip() for k, i in extra_cols.items()
                     if i is not None}
            rows.append(RosterRow(team, login, line, **extra))
    except csv.Error as e:
        problems.append(Problem(file, end + 1, None, f"not a readable CSV row: {e}; a quote "
                                "(\") opened here is not closed, or stands inside a value"))
    if not records and not problems:
        problems.append(Problem(file, 1, None, "the roster has a header but no students; "
                                "add one row per student"))
    return rows, problems
