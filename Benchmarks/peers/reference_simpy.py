#!/usr/bin/env python3
"""The peer reference model in SimPy 4.1.2: the same model as reference.json5 beside this file.

    Poisson arrivals, 30 a day -> 300 acute beds (unlimited FIFO queue)
    acute stay lognormal, mean 7 days, sd 6
    when medically optimised: 30% need reablement and wait in their acute bed until one of
    270 reablement slots is free (blocking after service); the other 70% go home at once
    reablement lasts Exp(mean 28 days), then home
    10 simulated years (3,650 days), no warm-up, empty at the start

The metric is Homeward's `delayedBedDays` (docs: "Delayed bed days in acute, exact time"):
for each patient going to reablement, the time from medically optimised until leaving the
acute bed, clipped to the measured window [0, horizon); a wait still open at the horizon counts
up to the horizon. Homeward's `crises` and `services.reablement.admissions` are computed too,
as cross-checks.

Usage: reference_simpy.py [--replications N] [--seed S] [--days D]

Prints one JSON object: the per-replication values, their mean and 95% t-interval, and the
throughput in patients per second (arrivals processed / wall time of the replications,
excluding interpreter start-up and imports), and the same per CPU-second.
"""

import argparse
import json
import math
import platform
import random
import statistics
import sys
import time

import simpy

ARRIVALS_PER_DAY = 30.0
ACUTE_BEDS = 300
STAY_MEAN, STAY_SD = 7.0, 6.0
P_REABLEMENT = 0.3
REABLEMENT_SLOTS = 270
REABLEMENT_MEAN = 28.0

# Lognormal from the mean and sd of the duration itself, as Homeward reads
# `{ lognormal: { mean: 7, sd: 6 } }`: sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2.
SIGMA = math.sqrt(math.log1p((STAY_SD / STAY_MEAN) ** 2))
MU = math.log(STAY_MEAN) - 0.5 * SIGMA * SIGMA


class Stats:
    __slots__ = ("arrivals", "reablement_admissions", "delayed", "waiting")

    def __init__(self):
        self.arrivals = 0
        self.reablement_admissions = 0
        self.delayed = 0.0  # closed delays, in days
        self.waiting = {}  # request -> time medically optimised, for waits still open


def patient(env, acute, reablement, rng, stats):
    bed = acute.request()
    yield bed
    yield env.timeout(rng.lognormvariate(MU, SIGMA))  # until medically optimised
    if rng.random() < P_REABLEMENT:
        optimised = env.now
        slot = reablement.request()
        if not slot.triggered:
            stats.waiting[slot] = optimised
            yield slot
            del stats.waiting[slot]
            stats.delayed += env.now - optimised  # env.now < horizon: events at the horizon never run
        else:
            yield slot
        acute.release(bed)  # blocking after service: the bed is freed only now
        stats.reablement_admissions += 1
        yield env.timeout(rng.expovariate(1.0 / REABLEMENT_MEAN))
        reablement.release(slot)
    else:
        acute.release(bed)


def arrivals(env, acute, reablement, rng, stats):
    rate = ARRIVALS_PER_DAY
    while True:
        yield env.timeout(rng.expovariate(rate))
        stats.arrivals += 1
        env.process(patient(env, acute, reablement, rng, stats))


def replicate(seed, replication, horizon):
    rng = random.Random(seed * 1_000_003 + replication)
    env = simpy.Environment()
    acute = simpy.Resource(env, capacity=ACUTE_BEDS)
    reablement = simpy.Resource(env, capacity=REABLEMENT_SLOTS)
    stats = Stats()
    env.process(arrivals(env, acute, reablement, rng, stats))
    env.run(until=horizon)  # events at exactly the horizon are not processed (as in Homeward)
    open_delays = sum(horizon - t for t in stats.waiting.values())
    return {
        "delayedBedDays": stats.delayed + open_delays,
        "crises": stats.arrivals,
        "reablementAdmissions": stats.reablement_admissions,
    }


# --- Student t quantile (no SciPy): regularised incomplete beta by Lentz's continued fraction.

def _betacf(a, b, x):
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a, b, x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * _betainc(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def interval(values):
    n = len(values)
    mean = statistics.fmean(values)
    if n < 2:
        return {"mean": mean, "ci95": [None, None], "values": values}
    half = t_quantile(0.975, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return {"mean": mean, "ci95": [mean - half, mean + half], "values": values}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=3650.0, help="horizon in days (default 3650)")
    args = parser.parse_args()
    if args.replications < 1:
        parser.error("--replications must be at least 1")

    began = time.perf_counter()
    began_cpu = time.process_time()
    results = [replicate(args.seed, r, args.days) for r in range(args.replications)]
    wall = time.perf_counter() - began
    cpu = time.process_time() - began_cpu
    arrivals_total = sum(r["crises"] for r in results)
    out = {
        "simulator": f"SimPy {simpy.__version__}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "replications": args.replications,
        "seed": args.seed,
        "horizonDays": args.days,
        "wallSeconds": wall,
        "cpuSeconds": cpu,
        "arrivals": arrivals_total,
        "patientsPerSecond": arrivals_total / wall,
        "patientsPerCPUSecond": arrivals_total / cpu,
        "metrics": {
            "delayedBedDays": interval([r["delayedBedDays"] for r in results]),
            "crises": interval([float(r["crises"]) for r in results]),
            "reablementAdmissions": interval([float(r["reablementAdmissions"]) for r in results]),
        },
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
