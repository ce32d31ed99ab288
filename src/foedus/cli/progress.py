"""Progress of a long command on stderr: a bar with the time left on a terminal; elsewhere (a pipe, a
log file, CI) plain lines, one as each part starts and then at most one every few seconds."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from foedus.cli.app import err_console

PLAIN_EVERY_S = 10.0  # seconds between two plain progress lines of one part

Callback = Callable[[int, int, int], None]  # (chunks_done, chunks_total, runs_done)


def _plain(label: str, runs: int) -> Callback:
    t0 = time.monotonic()
    last = [t0, 0]  # when the last line was printed, how many lines

    def update(done: int, total: int, runs_done: int) -> None:
        now = time.monotonic()
        if now - last[0] < PLAIN_EVERY_S and not (runs_done >= runs and last[1]):
            return  # a short run prints no line at all
        last[0], last[1] = now, last[1] + 1
        spent = now - t0
        left = f", about {spent * (runs - runs_done) / runs_done:.0f} s left" if 0 < runs_done < runs else ""
        err_console.print(f"simulating {label}: {runs_done} of {runs} runs, {spent:.0f} s{left}", highlight=False,
                          markup=False, soft_wrap=True)

    return update


@contextlib.contextmanager
def run_progress(runs: int, quiet: bool = False, announce: bool = True) -> Iterator[Callable[[str], Callback | None]]:
    """Yields ``start(label)``, to call as each part (an arm, a scenario) of ``runs`` runs starts; it
    returns the callback for simulate's ``progress``, or None when quiet. Where stderr is not a
    terminal, ``announce`` prints a line as each part starts."""
    terminal = err_console.is_terminal
    with Progress(TextColumn("simulating {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("runs"),
                  TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=err_console,
                  disable=quiet or not terminal) as bar:
        def start(label: str) -> Callback | None:
            if quiet:
                return None
            if not terminal:
                if announce:
                    err_console.print(f"simulating {label} ...", highlight=False, markup=False)
                return _plain(label, runs)
            task = bar.add_task(label, total=runs)
            return lambda done, total, runs_done: bar.update(task, completed=runs_done)

        yield start
