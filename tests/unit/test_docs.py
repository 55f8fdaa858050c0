"""The docs an operator follows: the English and Chinese READMEs carry the same sections, every
exit code and every config key is in their tables (with the code's defaults), every relative
link and anchor resolves, and the quick start installs no test tools."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from gsmcall import cli, config, exitcodes

ROOT = Path(__file__).resolve().parents[2]
README_EN = ROOT / "README.md"
README_ZH = ROOT / "README.zh.md"
READMES = (README_EN, README_ZH)
PI_EN = ROOT / "docs" / "pi-quickstart.md"
PI_ZH = ROOT / "docs" / "pi-quickstart.zh.md"
OPERATIONS = ROOT / "docs" / "operations.md"
ALL_DOCS = (*READMES, *sorted((ROOT / "docs").glob("**/*.md")))
# Pages written in both languages: X.md and its Chinese twin X.zh.md.
TWINS = [(README_EN, README_ZH), (PI_EN, PI_ZH),
         *[(page, page.with_suffix(".zh.md")) for page in sorted((ROOT / "docs" / "intake").glob("*.md"))
           if not page.name.endswith(".zh.md")]]
TWIN_IDS = [str(english.relative_to(ROOT)) for english, _ in TWINS]
# The headings of the sections holding the tables checked below, in both languages.
EXIT_CODE_HEADING = re.compile(r"exit codes|退出码", re.IGNORECASE)
CONFIG_HEADING = re.compile(r"^configuration$|^配置参考$", re.IGNORECASE)
FENCE = re.compile(r"^\s*(```|~~~)")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a `# comment` in a shell block is no heading)."""
    lines, inside = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            lines.append(line)
    return lines


def _headings(text: str) -> list[tuple[int, str]]:
    out = []
    for line in _prose_lines(text):
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            out.append((len(match.group(1)), match.group(2)))
    return out


def _code_blocks(text: str) -> list[str]:
    """The info string (language) of each fenced block, in order."""
    langs, inside = [], False
    for line in text.splitlines():
        match = FENCE.match(line)
        if match:
            if not inside:
                langs.append(line.strip()[3:].strip())
            inside = not inside
    return langs


def _section(text: str, heading: re.Pattern[str]) -> list[str]:
    """The prose lines under the first heading matching ``heading``, up to the next heading of
    the same or a higher level (its subsections included)."""
    lines = _prose_lines(text)
    for index, line in enumerate(lines):
        match = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match and heading.search(match.group(2)):
            level, body = len(match.group(1)), []
            for following in lines[index + 1:]:
                nxt = re.match(r"^(#{1,6})\s", following)
                if nxt and len(nxt.group(1)) <= level:
                    break
                body.append(following)
            return body
    raise AssertionError(f"no section headed {heading.pattern!r}")


def _cells(row: str) -> list[str]:
    """The cells of a markdown table row (``\\|`` is a literal bar inside a cell)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def _table_rows(lines: list[str]) -> list[list[str]]:
    return [_cells(line) for line in lines if line.lstrip().startswith("|") and not re.match(r"^\s*\|[\s:|-]+\|\s*$", line)]


def _slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (CJK kept), spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for _, title in _headings(_read(path)):
        slug = _slug(title)
        count = seen.get(slug, 0)
        anchors.add(slug if count == 0 else f"{slug}-{count}")
        seen[slug] = count + 1
    return anchors


# --- the two languages say the same ----------------------------------------------------------


@pytest.mark.parametrize(("english", "chinese"), TWINS, ids=TWIN_IDS)
def test_both_languages_have_the_same_sections_in_the_same_order(english: Path, chinese: Path) -> None:
    assert chinese.exists(), f"{english.name} has no Chinese twin {chinese.name}"
    en, zh = _headings(_read(english)), _headings(_read(chinese))
    for level in (1, 2, 3):
        en_titles = [title for lv, title in en if lv == level]
        zh_titles = [title for lv, title in zh if lv == level]
        assert len(en_titles) == len(zh_titles), f"level-{level} sections differ:\n{en_titles}\n{zh_titles}"
    assert [lv for lv, _ in en] == [lv for lv, _ in zh], "the sections are nested differently"


@pytest.mark.parametrize(("english", "chinese"), TWINS, ids=TWIN_IDS)
def test_both_languages_have_the_same_code_blocks(english: Path, chinese: Path) -> None:
    assert _code_blocks(_read(english)) == _code_blocks(_read(chinese))


# --- exit codes --------------------------------------------------------------------------------


def _exit_codes() -> set[int]:
    return {value for name, value in vars(exitcodes).items() if name.startswith("EXIT_") and isinstance(value, int)}


@pytest.mark.parametrize("doc", [README_EN, README_ZH, OPERATIONS], ids=lambda p: p.name)
def test_exit_code_table_lists_every_code_and_no_other(doc: Path) -> None:
    rows = _table_rows(_section(_read(doc), EXIT_CODE_HEADING))
    documented = [int(cells[0].strip("`")) for cells in rows if cells[0].strip("`").isdigit()]
    assert len(documented) == len(set(documented)), f"a code listed twice: {documented}"
    assert set(documented) == _exit_codes(), (
        f"missing: {sorted(_exit_codes() - set(documented))}, unknown: {sorted(set(documented) - _exit_codes())}")


# --- config keys -------------------------------------------------------------------------------


def _known_keys() -> set[str]:
    """The keys the config module accepts, plus any the shipped config.yaml shows."""
    keys = {f"{section}.{key}" for section, (_, checks) in config.SCHEMA.items() for key in checks}
    shipped = yaml.safe_load(_read(ROOT / "config.yaml"))
    keys |= {f"{section}.{key}" for section, body in shipped.items() for key in (body or {})}
    return keys


def _default(dotted: str) -> Any:
    """The code's default for a key, as YAML would write it; dataclasses.MISSING when required."""
    section, key = dotted.split(".", 1)
    cls, _ = config.SCHEMA[section]
    spec = next(f for f in dataclasses.fields(cls) if f.name == key)
    if spec.default is not dataclasses.MISSING:
        value = spec.default
    elif spec.default_factory is not dataclasses.MISSING:
        value = spec.default_factory()
    else:
        return dataclasses.MISSING
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _config_table(doc: Path) -> dict[str, str]:
    rows = _table_rows(_section(_read(doc), CONFIG_HEADING))
    table = {}
    for cells in rows:
        match = re.fullmatch(r"`([a-z_]+\.[a-z_]+)`", cells[0])
        if match:
            assert match.group(1) not in table, f"{match.group(1)} listed twice"
            table[match.group(1)] = cells[1] if len(cells) > 1 else ""
    return table


@pytest.mark.parametrize("doc", READMES, ids=lambda p: p.name)
def test_config_table_lists_every_key_and_no_other(doc: Path) -> None:
    documented = set(_config_table(doc))
    known = _known_keys()
    assert documented == known, f"missing: {sorted(known - documented)}, unknown: {sorted(documented - known)}"


@pytest.mark.parametrize("doc", READMES, ids=lambda p: p.name)
def test_config_table_defaults_are_the_codes(doc: Path) -> None:
    wrong = []
    for key, cell in _config_table(doc).items():
        if key.split(".")[0] not in config.SCHEMA:
            continue  # reported by the test above
        expected = _default(key)
        if expected is dataclasses.MISSING:
            if cell not in ("—", "-", ""):
                wrong.append(f"{key}: required, but the table gives a default {cell}")
            continue
        raw = cell.strip("`")
        try:
            parsed = yaml.safe_load(raw)
        except yaml.YAMLError:
            parsed = raw
        if parsed != expected and raw != expected:
            wrong.append(f"{key}: table says {cell}, the code {expected!r}")
    assert not wrong, "\n".join(wrong)


# --- links -------------------------------------------------------------------------------------


def _links(path: Path) -> list[str]:
    prose = "\n".join(_prose_lines(_read(path)))
    prose = re.sub(r"`[^`\n]*`", "", prose)  # a [x](y) inside inline code is no link
    return re.findall(r"\[[^\]\n]*\]\(([^)\s]+)\)", prose)


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_anchors_resolve(doc: Path) -> None:
    broken = []
    for target in _links(doc):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto:
        path_part, _, anchor = target.partition("#")
        resolved = (doc.parent / path_part).resolve() if path_part else doc
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading with that anchor in {resolved.name}")
    assert not broken, "\n".join(broken)


# --- install commands --------------------------------------------------------------------------


@pytest.mark.parametrize("doc", READMES, ids=lambda p: p.name)
def test_quick_start_installs_the_package_without_test_tools(doc: Path) -> None:
    first = next(title for level, title in _headings(_read(doc)) if level == 2)
    quick_start = "\n".join(_section_with_code(_read(doc), first))
    assert "pip install ." in quick_start
    assert "gsmcall demo" in quick_start
    assert "[test" not in quick_start and "[dev" not in quick_start


def _section_with_code(text: str, title: str) -> list[str]:
    """All lines (code blocks included) under the level-2 heading ``title``."""
    lines, inside, body, found = text.splitlines(), False, [], False
    for line in lines:
        if FENCE.match(line):
            inside = not inside
        if not inside and re.match(r"^##\s", line):
            if found:
                break
            found = line[2:].strip() == title
            continue
        if found:
            body.append(line)
    return body


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_an_editable_development_install_takes_the_test_extra(doc: Path) -> None:
    bad = [line.strip() for line in _read(doc).splitlines()
           if re.search(r"pip install[^\n]*\[test", line) and not re.search(r"pip install -e '\.\[test", line)]
    assert not bad, "a user-facing install with the test extra:\n" + "\n".join(bad)


def test_readmes_give_the_test_command_ci_runs() -> None:
    command = "python -m pytest -q -n 8"
    assert command in _read(ROOT / ".ci" / "run")
    for doc in READMES:
        assert command in _read(doc), doc.name


def test_readmes_mention_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    match = re.search(r"\{([a-z,]+)\}", capsys.readouterr().out)
    assert match, "no subcommand list in gsmcall --help"
    for doc in READMES:
        text = _read(doc)
        missing = [name for name in match.group(1).split(",") if not re.search(rf"gsmcall (-c \S+ )?{name}\b", text)]
        assert not missing, f"{doc.name} never shows: {missing}"
