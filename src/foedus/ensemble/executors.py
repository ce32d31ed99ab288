"""Executors: interchangeable strategies behind one interface (EMA Workbench's evaluators).

``with SerialExecutor() as ex: for result in ex.map(run_chunk, specs): ...`` yields results as
chunks finish. ``ProcessExecutor(workers)`` uses ``concurrent.futures`` processes;
``DaskExecutor`` (``foedus.ensemble.dask_executor``) a Dask LocalCluster or a scheduler address.
The chunk function is a top-level function of a picklable ``ChunkSpec``."""

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


def _dask(workers: int | None = None, scheduler: str | None = None) -> Executor:
    from foedus.ensemble.dask_executor import DaskExecutor  # imported only when asked for

    return DaskExecutor(workers, scheduler)


EXECUTORS = {"serial": SerialExecutor, "processes": ProcessExecutor, "dask": _dask}


def make_executor(name: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor by name; ``scheduler`` (a Dask scheduler address) implies ``dask``."""
    if isinstance(name, Executor):
        return name
    if scheduler is not None and name in (None, "serial", "dask"):
        name = "dask"
    if name not in EXECUTORS:
        raise ArgumentError("--executor", f"one of {', '.join(EXECUTORS)}", name)
    if scheduler is not None and name != "dask":
        raise ArgumentError("--scheduler", "--executor dask (a scheduler address is a Dask cluster's)", scheduler)
    if name == "dask":
        return _dask(workers, scheduler)
    return ProcessExecutor(workers) if name == "processes" else SerialExecutor()
