"""Team formation on GitHub: students register their team in a course hub repository.

`form` parses the issue form's body, `settings` holds what the rules need (the course's size,
areas, staff and roster, the closing time), `standing` computes every registration's state from
the issues, their comments and their authors alone (never from labels), `answer` writes the one
comment the tool keeps up to date on each registration, `sync` talks to GitHub, `match` proposes
teams for the students left over and `hub` sets the hub repository up.
"""
