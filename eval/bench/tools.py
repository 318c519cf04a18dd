"""Small helpers the benchmarks share: percentiles, resident memory, free ports, timed child processes.

Child processes (a cold ``assistant ask``, a benchmark worker) print one line
``BENCH_RESULT {json}`` on stdout; ``run_worker`` returns that object with the process's wall time.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULT_MARK = "BENCH_RESULT "
ROOT = Path(__file__).resolve().parent.parent.parent
"""The folder that holds the ``assistant``, ``ingest`` and ``eval`` packages."""


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (0-1) of values, by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def summarise(timings_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95, mean and count of latencies in milliseconds (zeros when there are none)."""
    if not timings_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "mean_ms": 0.0, "n": 0}
    return {
        "p50_ms": statistics.median(timings_ms),
        "p95_ms": percentile(timings_ms, 0.95),
        "mean_ms": statistics.fmean(timings_ms),
        "n": len(timings_ms),
    }


def memory_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    """A memory figure of a process from ``/proc/PID/status`` in MB: ``VmHWM`` is its peak resident set.

    Falls back to ``getrusage`` (peak of this process) where ``/proc`` is missing.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


def cpu_seconds(pid: int | str = "self") -> float:
    """User plus system CPU time a process has used so far (all its threads), in seconds."""
    if pid == "self":
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def folder_mb(path: Path) -> float:
    """Disk size of every file under a folder, in MB."""
    return sum(item.stat().st_size for item in Path(path).rglob("*") if item.is_file()) / 1e6


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float, process: subprocess.Popen[Any] | None = None) -> bool:
    """Wait until something listens on a loopback port; False on timeout or when ``process`` ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen[Any]) -> None:
    """Stop a server the benchmark started: terminate, then kill if it has not exited in 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def server_process(
    command: Sequence[str], port: int, env: dict[str, str], log: Path, start_timeout: float, name: str
) -> Iterator[subprocess.Popen[Any]]:
    """A server started with its output in ``log``, once it listens on ``port``; stopped on exit."""
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        try:
            if not wait_for_port(port, start_timeout, process):
                raise RuntimeError(f"{name} did not start (see {log})")
            yield process
        finally:
            stop(process)


def child_env(**variables: str | Path | None) -> dict[str, str]:
    """This process's environment for a child: offline, extractive answers, the packages importable.

    ``variables`` are set on top (``None`` removes one).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    env["ASSISTANT_LLM_PROVIDER"] = "none"  # the default, extractive path is what is measured
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def run_timed(args: Sequence[str], env: dict[str, str], timeout: float = 1800) -> tuple[float, str]:
    """Run a command to its end; its wall time in seconds and its stdout.

    Raises:
        RuntimeError: when it fails, with the end of its stderr.
    """
    started = time.perf_counter()
    done = subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"{' '.join(args[:4])}… exited with {done.returncode}: {tail}")
    return seconds, done.stdout


def python_command(*args: str) -> list[str]:
    """``python -m ...`` with this interpreter."""
    return [sys.executable, *args]


def run_worker(
    command: str, options: Sequence[str], env: dict[str, str], timeout: float = 7200
) -> dict[str, Any]:
    """Run ``python -m eval.bench.worker COMMAND OPTIONS`` and return its result plus ``wall_s``."""
    seconds, stdout = run_timed(python_command("-m", "eval.bench.worker", command, *options), env, timeout)
    return {**parse_result(stdout), "wall_s": seconds}


def parse_result(stdout: str) -> dict[str, Any]:
    """The object of the last ``BENCH_RESULT`` line of a child's stdout (empty when there is none)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return dict(json.loads(line[len(RESULT_MARK) :]))
    return {}


def emit(result: dict[str, Any]) -> None:
    """Print a worker's result line (see ``parse_result``)."""
    print(RESULT_MARK + json.dumps(result), flush=True)
