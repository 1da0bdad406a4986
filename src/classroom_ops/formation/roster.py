"""The class roster for team formation: one row per student, by GitHub login or e-mail.

Unlike the team roster (roster.py), this one names no teams: students form them in the hub.
A row with a login is invited by login; a row with only an e-mail address is invited by e-mail
and counts as a student once they have joined (see settings.py).
"""

from __future__ import annotations

import csv
import io
import re

from ..errors import Problem
from ..model import Student
from ..names import is_login

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_LOGIN_COLUMNS = ("login", "github_username", "github")


def read_class_roster(text: str, file: str, origins: dict[str, str] | None = None
                      ) -> tuple[list[Student], list[Problem]]:
    """The students, and the problems; `origins` gets `file:line` per login (lower case), for
    errors about a login found later (GitHub has no such user)."""
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [Problem(file, 1, None, "the class roster is empty; it needs a header row "
                                           "with login and/or email")]
    except csv.Error as e:
        return [], [Problem(file, 1, None, f"not a readable CSV file: {e}")]
    login_i = next((header.index(c) for c in _LOGIN_COLUMNS if c in header), None)
    email_i = header.index("email") if "email" in header else None
    name_i = header.index("name") if "name" in header else None
    if login_i is None and email_i is None:
        return [], [Problem(file, 1, None, "the class roster's header needs a 'login' and/or an "
                                           "'email' column (optional: name, id)")]
    students: list[Student] = []
    seen: dict[str, int] = {}

    def cell(record, i):
        return record[i].strip() if i is not None and i < len(record) else ""

    try:
        for record in reader:
            line = reader.line_num
            if not any(c.strip() for c in record):
                continue
            login, email, name = cell(record, login_i), cell(record, email_i), \
                cell(record, name_i)
            login = login.removeprefix("@")
            if login and not is_login(login):
                problems.append(Problem(file, line, None, f"'{login}' is not a possible GitHub "
                                        "login (letters, digits and single hyphens)"))
                continue
            if email and not _EMAIL.match(email):
                problems.append(Problem(file, line, None, f"'{email}' is not an e-mail address"))
                continue
            if not login and not email:
                problems.append(Problem(file, line, None, "a student with neither a login nor "
                                        "an e-mail address; fill one in or remove the row"))
                continue
            key = (login or email).lower()
            if key in seen:
                problems.append(Problem(file, line, None, f"'{login or email}' is listed twice "
                                        f"(first on line {seen[key]})"))
                continue
            seen[key] = line
            if login and origins is not None:
                origins.setdefault(login.lower(), f"{file}:{line}")
            students.append(Student(login or None, name=name, email=email or None))
    except csv.Error as e:
        problems.append(Problem(file, reader.line_num, None, f"not a readable CSV row: {e}"))
    return students, problems
