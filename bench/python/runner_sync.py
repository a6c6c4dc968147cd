"""
Upstream half of the `runner-sync` benchmark: node calls per second of upstream noob's
SynchronousRunner, measured the same way `bench/runner-sync.ts` measures noob's SyncRunner.

Usage: python runner_sync.py CONFIG_JSON, where CONFIG_JSON is
  {"tubes": [{"name", "path", "epochsPerRunner"}], "targetSeconds", "repeats",
   "warmup", "checkEpochs"}
``epochsPerRunner`` is how many epochs one runner may give before a bounded source runs dry
(null: unbounded); longer measurements use several fresh runners in a row, each loaded,
initialised and warmed up outside the timed region.

Prints one JSON line describing the interpreter, then one JSON line per tube:
  {"tube", "epochs", "seconds", "nodeCallsPerEpoch", "callsPerSecond", ...}
"""

import json
import math
import platform
import statistics
import sys
import time
import warnings
from importlib.metadata import version

# noob's config warns once at import when XDG_RUNTIME_DIR is unset; harmless noise here.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

import noob  # noqa: E402
import noob.types  # noqa: E402

# noob 1003.0.2 declares `Name` (the output-name marker in `Annotated[int, Name("index")]`)
# as an unhashable dataclass, and on Python 3.11 building `Annotated[...]` with an
# unhashable argument raises, so `import noob.testing` fails. Hashing by the name is what
# a frozen dataclass would do. `Name` is only read while nodes are built from their
# signatures, never while the runner processes epochs, so the timed region is untouched.
noob.types.Name.__hash__ = lambda self: hash(self.name)  # type: ignore[method-assign]

import noob.testing  # noqa: E402, F401  (fails without the shim above)

CALIBRATION_SECONDS = 0.1
"""A probe at least this long sets how many epochs a measurement needs."""


def new_runner(path: str, warmup: int) -> "noob.SynchronousRunner":
    """A freshly loaded and initialised runner that has already run ``warmup`` epochs."""
    runner = noob.SynchronousRunner(noob.Tube.from_specification(path))
    runner.init()
    for _ in range(warmup):
        runner.process()
    return runner


def timed_epochs(path: str, epochs: int, per_runner: int | None, warmup: int) -> float:
    """Seconds spent inside ``process()`` for ``epochs`` epochs, one call per epoch."""
    seconds = 0.0
    left = epochs
    while left > 0:
        runner = new_runner(path, warmup)
        n = left if per_runner is None else min(left, per_runner)
        out = None
        start = time.perf_counter()
        for _ in range(n):
            out = runner.process()
        seconds += time.perf_counter() - start
        runner.deinit()
        if out is None:
            raise RuntimeError(f"{path}: the tube returned nothing; a source ran dry mid-run")
        left -= n
    return seconds


def check(path: str, epochs: int) -> tuple[list, float, int]:
    """First results of a fresh runner, and node calls per epoch counted from its events."""
    runner = noob.SynchronousRunner(noob.Tube.from_specification(path))
    calls: set[tuple[str, int]] = set()

    def count(event: dict) -> None:
        if event["node_id"] != "meta":
            calls.add((event["node_id"], event["epoch"]))

    runner.add_callback(count)
    runner.init()
    results = [runner.process() for _ in range(epochs)]
    runner.deinit()
    return results, len(calls) / epochs, len(runner.tube.enabled_nodes)


def measure(tube: dict, config: dict) -> dict:
    path, per_runner, warmup = tube["path"], tube["epochsPerRunner"], config["warmup"]
    if per_runner is not None:
        per_runner -= warmup
    results, observed, structural = check(path, config["checkEpochs"])

    epochs = 16
    while (probe := timed_epochs(path, epochs, per_runner, warmup)) < CALIBRATION_SECONDS:
        epochs *= 2
    epochs = math.ceil(epochs / probe * config["targetSeconds"])

    runs = [timed_epochs(path, epochs, per_runner, warmup) for _ in range(config["repeats"])]
    seconds = statistics.median(runs)
    return {
        "tube": tube["name"],
        "epochs": epochs,
        "seconds": seconds,
        "nodeCallsPerEpoch": structural,
        "callsPerSecond": epochs * structural / seconds,
        "runs": runs,
        "runnersPerRun": 1 if per_runner is None else math.ceil(epochs / per_runner),
        "observedCallsPerEpoch": observed,
        "firstResults": results,
    }


def main() -> None:
    config = json.loads(sys.argv[1])
    about = {
        "python": platform.python_version(),
        "noob": version("noob"),
        "noob_core": version("noob_core"),
    }
    print(json.dumps({"upstream": about}), flush=True)
    for tube in config["tubes"]:
        print(json.dumps(measure(tube, config)), flush=True)


if __name__ == "__main__":
    main()
