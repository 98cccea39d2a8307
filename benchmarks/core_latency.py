"""How long a cache line takes to travel between two CPUs, sampled over time.

    python benchmarks/core_latency.py [--cpus 0,1] [--samples 10] [--interval 1]

Two threads, pinned to the two CPUs, hand one cache line back and forth (each waits for the
other's write, then writes) two million times; the time per round trip is printed for each
sample. Hogwild training (skipgram, gensim and word2vec.c alike) writes rows that the other
worker thread also writes, so its speed with two workers depends on this figure, while one
worker, or two separate processes, does not. On the 2-vCPU virtual machine of
docs/benchmarks.md it moved between about 50 ns and about 330 ns as the host placed the two
virtual CPUs, and skipgram's two-worker runs were slow exactly when it was high.

The probe is a few lines of C compiled here with the system's C compiler (``cc``) into a
temporary folder: Python's threads cannot spin on a cache line without the interpreter's own
traffic getting in the way.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUND_TRIPS 2000000L
static _Atomic long turn __attribute__((aligned(64)));  /* the line that travels */
static int cpus[2];

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "cannot run on CPU %d\n", cpu);
        exit(2);
    }
}

/* Thread `side` (0 or 1) waits for the even (0) or odd (1) values and writes the next one. */
static void bounce(long side) {
    for (long value = side; value < 2 * ROUND_TRIPS; value += 2) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != value) {}
        atomic_store_explicit(&turn, value + 1, memory_order_release);
    }
}

static void *second(void *unused) {
    (void)unused;
    pin(cpus[1]);
    bounce(1);
    return NULL;
}

int main(int argc, char **argv) {
    struct timespec start, end;
    pthread_t thread;
    if (argc != 3) return 2;
    cpus[0] = atoi(argv[1]);
    cpus[1] = atoi(argv[2]);
    pin(cpus[0]);
    pthread_create(&thread, NULL, second, NULL);
    clock_gettime(CLOCK_MONOTONIC, &start);
    bounce(0);
    pthread_join(thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.1f\n", ns / ROUND_TRIPS);
    return 0;
}
"""


class Probe:
    """The compiled probe, in a temporary folder that lives as long as the object (use it as
    a context manager)."""

    def __init__(self) -> None:
        compiler = shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            raise ProbeError("core_latency.py needs a C compiler (cc or gcc) on PATH")
        self._folder = tempfile.TemporaryDirectory(prefix="core-latency-")
        source = Path(self._folder.name) / "core_latency.c"
        self.binary = Path(self._folder.name) / "core_latency"
        source.write_text(SOURCE)
        built = subprocess.run(
            [compiler, "-O2", "-pthread", "-o", str(self.binary), str(source)],
            capture_output=True,
            text=True,
        )
        if built.returncode != 0:
            self.close()
            raise ProbeError(f"the probe did not compile: {built.stderr.strip()}")

    def sample(self, cpus: tuple[int, int] = (0, 1)) -> float:
        """Nanoseconds a round trip of one cache line between `cpus` (about 0.1-0.7 s)."""
        result = subprocess.run([str(self.binary), *map(str, cpus)], capture_output=True, text=True)
        if result.returncode != 0:
            raise ProbeError(result.stderr.strip() or f"the probe failed ({result.returncode})")
        return float(result.stdout)

    def close(self) -> None:
        self._folder.cleanup()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProbeError(RuntimeError):
    """The probe could not be built or run (no compiler, no such CPU)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cpus", default="0,1", help="the two CPUs, as `taskset` numbers them")
    p.add_argument("--samples", type=int, default=10)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    parts = [c.strip() for c in args.cpus.split(",")]
    if len(parts) != 2 or not all(c.isdigit() for c in parts) or parts[0] == parts[1]:
        sys.exit(f"--cpus takes two different CPU numbers, e.g. 0,1; got {args.cpus!r}")
    cpus = (int(parts[0]), int(parts[1]))
    try:
        with Probe() as probe:
            for i in range(args.samples):
                if i:
                    time.sleep(args.interval)
                ns = probe.sample(cpus)
                print(f"{time.strftime('%H:%M:%S')}  CPU {cpus[0]} <-> {cpus[1]}: {ns:.0f} ns")
    except ProbeError as err:
        sys.exit(f"core_latency.py: {err}")


if __name__ == "__main__":
    main()
