"""The Dask executor: the same ``map`` as serial and processes, on a Dask cluster.

``DaskExecutor(workers=N)`` starts a ``LocalCluster`` of N single-threaded worker processes;
``DaskExecutor(scheduler="tcp://host:8786")`` connects to a cluster that is already running
(a ``dask scheduler`` with ``dask worker`` processes, or dask-jobqueue's ``SLURMCluster``) and
starts nothing. Results come back as chunks finish (``distributed.as_completed``), with at most two
chunks per worker thread in flight, so the client's memory is bounded by the chunk, not the run
count. A chunk is a pure function of its spec, so the results are bit-identical to the serial
executor's (docs/executors.md).

The executor may be entered more than once (``foedus compare`` enters it once and every arm runs
through it): the cluster starts on the first ``with`` and stops when the outermost one ends."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from foedus.ensemble.executors import Executor
from foedus.errors import ArgumentError, FoedusError

CONNECT_TIMEOUT_S = 20

# The environment of the LocalCluster's worker processes. Dask's nanny sets MALLOC_TRIM_THRESHOLD_
# (64 KiB) in its workers, to hand freed memory back to the system; setting it switches off glibc's
# adaptive mmap threshold, so every array above 128 KiB -- the engine makes a few hundred of them a
# month, each (runs, states) -- is mapped and unmapped afresh, and a chunk took twice the CPU time in
# a worker that it takes in the client. A chunk's memory is bounded (about 15 MiB at 5,000 runs), so
# the workers foedus starts keep freed memory up to these bounds. glibc reads them when a process
# starts, so they must be in the environment the nanny spawns its workers with (its
# "pre-spawn-environ", in which a variable already in this process's environment wins: the nanny
# also writes its values into this process's environment, so a cluster started earlier would
# otherwise decide). A cluster started elsewhere and reached by --scheduler keeps its own settings:
# docs/executors.md says what to set there.
WORKER_ENVIRON = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(128 * 2**20)}


class DaskExecutor(Executor):
    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None, threads_per_worker: int = 1):
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
            raise ArgumentError("--workers", "a whole number of at least 1", workers)
        if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
            raise ArgumentError("--scheduler", "the address of a Dask scheduler, e.g. tcp://10.0.0.5:8786", scheduler)
        if scheduler is not None and workers is not None:
            raise ArgumentError("--workers", "no --workers with --scheduler (the cluster has its own workers)", workers)
        self.scheduler = scheduler
        self.threads_per_worker = threads_per_worker
        self._requested = workers
        self.workers = workers or 1
        self._cluster = None
        self._client = None
        self._depth = 0

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> "DaskExecutor":
        if self._depth == 0 and self._client is None:
            self._start()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self.close()

    def _start(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - a dependency of foedus
            raise FoedusError("the Dask executor needs dask[distributed]: pip install 'dask[distributed]'") from None
        if self.scheduler is not None:
            try:
                self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ArgumentError("--scheduler", f"a reachable Dask scheduler ({type(exc).__name__})",
                                    self.scheduler) from None
            self.workers = max(1, self._threads())
            return
        import os

        n = self._requested or max(1, min(4, os.cpu_count() or 1))
        # Ctrl-C is for this process, which stops the cluster: workers started with SIGINT ignored do
        # not each print a traceback of their own (a terminal sends SIGINT to the whole group)
        import signal
        import threading

        main = threading.current_thread() is threading.main_thread()
        old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        import dask

        saved = {k: os.environ.get(k) for k in WORKER_ENVIRON}
        os.environ.update(WORKER_ENVIRON)
        try:
            with dask.config.set({f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRON.items()}):
                self._cluster = LocalCluster(n_workers=n, threads_per_worker=self.threads_per_worker, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR)
        finally:
            for k, v in saved.items():   # this process's environment as it was
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            if main:
                signal.signal(signal.SIGINT, old)
        self._client = Client(self._cluster)
        self.workers = n
        self._client.run(_import_engine)  # fresh worker processes import the engine now, not in the first chunk

    def _threads(self) -> int:
        info = self._client.scheduler_info()
        return sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())

    def close(self) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    @property
    def client(self):
        return self._client

    # -- work -----------------------------------------------------------------------------------
    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        if self._client is None:
            raise RuntimeError("use DaskExecutor as a context manager")
        from distributed import as_completed

        it = iter(items)
        # a cluster may grow (adaptive SLURM jobs): ask once, keep two tasks per thread in flight
        in_flight = 2 * max(1, self._threads() if self.scheduler else self.workers * self.threads_per_worker)
        first = [self._client.submit(fn, item, pure=False) for _, item in zip(range(in_flight), it)]  # range first: zip must not pull an item it drops
        if not first:
            return
        done = as_completed(first)
        try:
            for fut in done:
                result = fut.result()
                fut.release()
                nxt = next(it, _END)
                if nxt is not _END:
                    done.add(self._client.submit(fn, nxt, pure=False))
                yield result
        finally:
            # interrupted (Ctrl-C, an error, the consumer stopped): cancel what is still queued
            pending = [f for f in done.futures] if hasattr(done, "futures") else []
            if pending and self._client is not None:
                try:
                    self._client.cancel(pending)
                except Exception:  # the client may be closing already
                    pass


_END = object()


def _import_engine() -> None:
    import foedus.ensemble.chunks  # noqa: F401
