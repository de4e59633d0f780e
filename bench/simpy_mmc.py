#!/usr/bin/env python3
"""M/M/c reference benchmark in SimPy, the same model as `faultline-cli bench-mmc`.

Poisson arrivals at rate rho*c per second, exponential service with mean 1 s, c servers, an
unbounded FIFO queue. Written in the usual SimPy style: one process per customer and a
`simpy.Resource` of capacity c. The run stops once N customers have completed service.

Prints one JSON object with the same keys as `faultline-cli bench-mmc` (`customers`,
`wall_seconds`, `customers_per_second`, `mean_wait_s`, `p_wait`, `erlang_c_mean_wait_s`,
`erlang_c_p_wait`, ...). As in the engine, `mean_wait_s` and `p_wait` are taken over every
customer that started service, and `wall_seconds` times the simulation run only (not setup).

The random streams differ from the engine's (Python's Mersenne Twister against xoshiro256++), so
the two agree statistically, not bit for bit.
"""

import argparse
import json
import platform
import random
import sys
import time

import simpy


def erlang_c(c, a):
    """Probability of waiting in M/M/c with offered load a = lambda/mu (a < c)."""
    b = 1.0
    for k in range(1, c + 1):  # Erlang B by the stable recurrence
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho + rho * b)


def mmc_mean_wait(c, lam, mu):
    """Mean time in queue of M/M/c."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


class Stats:
    def __init__(self, target, done):
        self.target = target
        self.done = done
        self.started = 0
        self.waited = 0
        self.wait_sum = 0.0
        self.completed = 0


def customer(env, server, rng, stats):
    arrived = env.now
    with server.request() as req:
        # A request for a free server is granted at once; otherwise the customer queues.
        queued = not req.triggered
        yield req
        stats.started += 1
        if queued:
            stats.waited += 1
            stats.wait_sum += env.now - arrived
        yield env.timeout(rng.expovariate(1.0))  # service, mean 1 s
    stats.completed += 1
    if stats.completed == stats.target:
        stats.done.succeed()


def arrivals(env, server, rng, rate, stats):
    while True:
        yield env.timeout(rng.expovariate(rate))
        env.process(customer(env, server, rng, stats))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--servers", type=int, required=True, help="number of servers c")
    p.add_argument("--rho", type=float, required=True, help="utilisation, 0 < rho < 1")
    p.add_argument("--customers", type=int, required=True, help="stop after N completed services")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    if not 1 <= a.servers <= 10_000:
        p.error(f"--servers must be between 1 and 10000, got {a.servers}")
    if not 0.0 < a.rho < 1.0:
        p.error(f"--rho must be above 0 and below 1, got {a.rho}")
    if a.customers < 1:
        p.error(f"--customers must be at least 1, got {a.customers}")

    c, rho, n = a.servers, a.rho, a.customers
    lam = rho * c
    rng = random.Random(a.seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=c)
    stats = Stats(n, env.event())
    env.process(arrivals(env, server, rng, lam, stats))

    t0 = time.perf_counter()
    env.run(until=stats.done)
    wall = time.perf_counter() - t0

    started = max(stats.started, 1)
    out = {
        "implementation": "simpy",
        "simpy_version": simpy.__version__,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "model": f"M/M/{c}",
        "servers": c,
        "rho": rho,
        "seed": a.seed,
        "customers": stats.completed,
        "simulated_s": env.now,
        "wall_seconds": wall,
        "customers_per_second": stats.completed / wall,
        "mean_wait_s": stats.wait_sum / started,
        "p_wait": stats.waited / started,
        "erlang_c_mean_wait_s": mmc_mean_wait(c, lam, 1.0),
        "erlang_c_p_wait": erlang_c(c, lam),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
