"""Executors: interchangeable strategies behind one interface (EMA Workbench's evaluators).

``with SerialExecutor() as ex: for result in ex.map(run_chunk, specs): ...`` yields results as
chunks finish. ``ProcessExecutor(workers)`` uses ``concurrent.futures`` processes. A Dask
executor can be added by implementing ``map`` (the chunk function is a top-level function of a
picklable ``ChunkSpec``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from foedus.errors import ArgumentError


class Executor:
    name = "base"
    workers = 1

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        raise NotImplementedError


class SerialExecutor(Executor):
    name = "serial"

    def map(self, fn, items):
        for item in items:
            yield fn(item)


class ProcessExecutor(Executor):
    name = "processes"

    def __init__(self, workers: int | None = None):
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ArgumentError("--workers", "a whole number of at least 1", workers)
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self):
        self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn, items):
        if self._pool is None:
            raise RuntimeError("use ProcessExecutor as a context manager")
        items = list(items)
        pending = set()
        it = iter(items)
        # keep at most 2 chunks per worker in flight: memory stays bounded by the chunk
        for item in it:
            pending.add(self._pool.submit(fn, item))
            if len(pending) >= 2 * self.workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(self._pool.submit(fn, nxt))


EXECUTORS = {"serial": SerialExecutor, "processes": ProcessExecutor}


def make_executor(name: str | Executor = "serial", workers: int | None = None) -> Executor:
    if isinstance(name, Executor):
        return name
    if name not in EXECUTORS:
        raise ArgumentError("--executor", f"one of {', '.join(EXECUTORS)}", name)
    return ProcessExecutor(workers) if name == "processes" else SerialExecutor()
