#!/usr/bin/env python3
"""Soak test: one taskmaster daemon under 100 concurrent clients and a set of flapping programs.

    bench/soak.py [--minutes 10] [--clients 100] [--real-ctl 5] [--taskmaster PATH] [--keep-temp]

Not part of CI (it runs for minutes). Python's standard library only; Linux only (/proc).

What runs: a daemon in the foreground on its own temp dir (on /dev/shm when there is one) with
programs that flap in every way the daemon has to handle: a crash loop (/bin/true, startsecs = 0,
autorestart = true), programs that exit after 0.2 s and 1.5 s, chatty ones that print 200 lines
and restart, ones that never get past BACKOFF to FATAL, and steady sleepers. Meanwhile
`--clients` threads each send requests in a loop, one connection per request: most speak the
control socket's JSON-lines protocol directly (what `taskmaster ctl` sends, without a fork per
request, so that 100 of them fit on a small machine), and `--real-ctl` of them run the real
`taskmaster ctl` binary. The mix: status, pid, avail, tail, maintail, start/stop/restart of the
flapping programs, signal CONT, and starting the FATAL ones again.

What it prints: the daemon's RSS and open descriptors at the start (after a warm-up) and at the
end, and their samples every 10 s; ctl latency p50/p99/max over every request; request and error
counts; the zombie children of the daemon (at the end, the most in one sample, and any seen in two
samples in a row, which would mean one left unreaped for 10 s); the daemon's CPU time and
the size of its log. After SIGTERM it checks that no child outlived the daemon.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_EVERY_S = 10.0
WARM_UP_S = 5.0
REQUEST_TIMEOUT_S = 10.0

CONFIG = """
[unix_server]
file = "%(here)s/tm.sock"

[taskmasterd]
logfile = "%(here)s/taskmasterd.log"
pidfile = "%(here)s/taskmasterd.pid"
childlogdir = "%(here)s"
loglevel = "info"

# A crash loop: restarted about once a second, not a fork bomb.
[program.crash]
command = "/bin/true"
startsecs = 0
autorestart = true

[program.short]
command = "sh -c 'sleep 0.2; exit 1'"
numprocs = 5
startsecs = 0
autorestart = true

[program.long]
command = "sh -c 'sleep 1.5; exit 3'"
numprocs = 5
startsecs = 1
autorestart = "unexpected"

[program.chatty]
command = "sh -c 'i=0; while [ $i -lt 200 ]; do echo chatty line $i; i=$((i+1)); done; sleep 0.5'"
numprocs = 3
startsecs = 0
autorestart = true
stdout_logfile_maxbytes = "64KB"
stdout_logfile_backups = 2

[program.doomed]
command = "sh -c 'exit 7'"
numprocs = 2
startsecs = 1
startretries = 2

[program.steady]
command = "sleep 3600"
numprocs = 10
startsecs = 0
"""

FLAPPING = ["short:*", "long:*", "chatty:*", "crash", "steady:*"]


def request(sock_path: str, message: dict) -> bytes:
    """One request on its own connection; returns the first reply line (or the whole stream)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(REQUEST_TIMEOUT_S)
        s.connect(sock_path)
        s.sendall((json.dumps({"version": 1, **message}) + "\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            # A stream (tail) ends when the daemon closes it; anything else is one line, as is
            # an error answering a stream request.
            streaming = message["type"] in ("tail", "maintail") and data.startswith(b'{"type":"stream"')
            if not streaming and b"\n" in data:
                break
        if not data:
            raise RuntimeError("connection closed with no reply")
        return data


def random_request(rng: random.Random) -> dict:
    roll = rng.random()
    names = [rng.choice(FLAPPING)]
    if roll < 0.45:
        return {"type": "status", "names": []}
    if roll < 0.55:
        return {"type": "pid", "names": names}
    if roll < 0.60:
        return {"type": "avail"}
    if roll < 0.68:
        return {"type": "tail", "name": "chatty:chatty_0", "channel": "stdout", "bytes": 4096, "follow": False}
    if roll < 0.72:
        return {"type": "maintail", "bytes": 4096, "follow": False}
    if roll < 0.80:
        return {"type": "restart", "names": names, "wait": False}
    if roll < 0.86:
        return {"type": "stop", "names": names, "wait": False}
    if roll < 0.94:
        return {"type": "start", "names": names, "wait": False}
    if roll < 0.97:
        return {"type": "signal", "signal": "CONT", "names": ["steady:*"]}
    return {"type": "start", "names": ["doomed:*"], "wait": False}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def record(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1


def socket_client(sock_path: str, until: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        message = random_request(rng)
        start = time.monotonic()
        try:
            reply = request(sock_path, message)
            stats.record(time.monotonic() - start)
            if b'"type":"error"' in reply.split(b"\n", 1)[0]:
                stats.error(f"{message['type']}: {reply[:120]!r}")
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            stats.error(f"{message['type']}: {type(e).__name__}: {e}")


def ctl_client(taskmaster: str, config: str, until: float, stats: Stats) -> None:
    while time.monotonic() < until:
        start = time.monotonic()
        try:
            out = subprocess.run(
                [taskmaster, "ctl", "-c", config, "status"],
                capture_output=True,
                timeout=REQUEST_TIMEOUT_S,
                env={**os.environ, "NO_COLOR": "1"},
            )
            stats.record(time.monotonic() - start)
            # 0, or 3 when some process is not running (supervisorctl's convention).
            if out.returncode not in (0, 3):
                stats.error(f"ctl status: exit {out.returncode}: {out.stderr[:120]!r}")
        except Exception as e:  # noqa: BLE001
            stats.error(f"ctl status: {type(e).__name__}: {e}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, state) of each child of `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((int(entry), fields[0]))
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs (default 10)")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (default 100)")
    parser.add_argument("--real-ctl", type=int, default=5, help="how many of them run the real ctl binary")
    parser.add_argument("--taskmaster", help="the binary (default: target/release, else target/debug)")
    parser.add_argument("--keep-temp", action="store_true", help="keep the temp dir (config, logs)")
    args = parser.parse_args()

    taskmaster = args.taskmaster
    if not taskmaster:
        for profile in ("release", "debug"):
            candidate = REPO / "target" / profile / "taskmaster"
            if candidate.exists():
                taskmaster = str(candidate)
                break
    if not taskmaster:
        sys.exit("soak: no taskmaster binary; cargo build first or pass --taskmaster")

    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    temp = Path(tempfile.mkdtemp(prefix="tm-soak-", dir=base))
    config = temp / "taskmaster.toml"
    config.write_text(CONFIG)
    sock_path = str(temp / "tm.sock")
    print(f"soak: {taskmaster}, {args.clients} clients ({args.real_ctl} real ctl), {args.minutes} min, in {temp}")

    daemon = subprocess.Popen(
        [taskmaster, "daemon", "-n", "-s", "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not os.path.exists(sock_path):
            if daemon.poll() is not None or time.monotonic() > deadline:
                sys.exit("soak: the daemon did not start")
            time.sleep(0.05)
        time.sleep(WARM_UP_S)
        start_rss, start_fds, start_cpu = rss_kib(daemon.pid), fd_count(daemon.pid), cpu_seconds(daemon.pid)
        print(f"start: RSS {start_rss} KiB, {start_fds} fds, {len(children(daemon.pid))} children")

        stats = Stats()
        until = time.monotonic() + args.minutes * 60
        threads = []
        for i in range(args.clients):
            if i < args.real_ctl:
                target, targs = ctl_client, (taskmaster, str(config), until, stats)
            else:
                target, targs = socket_client, (sock_path, until, stats, i)
            threads.append(threading.Thread(target=target, args=targs, daemon=True))
        for t in threads:
            t.start()

        samples = []
        max_zombies = 0
        # A zombie seen in two samples in a row (10 s apart) was not reaped for 10 s: stuck.
        previous_zombies: set[int] = set()
        stuck_zombies: set[int] = set()
        load_start = time.monotonic()
        while time.monotonic() < until:
            time.sleep(min(SAMPLE_EVERY_S, max(0.0, until - time.monotonic())))
            kids = children(daemon.pid)
            zombie_pids = {pid for pid, state in kids if state == "Z"}
            zombies = len(zombie_pids)
            stuck_zombies |= zombie_pids & previous_zombies
            previous_zombies = zombie_pids
            max_zombies = max(max_zombies, zombies)
            sample = (rss_kib(daemon.pid), fd_count(daemon.pid), len(kids), zombies)
            samples.append(sample)
            with stats.lock:
                done = len(stats.latencies)
            print(f"  {time.monotonic() - load_start:5.0f} s: RSS {sample[0]} KiB, {sample[1]} fds, "
                  f"{sample[2]} children, {zombies} zombies, {done} requests")
        for t in threads:
            t.join(REQUEST_TIMEOUT_S + 5)

        time.sleep(2)  # let the last restarts of the flapping programs settle before the end figures
        end_rss, end_fds, end_cpu = rss_kib(daemon.pid), fd_count(daemon.pid), cpu_seconds(daemon.pid)
        end_zombies = sum(1 for _, state in children(daemon.pid) if state == "Z")
        log_size = (temp / "taskmasterd.log").stat().st_size
        lat = stats.latencies
        print()
        print(f"daemon RSS:      {start_rss} KiB at start, {end_rss} KiB at the end "
              f"(samples: min {min(s[0] for s in samples)}, max {max(s[0] for s in samples)})")
        print(f"daemon fds:      {start_fds} at start, {end_fds} at the end "
              f"(samples: min {min(s[1] for s in samples)}, max {max(s[1] for s in samples)})")
        print(f"requests:        {len(lat)} in {args.minutes * 60:.0f} s ({len(lat) / (args.minutes * 60):.0f}/s), "
              f"{sum(stats.errors.values())} errors")
        if lat:
            print(f"latency:         p50 {statistics.median(lat) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms, "
                  f"max {max(lat) * 1000:.1f} ms")
        print(f"zombies:         {end_zombies} at the end, {max_zombies} at most in the samples, "
              f"{len(stuck_zombies)} seen in two samples in a row (unreaped for 10 s)")
        print(f"daemon CPU:      {end_cpu - start_cpu:.1f} s over the run")
        print(f"daemon log:      {log_size / 1024:.0f} KiB")
        for what, n in sorted(stats.errors.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  error x{n}: {what}")

        last_children = [pid for pid, _ in children(daemon.pid)]
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(60)
        survivors = [pid for pid in last_children if os.path.exists(f"/proc/{pid}")]
        print(f"shutdown:        exit {code}, {len(survivors)} children left behind")
        return 0 if code == 0 and not survivors else 1
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        if args.keep_temp:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
