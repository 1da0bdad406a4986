"""Hostile template repositories: `provision` runs with the organization owner's token, so a
`*.jinja` file is rendered in Jinja's immutable sandbox with only the documented variables.
Every escape attempt ends in one error naming the file, its line and what was refused."""

from __future__ import annotations

import pytest
from integration.conftest import make_course_env

from classroom_ops.config import load_course
from classroom_ops.errors import UsageError
from classroom_ops.provision.render import render_team_files
from support import EXAMPLE

UNSAFE = "(templates render in a sandbox and may use only the documented variables: course, " \
         "team, repo, milestones, staff)"
UNDEFINED = "the variables are course, team, repo, milestones and staff (see docs/provisioning.md)"

PAYLOADS = [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}",
     f"template README.md.jinja:1: access to attribute '__class__' of 'str' object is unsafe. "
     f"{UNSAFE}"),
    ("\n{{ team.members.append('mallory') }}",
     f"template README.md.jinja:2: access to attribute 'append' of 'list' object is unsafe. "
     f"{UNSAFE}"),
    ("{{ cycler.__init__.__globals__.os.system('id') }}",
     f"template README.md.jinja:1: 'cycler' is undefined; {UNDEFINED}"),
    ("{{ lipsum.__globals__ }}", f"template README.md.jinja:1: 'lipsum' is undefined; {UNDEFINED}"),
    ("{{ self.__init__.__globals__ }}",
     "template README.md.jinja:1: access to attribute '__init__' of 'TemplateReference' object "
     f"is unsafe. {UNSAFE}"),
    ("{{ team.name | attr('__class__') }}",
     "template README.md.jinja:1: No filter named 'attr'."),
    ("{{ team.nmae }}",
     f"template README.md.jinja:1: 'dict object' has no attribute 'nmae'; {UNDEFINED}"),
    ("{% for i in range(10**9) %}x{% endfor %}",
     "template README.md.jinja:1: OverflowError: Range too big. The sandbox blocks ranges "
     "larger than "
     "MAX_RANGE (100000)."),
    ("{{ 2 ** 2 ** 99 }}",
     f"template README.md.jinja:1: exponents above 64 are not allowed in templates {UNSAFE}"),
    ("{{ 'x' * 1000000000 }}",
     "template README.md.jinja:1: repeating a value past 100,000 items is not allowed in "
     f"templates {UNSAFE}"),
    ("{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxxxx{% endfor %}{% endfor %}",
     "template README.md.jinja: renders to more than 5 MB of text; a starter file is never that "
     "large (a runaway loop?)"),
    ("{% include '/etc/passwd' %}",
     "template README.md.jinja:1: cannot include, import or extend '/etc/passwd': each starter "
     "template stands alone (templates read no other file)"),
    ("{{ '{0.__class__.__mro__}'.format(team.name) }}",
     f"template README.md.jinja:1: access to attribute '__class__' of 'str' object is unsafe. "
     f"{UNSAFE}"),
    ("line one\n{{ 1 / 0 }}", "template README.md.jinja:2: ZeroDivisionError: division by zero"),
    (b"\xff\xfe{{ x }}",
     "template README.md.jinja: is not UTF-8 text; only text files can be templates (drop the "
     ".jinja suffix)"),
]


@pytest.mark.parametrize(("source", "message"), PAYLOADS, ids=range(len(PAYLOADS)))
def test_template_escapes_are_refused_with_file_and_line(source, message):
    course = load_course(EXAMPLE)
    data = source if isinstance(source, bytes) else source.encode()
    with pytest.raises(UsageError) as e:
        render_team_files({"README.md.jinja": data}, course, course.teams[0])
    assert str(e.value) == message


def test_the_documented_variables_still_render():
    course = load_course(EXAMPLE)
    out = render_team_files({"README.md.jinja": b"{{ team.name }} {{ repo }} "
                             b"{{ milestones | length }} {{ course.areas | join(', ') }}\n"},
                            course, course.teams[0])
    assert out["README.md"].decode().startswith("Sparse Squad final-sparse-squad 6 Training")


@pytest.mark.integration
def test_a_hostile_local_template_stops_provision_before_any_write(sandbox, tmp_path, run_cli,
                                                                   monkeypatch):
    tpl = tmp_path / "starter"
    tpl.mkdir()
    (tpl / "README.md.jinja").write_text("# {{ team.name }}\n"
                                         "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    env = make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template=tpl)
    sandbox.clear_requests()
    res = env.run("provision", "--yes")
    assert res.code == 2, res
    assert (f"template README.md.jinja:2: access to attribute '__class__' of 'str' object is "
            f"unsafe. {UNSAFE}") in res.err
    assert env.writes() == []


@pytest.mark.integration
def test_a_hostile_github_template_fails_each_team_and_runs_nothing(sandbox, tmp_path, run_cli,
                                                                    monkeypatch):
    env = make_course_env(sandbox, tmp_path, run_cli, monkeypatch, template="dls/starter")
    gh = env.gh()
    tpl = gh.get_organization("dls").create_repo("starter", private=True, auto_init=True)
    marker = tmp_path / "PWNED"
    tpl.create_file("README.md.jinja", "t", "{{ cycler.__init__.__globals__.os.system("
                    f"'touch {marker}') }}}}\n".replace("}}}}", "}}"))
    tpl.edit(is_template=True)
    res = env.run("provision", "--yes")
    assert res.code == 1, res
    for slug in ("sparse-squad", "dense-crew", "kv-cachers"):
        assert (f"error: {slug}: template README.md.jinja:1: 'cycler' is undefined; "
                f"{UNDEFINED}") in res.out
    assert "0 teams done, 3 failed" in res.out
    assert not marker.exists()
    repo = gh.get_repo("dls/final-kv-cachers")  # generated, but no team: a rerun finishes it
    assert "README.md.jinja" in {c.path for c in repo.get_contents("")}
    assert "final-kv-cachers" not in {t.slug for t in gh.get_organization("dls").get_teams()}
