"""Diagnostics for the fan-out benchmark (`--gc-probe`): wallboard.asgi's application,
unchanged, plus accounting of the garbage collector, written once a second to
$FANOUT_GC_FILE as "collections gen0 gen1 gen2 cpu_s wall_s gen2_cpu_s gen2_max_wall_s".

FANOUT_GC_FREEZE=start moves what exists once the app is loaded to the permanent generation
(`gc.freeze()`), so collections stop walking it; FANOUT_GC_FREEZE=signal does the same on
each SIGUSR1 (the benchmark sends one after connecting viewers): an upper bound of what
keeping long-lived connection objects out of full collections would buy.
"""

import gc
import os
import signal
import threading
import time

from wallboard.asgi import application

__all__ = ["application"]

_started = [0.0, 0.0]
_totals = {"gens": [0, 0, 0], "cpu": 0.0, "wall": 0.0, "gen2_cpu": 0.0, "gen2_max": 0.0}


def _callback(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0], _started[1] = time.thread_time(), time.perf_counter()
        return
    cpu = time.thread_time() - _started[0]
    wall = time.perf_counter() - _started[1]
    _totals["gens"][info["generation"]] += 1
    _totals["cpu"] += cpu
    _totals["wall"] += wall
    if info["generation"] == 2:
        _totals["gen2_cpu"] += cpu
        _totals["gen2_max"] = max(_totals["gen2_max"], wall)


def _writer(path: str) -> None:
    while True:
        time.sleep(0.5)
        t = _totals
        line = (
            f"{sum(t['gens'])} {' '.join(map(str, t['gens']))} {t['cpu']:.6f} {t['wall']:.6f} "
            f"{t['gen2_cpu']:.6f} {t['gen2_max']:.6f}"
        )
        tmp = f"{path}.tmp"
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.replace(tmp, path)


def _freeze(*_: object) -> None:
    gc.collect()
    gc.freeze()


mode = os.environ.get("FANOUT_GC_FREEZE", "")
if mode == "start":
    _freeze()
elif mode == "signal":
    signal.signal(signal.SIGUSR1, _freeze)
gc.callbacks.append(_callback)
if os.environ.get("FANOUT_GC_FILE"):
    threading.Thread(target=_writer, args=(os.environ["FANOUT_GC_FILE"],), daemon=True).start()
