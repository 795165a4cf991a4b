#!/usr/bin/env python3
"""The cost of health checks: N programs, each with an HTTP check every second against one local
HTTP server, and what the daemon spends on them.

    bench/healthchecks [--programs 200] [--seconds 120] [--json PATH]

(`bench/healthchecks` builds the release binary and runs this file with --taskmaster.)

Measured over the window, once every program is RUNNING and healthy:
- daemon CPU (utime + stime from /proc) per second and per check;
- wake-ups (voluntary + involuntary context switches of every daemon thread) per check;
- the daemon's RSS at the start of the window, every 10 s, and at its end;
- checks: the requests the server answered in the window.
Then the same programs without checks, for 5 s: wake-ups must be 0 (nothing ticks).
Linux only (reads /proc).
"""

import argparse
import http.server
import json
import os
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def context_switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def add(self):
        with self.lock:
            self.count += 1

    def read(self) -> int:
        with self.lock:
            return self.count


def serve(counter: Counter) -> tuple[http.server.HTTPServer, int]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):
            counter.add()
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def write_config(workdir: Path, programs: int, port: int, checks: bool) -> Path:
    lines = [
        "[unix_server]",
        f'file = "{workdir}/tm.sock"',
        "[taskmasterd]",
        f'logfile = "{workdir}/taskmasterd.log"',
        f'pidfile = "{workdir}/taskmasterd.pid"',
        f'childlogdir = "{workdir}"',
        "",
    ]
    for i in range(programs):
        lines += [f"[program.p{i}]", 'command = "sleep 100000"', "startsecs = 0", 'stdout_logfile = "NONE"',
                  'stderr_logfile = "NONE"']
        if checks:
            lines += [f"[program.p{i}.healthcheck]", 'type = "http"', f'url = "http://127.0.0.1:{port}/health"',
                      "interval = 1", "timeout = 2"]
        lines.append("")
    config = workdir / "taskmaster.toml"
    config.write_text("\n".join(lines))
    return config


def status(taskmaster: str, config: Path) -> list:
    out = subprocess.run([taskmaster, "ctl", "-c", str(config), "status", "--json"], capture_output=True)
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        return []


def wait_until(what: str, timeout: float, probe) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.2)


def run(taskmaster: str, programs: int, seconds: float, checks: bool, counter: Counter, port: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="tm-health-bench", dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as d:
        workdir = Path(d)
        config = write_config(workdir, programs, port, checks)
        daemon = subprocess.Popen([taskmaster, "daemon", "-n", "-s", "-c", str(config)])
        try:
            def settled():
                s = status(taskmaster, config)
                if len(s) != programs or any(p["state"] != "RUNNING" for p in s):
                    return False
                return not checks or all(p.get("health") == "healthy" for p in s)

            wait_until("every program RUNNING (and healthy)", 120, settled)
            time.sleep(2)
            pid = daemon.pid
            rss = [rss_kib(pid)]
            cpu0, cs0, n0, t0 = cpu_seconds(pid), context_switches(pid), counter.read(), time.monotonic()
            next_sample = t0 + 10
            while time.monotonic() - t0 < seconds:
                time.sleep(min(1.0, max(0.0, seconds - (time.monotonic() - t0))))
                if time.monotonic() >= next_sample:
                    rss.append(rss_kib(pid))
                    next_sample += 10
            cpu1, cs1, n1, t1 = cpu_seconds(pid), context_switches(pid), counter.read(), time.monotonic()
            rss.append(rss_kib(pid))
            elapsed = t1 - t0
            served = n1 - n0
            result = {
                "programs": programs,
                "checks_configured": checks,
                "seconds": round(elapsed, 1),
                "checks": served,
                "checks_per_second": round(served / elapsed, 1),
                "cpu_seconds": round(cpu1 - cpu0, 3),
                "cpu_ms_per_second": round((cpu1 - cpu0) * 1000 / elapsed, 2),
                "wakeups": cs1 - cs0,
                "wakeups_per_second": round((cs1 - cs0) / elapsed, 1),
                "rss_kib_samples": rss,
            }
            if served:
                result["cpu_us_per_check"] = round((cpu1 - cpu0) * 1e6 / served, 1)
                result["wakeups_per_check"] = round((cs1 - cs0) / served, 2)
            return result
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(60)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--taskmaster", required=True)
    parser.add_argument("--programs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--json")
    args = parser.parse_args()
    counter = Counter()
    server, port = serve(counter)
    checked = run(args.taskmaster, args.programs, args.seconds, True, counter, port)
    idle = run(args.taskmaster, args.programs, 5, False, counter, port)
    server.shutdown()
    results = {"with_http_checks": checked, "without_checks": idle, "loadavg": os.getloadavg()}
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
