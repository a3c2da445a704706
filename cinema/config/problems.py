"""What is wrong with a content file: Problem, the ConfigError that carries them, and their text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from cinema.locale.runtime import gettext as _
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, said so a teacher or technician can fix it.

    `line` is 1-based; 0 means the whole file (it could not be read at all).
    `key` is the place in the file (e.g. `items[3].media`); "" for syntax errors.
    """

    file: Path
    line: int
    key: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return self._text(display_path(self.file))

    def short(self) -> str:
        """For the teacher's screen: the file as its folder and name (`playlists/x.yaml:12`), so the
        line that says what to fix is not pushed out of sight by a long path."""
        file = Path(self.file)
        return self._text(f"{file.parent.name}/{file.name}" if file.parent.name else file.name)

    def _text(self, where: str) -> str:
        if self.line > 0:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class ConfigError(Exception):
    """Content that cannot be used as it is; `problems` lists everything found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: Iterable[Problem]) -> str:
    """One `file:line: key: what is wrong — how to fix it` line per problem, in file order."""
    return "\n".join(str(p) for p in sorted(problems, key=_order))


def _order(problem: Problem) -> tuple[str, int]:
    return (str(problem.file), problem.line)


def display_path(path: Path) -> str:
    """The path as a teacher typed it: relative to the working folder when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` — did you mean "x"?`-style hint text, or "" when nothing is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return _('did you mean "{word}"?').format(word=close[0]) if close else ""


class Reporter:
    """Collects the problems of one file so every check can go on after the first failure."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self._said: set[object] = set()

    def first_time(self, token: object) -> bool:
        """True the first time `token` is seen: for problems worth saying once per file."""
        if token in self._said:
            return False
        self._said.add(token)
        return True

    def add(self, line: int, key: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.file, line, key, message, fix))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)
