"""Where per-document work runs: here (the default), or on a Dask cluster.

The per-document stages (read, clean, parse; segment; shingle hashing for reuse) are pure
functions of one document, so they can run anywhere. :func:`map_documents` runs such a
function over a list, in order, either in this process or on Dask (``dask.bag`` on a
``dask.distributed`` client): the tables are the same either way (tested with a
``LocalCluster``).

Examples
--------
>>> map_documents(len, ["团", "青年"])
[1, 2]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

ENGINES = ("local", "dask")


def map_documents(
    func: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    engine: str = "local",
    scheduler: Any = None,
    partitions: int | None = None,
) -> list[Any]:
    """``[func(x) for x in items]``, here or on Dask, in the order of ``items``.

    Parameters
    ----------
    func : callable
        A picklable function of one item (a module-level function).
    items : sequence
    engine : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: a scheduler address (``"tcp://host:8786"``) or a client;
        by default the current client (``distributed.get_client()``) or, without one, a
        ``LocalCluster`` started for the call.
    partitions : int, optional
        Number of Dask partitions (default: about 4 per worker thread, at most one per item).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    items = list(items)
    if engine == "local" or not items:
        return [func(x) for x in items]
    with dask_client(scheduler) as client:
        return _dask_map(client, func, items, partitions)


def _dask_map(client, func, items: Sequence[Any], partitions: int | None = None) -> list[Any]:
    import dask.bag as db

    items = list(items)
    if not items:
        return []
    threads = sum(client.nthreads().values()) or 1
    n = partitions or min(len(items), 4 * threads)
    return db.from_sequence(items, npartitions=n).map(func).compute(scheduler=client)


@contextlib.contextmanager
def dask_client(scheduler: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: the one given, one connected to an address, the current one, or a
    ``LocalCluster`` started for the block (closed at its end, like a client opened here)."""
    from distributed import Client, LocalCluster, get_client

    own = None
    if isinstance(scheduler, Client):
        client = scheduler
    elif isinstance(scheduler, str):
        client = own = Client(scheduler)
    else:
        try:
            client = get_client()
        except ValueError:  # no client yet: a local cluster for this call
            own = Client(LocalCluster(processes=True, dashboard_address=None))
            client = own
    try:
        yield client
    finally:
        if own is not None:
            cluster = getattr(own, "cluster", None)
            own.close()
            if cluster is not None and scheduler is None:
                cluster.close()


@dataclass
class Pool:
    """Workers kept between maps (see :func:`document_pool`).

    ``map(func, items)`` iterates over ``func(x)`` in the order of ``items``; ``workers``
    is the number of processes or Dask threads (to size batches).
    """

    map: Callable[[Callable[[Any], Any], Sequence[Any]], Any]
    workers: int


@contextlib.contextmanager
def document_pool(engine: str = "local", scheduler: Any = None, n_jobs: int = 1) -> Iterator[Pool]:
    """Workers for several maps over documents: this process, a local process pool, or Dask.

    Parameters
    ----------
    engine : {"local", "dask"}
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``, the cluster (see :func:`map_documents`).
    n_jobs : int, default 1
        With ``engine="local"``, processes (1: in this process, no pool).

    Examples
    --------
    >>> with document_pool() as pool:
    ...     list(pool.map(len, ["团", "青年"])), pool.workers
    ([1, 2], 1)
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if engine == "dask":
        with dask_client(scheduler) as client:
            threads = sum(client.nthreads().values()) or 1
            yield Pool(lambda f, items: _dask_map(client, f, items, max(1, len(items))), threads)
    elif n_jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(n_jobs) as ex:
            yield Pool(lambda f, items: ex.map(f, items), n_jobs)
    else:
        yield Pool(lambda f, items: map(f, items), 1)
