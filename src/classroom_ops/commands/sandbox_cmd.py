"""`classroom-ops sandbox`: a local GitHub on loopback, for rehearsals and tests."""

from __future__ import annotations

import click

from ..config import load_course


def seed_for(course, profile: str = "github.com") -> dict:
    """The course's people as plain data (the sandbox knows nothing of course files), as on a
    fresh github.com organization: the first staff member owns it, as an instructor does; TAs
    are members; students are only GitHub users, whom provisioning invites (they join when they
    accept). The `friendly` profile accepts every invitation at once, for rehearsals that do not
    care. With `formation:` the students are the class roster's logins (those known only by
    e-mail have no account to seed)."""
    students = [login for t in course.teams for login in t.members]
    if course.formation is not None:
        lower = {x.lower() for x in students}
        students += [s.login for s in course.formation.roster
                     if s.login and s.login.lower() not in lower]
    staff = list(course.staff_members)
    return {
        "profile": profile,
        "users": staff + students,
        "orgs": [{"login": course.org, "owners": staff[:1], "members": staff[1:]}],
    }


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=int,
              help="0 picks a free port and prints it.")
@click.option("--state", "state_dir", type=click.Path(file_okay=False),
              help="Keep the sandbox's data here, so it survives a restart.")
@click.option("--config", "seed_config", type=click.Path(dir_okay=False),
              help="Seed the course's organization, staff and students from this course file "
                   "(as on github.com: students are users whom provision invites; accept for "
                   "one with POST /_sandbox/invitations/accept {\"login\"}).")
@click.option("--info-file", type=click.Path(dir_okay=False),
              help="Write {api_url, git_url, admin_token, pid} as JSON once it accepts connections.")
@click.option("--generate-delay", default=0.0, show_default=True, type=float,
              help="Seconds a repository generated from a template stays empty (as on GitHub).")
def sandbox(host, port, state_dir, seed_config, info_file, generate_delay) -> int:
    """Run a local GitHub (REST API and git over HTTP) until Ctrl-C."""
    from ..sandbox import serve

    seed = seed_for(load_course(seed_config)) if seed_config else None
    serve(host=host, port=port, state_dir=state_dir, seed=seed, info_file=info_file,
          generate_delay=generate_delay)
    return 0
