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

from collections.abc import Callable, Sequence
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
    import dask.bag as db
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
        threads = sum(client.nthreads().values()) or 1
        n = partitions or min(len(items), 4 * threads)
        return db.from_sequence(items, npartitions=n).map(func).compute(scheduler=client)
    finally:
        if own is not None:
            cluster = getattr(own, "cluster", None)
            own.close()
            if cluster is not None and scheduler is None:
                cluster.close()
