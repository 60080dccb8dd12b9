"""Progress on stderr: a rich bar only when stderr is a terminal (pipes, logs and ``--json`` stay clean)."""

from __future__ import annotations

import contextlib
import sys


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def pages(self, done: int, total: int) -> None:
        pass


class _Bar:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def update(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)

    def pages(self, done: int, total: int) -> None:
        """Set the position when the total is learnt as the work goes (pages of a PDF)."""
        self._progress.update(self._task, completed=done, total=total)


@contextlib.contextmanager
def progress(total: int | None, label: str, show: bool = True):
    """A rich progress bar on stderr, only when stderr is a terminal (pipes and logs stay clean).

    ``total=None`` draws a spinner with the elapsed time, for work that cannot count its steps.
    ``show=False`` (a ``--json`` run) draws nothing either.
    """
    if not show or not sys.stderr.isatty():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))
