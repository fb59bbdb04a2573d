"""The commands written in the docs exist as written, and the quick-start block runs.

Every ``realimpact ...`` command in docs/framework.md, geography.md, weights.md,
prioritise.md, define.md, plan.md and data.md (code blocks and inline code, plus the bare
commands of framework.md's "Command line" section) must name a real command path and only
options that command takes. The prioritise, define and plan quick starts are run line by
line on the real sample data and every line must exit 0.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from realimpact.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("framework", "geography", "weights", "prioritise", "define", "plan", "data")
CLICK_ROOT = typer.main.get_command(app)


def _code_lines(text: str) -> list[str]:
    """``realimpact`` lines of fenced code blocks, continuations joined, comments dropped."""
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith("realimpact "):
                out.append(line)
    return out


def _inline(text: str) -> list[str]:
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    spans = [" ".join(s.split()) for s in re.findall(r"`(realimpact [^`]+)`", prose)]
    section = re.search(r"## Command line\n(.*?)\n## ", prose, re.S)
    if section:  # bare commands listed after "realimpact harms ..."
        for span in re.findall(r"`([a-z][a-z-]*(?: [^`]*)?)`", section.group(1)):
            if not span.startswith(("realimpact", "docs/")):
                spans.append(f"realimpact {span}")
    return spans


def _documented() -> list[tuple[str, str]]:
    found = []
    for name in DOCS:
        text = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        found += [(name, line) for line in [*_code_lines(text), *_inline(text)]]
    return found


def _resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The deepest command named by the leading words, and the words after it."""
    cmd: Any = CLICK_ROOT
    rest = list(words)
    while rest and rest[0] in getattr(cmd, "commands", {}):
        cmd = cmd.commands[rest.pop(0)]
    return cmd, rest


DOCUMENTED = _documented()


def test_the_docs_hold_commands_for_every_package() -> None:
    names = {doc for doc, _ in DOCUMENTED}
    assert {"framework", "geography", "prioritise"} <= names
    assert len(DOCUMENTED) >= 20


@pytest.mark.parametrize(("doc", "line"), DOCUMENTED, ids=[f"{d}: {ln}" for d, ln in DOCUMENTED])
def test_documented_command_and_options_exist(doc: str, line: str) -> None:
    words = shlex.split(line.replace("[", " ").replace("]", " ").split(">")[0])[1:]
    cmd, rest = _resolve(words)
    assert cmd is not CLICK_ROOT, f"docs/{doc}.md: no command in {line!r}"
    options = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    written = {w.split("=")[0] for w in rest if w.startswith("-")}
    assert written <= options, f"docs/{doc}.md: {line!r} uses unknown {written - options}"


def _option_lists() -> list[tuple[str, str, list[str]]]:
    """Paragraphs "`realimpact CMD` options: `--a X`, `--b` ..." with their options."""
    found = []
    for name in DOCS:
        text = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        for cmd, body in re.findall(r"`(realimpact [^`]+)` options:(.*?)\.(?:\s|$)", text, re.S):
            found.append((name, cmd, re.findall(r"`(--[a-z][a-z-]*)", body)))
    return found


def test_documented_option_lists_name_real_options() -> None:
    lists = _option_lists()
    assert lists, "docs/prioritise.md lists the options of realimpact prioritise"
    for doc, line, written in lists:
        cmd, _ = _resolve(line.split()[1:])
        options = {o for p in cmd.params for o in p.opts}
        assert written and set(written) <= options, f"docs/{doc}.md {line}: {written}"


def test_the_prioritise_quick_start_runs_line_by_line(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "docs" / "prioritise.md").read_text(encoding="utf-8")
    quick = re.search(r"## Quick start.*?```sh\n(.*?)```", text, re.S)
    assert quick is not None
    lines = _code_lines(f"```sh\n{quick.group(1)}```")
    assert len(lines) >= 6
    monkeypatch.chdir(ROOT / "examples" / "prioritise")
    runner = CliRunner()
    for line in lines:
        args = shlex.split(line.split(">")[0])[1:]
        args = (
            [*args, "--draws", "500"]
            if args[0] in ("prioritise", "decision")
            and (args[:2] != ["decision", "history"] and args[:2] != ["decision", "show"])
            else args
        )
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert result.stdout.strip(), line


def test_python_imports_written_in_the_docs_resolve() -> None:
    import importlib

    checked = 0
    for name in DOCS:
        text = (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
        pattern = r"from (realimpact[\w.]*) import (?:\(([\w, \n]+)\)|([\w, ]+))"
        for module, grouped, inline in re.findall(pattern, text):
            names = grouped or inline
            mod = importlib.import_module(module)
            for attr in (n.strip() for n in names.split(",")):
                if attr:
                    assert hasattr(mod, attr), f"docs/{name}.md: {module}.{attr} does not exist"
                    checked += 1
    assert checked >= 5


def _blocks_after(doc: str, heading: str, count: int) -> list[str]:
    """``realimpact`` lines of the first ``count`` code blocks after ``heading`` in a doc."""
    text = (ROOT / "docs" / f"{doc}.md").read_text(encoding="utf-8")
    rest = text[text.index(heading) :]
    blocks = re.findall(r"```(?:sh)?\n(.*?)```", rest, re.S)[:count]
    return [line for b in blocks for line in _code_lines(f"```\n{b}```")]


def _run_lines(lines: list[str]) -> None:
    runner = CliRunner()
    for line in lines:
        args = shlex.split(line.split(">")[0])[1:]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert result.stdout.strip() or "--out" in args, line  # --out writes a file


def test_the_define_quick_start_and_export_run_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/define.md from an empty workspace, with the real Cleveland 2024 street files."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    street = ROOT / "src" / "realimpact" / "sample_data" / "policeuk" / "cleveland" / "street"
    files = [str(p) for p in sorted(street.glob("2024-*"))]
    assert CliRunner().invoke(app, ["data", "import", *files, "--workspace", "./ws"]).exit_code == 0
    lines = _blocks_after("define", "## Quick start", 2)
    assert len(lines) >= 15
    _run_lines(lines)
    assert (tmp_path / "problems.yaml").is_file() and (tmp_path / "weights.yaml").is_file()


def test_the_plan_quick_start_runs_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/plan.md's quick start: import, area, evidence, check, predict, log (cp done here)."""
    ws = tmp_path / "ri-demo"
    monkeypatch.setenv("REALIMPACT_WORKSPACE", str(ws))
    monkeypatch.chdir(ROOT)
    lines = _blocks_after("plan", "## A walk-through with real data", 1)
    assert len(lines) >= 9
    at_log = next(i for i, line in enumerate(lines) if line.startswith("realimpact log"))
    _run_lines(lines[:at_log])
    (ws / "plans").mkdir(exist_ok=True)
    shutil.copy(ROOT / "examples" / "plan" / "middlesbrough-centre.yaml", ws / "plans")
    _run_lines(lines[at_log:])
