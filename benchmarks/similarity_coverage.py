"""Coverage of similarity intervals on generated corpora (the numbers in the README's similarity section).

Plans are mixtures of topics; every item draws one topic and then its words, so items are
the independent unit. The true similarity of a pair is the mean observed similarity over
many corpora drawn from the model; an interval covers when it contains it.

    .venv/bin/python benchmarks/similarity_coverage.py [--corpora 60] [--truth 400]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.similarity import similarity_bootstrap, similarity_matrix  # noqa: E402
from tests.test_similarity_uncertainty import TopicModel  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", type=int, default=60)
    ap.add_argument("--truth", type=int, default=400)
    ap.add_argument("--plans", type=int, default=4)
    ap.add_argument("--items", type=int, default=25)
    ap.add_argument("--length", type=int, default=30)
    args = ap.parse_args()
    model = TopicModel(
        np.random.default_rng(12345).dirichlet(np.full(8, 0.5), size=args.plans), vocab=400, n_topics=8
    )

    def draw(seed):
        return model.draw(np.random.default_rng(seed), items=args.items, length=args.length)

    t0 = time.time()
    truth = np.mean(
        [similarity_matrix(draw(10_000 + r), label="unit_id").to_numpy() for r in range(args.truth)], axis=0
    )
    i, j = np.triu_indices(args.plans, 1)
    cov = {"bootstrap percentile": [], "bootstrap, bias-shifted": [], "jackknife": []}
    boot_mean, observed = [], []
    for r in range(args.corpora):
        res = similarity_bootstrap(draw(r), n_boot=200, n_perm=1, random_state=r)
        obs = res["matrix"].to_numpy()[i, j]
        b = res["boot"][:, i, j]
        lo, hi = np.quantile(b, [0.025, 0.975], axis=0)
        bias = b.mean(axis=0) - obs
        t = truth[i, j]
        cov["bootstrap percentile"] += list((lo <= t) & (t <= hi))
        cov["bootstrap, bias-shifted"] += list((lo - bias <= t) & (t <= hi - bias))
        se = res["se"][i, j]
        cov["jackknife"] += list(np.abs(obs - t) <= 1.96 * se)
        boot_mean += list(b.mean(axis=0))
        observed += list(obs)
    print(f"{args.corpora} corpora of {args.plans} plans x {args.items} items; nominal 95%")
    print(
        f"mean observed similarity {np.mean(observed):.2f}, mean bootstrap replicate {np.mean(boot_mean):.2f}"
    )
    for name, c in cov.items():
        print(f"{name:>26}: coverage {np.mean(c):.3f}")
    print(f"{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
