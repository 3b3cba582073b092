"""The README cannot drift: every command, option, setting and error code is documented there."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from reportedly.cli import COMMANDS, build_parser
from reportedly.errors import E
from reportedly.settings import SETTINGS, docs_table

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
SEED = REPO.parent / "shared" / "seeds" / "drone-strike-al-qaim.txt"


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def section(title_pattern: str) -> str:
    """The README text under the first heading matching ``title_pattern``, up to the next one."""
    match = re.search(rf"^(#+) {title_pattern}.*$", README, flags=re.MULTILINE)
    assert match, f"README has no heading matching {title_pattern!r}"
    level = len(match.group(1))
    rest = README[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def documented_names(action: argparse.Action) -> list[str]:
    """How an argument is written in the README: its long option, or a positional's name."""
    if action.option_strings:
        return [s for s in action.option_strings if s.startswith("--")]
    return [action.metavar if isinstance(action.metavar, str) else action.dest]


def test_docs_parser_and_command_table_agree():
    """Every subcommand of the parser has a handler, and every handler a subcommand."""
    assert set(subcommands()) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_docs_readme_documents_every_subcommand(command):
    """Each subcommand has its own section in the README."""
    assert section(rf"`reportedly {command}`").strip()


@pytest.mark.parametrize(
    ("command", "name"),
    [(command, name)
     for command, sub in sorted(subcommands().items())
     for action in sub._actions if not isinstance(action, argparse._HelpAction)
     for name in documented_names(action)],
)
def test_docs_readme_documents_every_option_of_every_subcommand(command, name):
    """Each option and positional of a subcommand appears in that subcommand's section."""
    assert f"`{name}" in section(rf"`reportedly {command}`")


@pytest.mark.parametrize(
    "option",
    [s for a in build_parser()._actions for s in a.option_strings
     if s not in ("-h", "--help")],
)
def test_docs_readme_documents_the_global_options(option):
    """The options before the subcommand (--version, --verbose) are documented too."""
    assert option in section("Command line")


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.env)
def test_docs_readme_documents_every_setting(s):
    """Each setting's environment variable appears in the README."""
    assert f"`{s.env}`" in README


def test_docs_settings_table_is_generated_from_settings():
    """The README's settings table is exactly the one generated from SETTINGS."""
    assert docs_table() in section("Settings")


@pytest.mark.parametrize("code", [e.name for e in E])
def test_docs_readme_documents_every_error_code(code):
    """Each error code of the catalogue is listed in the README's error section."""
    errors = section("Bad input")
    numbers = {int(n) for a, b in re.findall(r"E(\d{3})-E(\d{3})", errors)
               for n in range(int(a), int(b) + 1)}
    assert code in errors or int(code[1:]) in numbers


def test_docs_quick_start_is_exactly_make_run_and_make_test():
    """The quick start asks a new user to type two commands: `make run` and `make test`."""
    quick = section("Quick start")
    blocks = re.findall(r"```(?:sh|console|bash)?\n(.*?)```", quick, flags=re.DOTALL)
    commands = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_docs_makefile_has_the_documented_targets():
    """Every make target the README names exists in the Makefile."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"\bmake ([a-z]+)\b", README))
    assert {"run", "test", "lint", "eval"} <= named <= targets


def test_docs_readme_does_not_paste_the_founding_report():
    """The README describes the founding report; beyond its first sentence it is not quoted."""
    if not SEED.is_file():
        pytest.skip(f"founding report not found at {SEED}")
    sentences = re.split(r"(?<=[.!?])\s+", SEED.read_text(encoding="utf-8").strip())
    quoted = [s for s in sentences[1:] if len(s) > 40 and s in README]
    assert quoted == []


def test_docs_readme_example_table_matches_a_real_run(pipeline, capsys):
    """The main-event row of the README's example table is what the founding report gives now."""
    if not SEED.is_file():
        pytest.skip(f"founding report not found at {SEED}")
    from reportedly.cli import main

    assert main(["extract", str(SEED), "--published", "2021-02-11", "--format", "table"]) == 0
    real = capsys.readouterr().out.splitlines()
    example = section("What it does").split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert example[1:3] == real[:2]
    main_rows = [line for line in real if line.split()[1:2] == ["main"]]
    assert main_rows and all(row in example for row in main_rows)
