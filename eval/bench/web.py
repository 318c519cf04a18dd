"""Concurrency: N simulated users asking the eval questions of ``assistant serve`` over loopback.

The app runs as its own process (``python -m assistant serve``) on a free loopback port; each user is
a thread with its own ``gradio_client.Client`` that asks its share of questions one after another
through the ``/ask`` API. Bounded in questions and in time; the app is stopped at the end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eval.bench.tools import (
    child_env,
    cpu_seconds,
    free_port,
    memory_mb,
    python_command,
    server_process,
    summarise,
)

REQUEST_TIMEOUT_S = 60.0


@contextmanager
def web_app(
    data_dir: Path, corpus_dir: Path, log: Path, start_timeout: float = 300
) -> Iterator[tuple[str, int]]:
    """``assistant serve`` on a free loopback port over an existing index: yields (URL, pid)."""
    port = free_port()
    env = child_env(
        ASSISTANT_DATA_DIR=data_dir,
        ASSISTANT_CORPUS_DIR=corpus_dir,
        ASSISTANT_HOST="127.0.0.1",
        ASSISTANT_PORT=str(port),
        ASSISTANT_CHROMA_URL=None,
        ASSISTANT_AUTH=None,
        ASSISTANT_AUTH_FILE=None,
        GRADIO_ANALYTICS_ENABLED="False",
    )
    command = python_command("-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port))
    with server_process(command, port, env, log, start_timeout, "the web app") as process:
        yield f"http://127.0.0.1:{port}/", process.pid


def connect(url: str) -> Any:
    """A quiet ``gradio_client`` client of the app (no analytics, nothing downloaded)."""
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def ask_once(client: Any, question: str) -> dict[str, Any]:
    """One question through the app's ``/ask`` API."""
    return dict(client.predict(question, [], api_name="/ask"))


def simulate_users(
    url: str,
    users: int,
    questions: Sequence[str],
    per_user: int,
    max_seconds: float,
    ask: Callable[[Any, str], Any] = ask_once,
    connect_client: Callable[[str], Any] = connect,
) -> dict[str, Any]:
    """``users`` threads, each asking ``per_user`` questions in turn; p50/p95 over every request.

    Each user starts at its own offset in the questions. A user stops early when ``max_seconds`` have
    passed since the start. Failed requests (an exception, an answer without text) count as errors.
    ``inside_app`` summarises the answer's own ``timings_ms.total`` (retrieve and compose, without the
    queue and HTTP), so that what the app spends and what the client waits can be told apart.
    """
    timings: list[float] = []
    inside: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=min(users, 8)) as pool:
        clients = list(pool.map(connect_client, [url] * users))
    barrier = threading.Barrier(users)
    deadline = [0.0]

    def user(number: int) -> None:
        barrier.wait()
        for turn in range(per_user):
            if time.monotonic() > deadline[0]:
                return
            question = questions[(number * per_user + turn) % len(questions)]
            started = time.perf_counter()
            try:
                answer = ask(clients[number], question)
                problem = None if answer.get("answer") else "empty answer"
            except Exception as error:  # noqa: BLE001 - every failure is counted, whatever it is
                problem = f"{type(error).__name__}: {error}"[:200]
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append(elapsed)
                if problem:
                    errors.append(problem)
                else:
                    inside.append(float(answer.get("timings_ms", {}).get("total", 0.0)))

    threads = [threading.Thread(target=user, args=(number,), daemon=True) for number in range(users)]
    started = time.perf_counter()
    deadline[0] = time.monotonic() + max_seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + REQUEST_TIMEOUT_S)
    wall = time.perf_counter() - started
    for client in clients:
        _close(client)
    return {
        "users": users,
        **summarise(timings),
        "requests": len(timings),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "inside_app": summarise(inside),
        "wall_s": wall,
        "answers_per_s": (len(timings) - len(errors)) / wall if wall else 0.0,
    }


def _close(client: Any) -> None:
    close = getattr(client, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass


def run_concurrency(
    data_dir: Path,
    corpus_dir: Path,
    questions: Sequence[str],
    user_counts: Sequence[int],
    per_user: int,
    max_seconds: float,
    log_file: Path,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Start the app once and run each number of users against it in turn."""
    try:
        import assistant.web.app  # noqa: F401 - only to tell whether the web app exists yet
    except ImportError as error:
        return {"error": f"the web app is not available: {error}"}
    runs = []
    with web_app(data_dir, corpus_dir, log_file) as (url, pid):
        warm = connect(url)
        ask_once(warm, questions[0])
        _close(warm)
        for users in user_counts:
            log(f"  {users} users")
            app_cpu, client_cpu = cpu_seconds(pid), cpu_seconds()
            run = simulate_users(url, users, questions, per_user, max_seconds)
            answers = max(run["requests"] - run["errors"], 1)
            run["app_cpu_ms_per_answer"] = (cpu_seconds(pid) - app_cpu) * 1000 / answers
            run["client_cpu_ms_per_answer"] = (cpu_seconds() - client_cpu) * 1000 / answers
            runs.append(run)
        peak = memory_mb(pid)
    return {"runs": runs, "app_peak_rss_mb": peak}
