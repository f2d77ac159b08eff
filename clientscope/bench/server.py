"""The server under test: `python -m clientscope.cli serve` in a fresh process, its start-up and its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

READY_TIMEOUT_S = 600.0  # the L scale validates 240M rows on start-up
POLL_S = 0.02


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(cache_dir: Path) -> dict[str, str]:
    """The environment of every process the benchmark starts: its private cache folder (marts)."""
    env = dict(os.environ)
    env["CLIENTSCOPE_CACHE"] = str(cache_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class RssMonitor:
    """Samples a process's resident memory every `interval_s` and keeps the peak."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-monitor", daemon=True)

    def start(self) -> RssMonitor:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def sample(self) -> None:
        try:
            self.peak_bytes = max(self.peak_bytes, self.process.memory_info().rss)
        except psutil.Error:
            self._stop.set()

    def high_water_mark(self) -> int:
        """The kernel's own peak (VmHWM) when readable: it also catches spikes between two samples."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        return 0

    def stop(self) -> int:
        self.sample()
        peak = max(self.peak_bytes, self.high_water_mark())
        self._stop.set()
        self._thread.join(timeout=2)
        return peak


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    started: float  # perf_counter just before the process was started
    command: tuple[str, ...]
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_server(data_dir: Path, env: dict[str, str], log_path: Path) -> Server:
    port = free_port()
    command = (sys.executable, "-m", "clientscope.cli", "serve", "--data", str(data_dir), "--port", str(port))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()  # the child holds its own descriptor
    return Server(process, f"http://127.0.0.1:{port}", started, command, log_path)


class ServerFailed(RuntimeError):
    pass


def wait_until_up(server: Server, timeout_s: float = READY_TIMEOUT_S) -> float:
    """Poll `GET /` until it answers 200; the seconds since the process started."""
    deadline = server.started + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            tail = server.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise ServerFailed(f"the server exited with code {server.process.returncode}:\n{tail}")
        try:
            if requests.get(server.url + "/", timeout=5).status_code == 200:
                return time.perf_counter() - server.started
        except requests.ConnectionError:
            pass
        except requests.Timeout:
            pass
        time.sleep(POLL_S)
    raise ServerFailed(f"the server did not answer GET / within {timeout_s:.0f} s (log: {server.log_path})")
