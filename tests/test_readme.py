"""The README's two opening commands are the ones CI runs, so they stay true."""

from conftest import ROOT


def readme_commands() -> list:
    lines = (ROOT / "README.md").read_text().splitlines()
    return [line.strip() for line in lines[:12] if line.startswith("    ")]


def test_readme_opens_with_exactly_two_commands():
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert commands[0].startswith("bash setup.sh && ")
    assert commands[1] == ".venv/bin/python -m pytest -q"


def test_ci_runs_the_readme_commands_as_written():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in readme_commands():
        assert command in ci, f".ci/run does not run the README command: {command}"
