#!/usr/bin/env python3
"""taskmaster against supervisord, side by side: the same scenarios, alternated, as medians and ratios.

Run it through `bench/run`, which builds taskmaster and installs supervisord into a throwaway
virtualenv first. Python's standard library only; Linux only (it reads /proc).

How a run goes: for each round, for each scenario, taskmaster runs it, then supervisord, then
the physical limit where there is one (A/B/L, A/B/L, ...), so that a slow patch of a shared
machine hits both rather than one. Each run gets its own temp dir, its own unix socket and its
own daemon, started in the foreground and tracked by pid. The driver makes itself a child
subreaper, so anything a daemon leaves behind is re-parented to it, and after each run it kills
(by pid or known process group) and reaps whatever is left: nothing outlives a run. Every wait
has a deadline.

Figures are taken where they are made, not where the driver happens to look: a restarted child
stamps its own start, the writer stamps its own start and end, births come from the kernel's
start times in /proc, CPU and memory from /proc/PID of the daemon alone.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

BENCH_DIR = Path(__file__).resolve().parent
WRITER = BENCH_DIR / "writer.py"

IDLE_CHILDREN = 200
BURST_CHILDREN = 500
STATUS_PROGRAMS = 200
STATUS_CALLS = 20  # per run; the run's figure is their median
KILLS = 5  # per run; the run's figure is their median
# A child killed sooner than this after its spawn is a crash loop, which taskmasterd restarts no
# sooner than a second after the previous spawn (issue 11); the kill scenario measures the
# restart of a child that ran longer, which must stay immediate.
CRASH_LOOP_WINDOW_S = 1.0
IDLE_WINDOW_S = 5.0
SETTLE_S = 1.0  # after start-up, before an idle measurement: supervisord finishes on its next tick
GIB = 1 << 30
MIB = 1 << 20
# Children sleep this long at most, so that even a driver killed with SIGKILL leaves nothing for
# long; every scenario is over well before.
CHILD_LIFETIME_S = 900
IDLE_COMMAND = f"sleep {CHILD_LIFETIME_S}"

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
LIBC = ctypes.CDLL(None, use_errno=True)


class BenchError(Exception):
    """A run that could not produce its figure (a timeout, a wrong state); the run is skipped."""


# ---------------------------------------------------------------------------------------------
# Processes, by pid


def become_subreaper() -> None:
    """Orphans of the daemons come to us instead of init, so the sweep can find and reap them."""
    if LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def die_with_driver() -> None:
    """preexec_fn for daemons: if the driver dies, the daemon gets TERM and stops its children."""
    LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def proc_stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces): field 3 (state) first."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def parent_of(pid: int) -> Optional[int]:
    try:
        return int(proc_stat_fields(pid)[1])
    except (OSError, ValueError, IndexError):
        return None


def children_of(parent: int) -> list[int]:
    pids = [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]
    return [pid for pid in pids if parent_of(pid) == parent]


def kill_group_or_pid(pid: int, sig: int) -> None:
    """A process that leads its own group takes its group with it; any other, itself alone."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def sweep_strays() -> int:
    """Kills and reaps every process re-parented to the driver. Called between runs, when the
    driver holds no live subprocess of its own, so every child of ours is a stray. Returns how
    many there were."""
    strays = children_of(os.getpid())
    for pid in strays:
        kill_group_or_pid(pid, signal.SIGKILL)
    for pid in strays:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    return len(strays)


def start_ticks(pid: int) -> int:
    """When the process was forked, in clock ticks since boot (field 22 of /proc/PID/stat)."""
    return int(proc_stat_fields(pid)[19])


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread), from /proc/PID/stat."""
    fields = proc_stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    return status_field_kib(pid, "VmRSS") / 1024


def status_field_kib(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise BenchError(f"no {name} in /proc/{pid}/status")


def context_switches(pid: int) -> int:
    """Voluntary and involuntary context switches of every thread: each is one wake-up."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        for line in Path(f"/proc/{pid}/task/{task}/status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


def timed_run(argv: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - start, done


def wait_until(what: str, timeout: float, probe: Callable[[], object], interval: float = 0.005):
    """Polls `probe` until it returns something truthy, and returns that; BenchError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Start marks: each child appends "PID EPOCH-SECONDS" to a file when it starts


def marking_command(marks: Path) -> str:
    """A child that stamps its own start, then becomes an idle sleeper with the same pid. bash's
    $EPOCHREALTIME is a builtin, so the stamp costs no extra fork. No ';', '#' or '%' in it:
    supervisord's INI would read them as comments or expansions."""
    script = f'echo "$$ $EPOCHREALTIME" >> {shlex.quote(str(marks))} && exec {IDLE_COMMAND}'
    return f"bash -c {shlex.quote(script)}"


def read_marks(marks: Path) -> list[tuple[int, float]]:
    try:
        text = marks.read_text()
    except FileNotFoundError:
        return []
    found = []
    for line in text.splitlines():
        pid, stamp = line.split()
        found.append((int(pid), float(stamp.replace(",", "."))))  # the locale's decimal point
    return found


def wait_for_marks(marks: Path, count: int, timeout: float) -> list[tuple[int, float]]:
    def enough():
        found = read_marks(marks)
        return found if len(found) >= count else None

    return wait_until(f"{count} start marks in {marks.name}", timeout, enough)


# ---------------------------------------------------------------------------------------------
# The two supervisors


@dataclass
class Program:
    """One program section, rendered the same way for both supervisors."""

    name: str
    command: str
    numprocs: int = 1
    autostart: bool = True
    autorestart: bool = False
    stdout_logfile: Optional[Path] = None  # None: AUTO, a file in childlogdir
    stdout_logfile_maxbytes: Optional[int] = None

    def settings(self) -> list[tuple[str, object]]:
        """(key, value) pairs; the key names are the same in both config languages."""
        pairs: list[tuple[str, object]] = [("command", self.command)]
        if self.numprocs > 1:
            pairs += [("numprocs", self.numprocs), ("process_name", "%(program_name)s_%(process_num)03d")]
        # startsecs = 0: RUNNING as soon as it is spawned, in both.
        pairs += [("autostart", self.autostart), ("autorestart", self.autorestart), ("startsecs", 0)]
        if self.stdout_logfile is not None:
            pairs.append(("stdout_logfile", str(self.stdout_logfile)))
        if self.stdout_logfile_maxbytes is not None:
            pairs.append(("stdout_logfile_maxbytes", self.stdout_logfile_maxbytes))
        return pairs


class Taskmaster:
    name = "taskmaster"

    def __init__(self, binary: Path):
        self.binary = binary

    def socket_path(self, workdir: Path) -> Path:
        return workdir / "taskmaster.sock"

    def write_config(self, workdir: Path, programs: list[Program], http_port: Optional[int] = None) -> Path:
        def value(v: object) -> str:
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, int):
                return str(v)
            return json.dumps(str(v))  # a JSON string is a valid TOML basic string

        lines = [
            "[unix_server]",
            f"file = {value(self.socket_path(workdir))}",
            "[taskmasterd]",
            f"logfile = {value(workdir / 'taskmasterd.log')}",
            f"pidfile = {value(workdir / 'taskmasterd.pid')}",
            f"childlogdir = {value(workdir)}",
            "minfds = 4096",
        ]
        if http_port is not None:
            lines += ["[inet_http_server]", f"port = {value(f'127.0.0.1:{http_port}')}"]
        for program in programs:
            lines.append(f"[program.{program.name}]")
            lines += [f"{key} = {value(v)}" for key, v in program.settings()]
        config = workdir / "taskmaster.toml"
        config.write_text("\n".join(lines) + "\n")
        return config

    def daemon_argv(self, config: Path) -> list[str]:
        return [str(self.binary), "daemon", "-n", "-s", "-c", str(config)]

    def ctl_argv(self, config: Path, *action: str) -> list[str]:
        return [str(self.binary), "ctl", "-c", str(config), *action]

    def version(self) -> str:
        return subprocess.run([str(self.binary), "--version"], capture_output=True, text=True).stdout.strip()


class Supervisord:
    name = "supervisord"

    def __init__(self, venv: Path):
        self.bin = venv / "bin"

    def socket_path(self, workdir: Path) -> Path:
        return workdir / "supervisor.sock"

    def write_config(self, workdir: Path, programs: list[Program], http_port: Optional[int] = None) -> Path:
        def value(v: object) -> str:
            if isinstance(v, bool):
                return "true" if v else "false"
            return str(v)

        sock = self.socket_path(workdir)
        lines = [
            "[unix_http_server]",
            f"file={sock}",
            "[supervisord]",
            f"logfile={workdir / 'supervisord.log'}",
            f"pidfile={workdir / 'supervisord.pid'}",
            f"childlogdir={workdir}",
            "nodaemon=true",
            "minfds=4096",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
            "[supervisorctl]",
            f"serverurl=unix://{sock}",
        ]
        if http_port is not None:
            lines += ["[inet_http_server]", f"port=127.0.0.1:{http_port}"]
        for program in programs:
            lines.append(f"[program:{program.name}]")
            lines += [f"{key}={value(v)}" for key, v in program.settings()]
        config = workdir / "supervisord.conf"
        config.write_text("\n".join(lines) + "\n")
        return config

    def daemon_argv(self, config: Path) -> list[str]:
        return [str(self.bin / "supervisord"), "-n", "-c", str(config)]

    def ctl_argv(self, config: Path, *action: str) -> list[str]:
        return [str(self.bin / "supervisorctl"), "-c", str(config), *action]

    def version(self) -> str:
        return subprocess.run([str(self.bin / "supervisord"), "--version"], capture_output=True, text=True).stdout.strip()


Flavor = Taskmaster | Supervisord


class Daemon:
    """One daemon in the foreground, in its own temp dir; leaving the `with` stops it and reaps
    everything it started."""

    def __init__(self, flavor: Flavor, workdir: Path, programs: list[Program], http_port: Optional[int] = None):
        self.flavor = flavor
        self.workdir = workdir
        self.config = flavor.write_config(workdir, programs, http_port)
        self.process: Optional[subprocess.Popen] = None

    def __enter__(self) -> "Daemon":
        with open(self.workdir / "daemon.out", "wb") as output:  # the child keeps its own copy
            self.process = subprocess.Popen(
                self.flavor.daemon_argv(self.config),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_driver,
            )
        try:
            self.wait_serving()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait_serving(self, timeout: float = 30) -> None:
        def connects() -> bool:
            if self.process.poll() is not None:
                log = (self.workdir / "daemon.out").read_text(errors="replace")[-2000:]
                raise BenchError(f"{self.flavor.name} exited at start-up: {log}")
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                try:
                    probe.connect(str(self.flavor.socket_path(self.workdir)))
                    return True
                except OSError:
                    return False

        wait_until(f"{self.flavor.name}'s socket", timeout, connects, interval=0.01)

    def ctl(self, *action: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.flavor.ctl_argv(self.config, *action), capture_output=True, text=True)

    def status(self) -> dict[str, tuple[str, Optional[int]]]:
        """name → (state, pid), parsed from the status table both print alike:
        `group:name   RUNNING   pid 123, uptime 0:00:01`."""
        table = {}
        for line in self.ctl("status").stdout.splitlines():
            words = line.split()
            if len(words) < 2:
                continue
            pid = int(words[3].rstrip(",")) if len(words) > 3 and words[2] == "pid" else None
            table[words[0]] = (words[1], pid)
        return table

    def wait_all_running(self, count: int, timeout: float = 60) -> dict[str, tuple[str, Optional[int]]]:
        def all_running():
            table = self.status()
            return table if sum(state == "RUNNING" for state, _ in table.values()) >= count else None

        return wait_until(f"{count} processes RUNNING under {self.flavor.name}", timeout, all_running, interval=0.1)

    def close(self) -> None:
        """TERM (the daemon stops its children), KILL if it hangs, then reap any stray."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        sweep_strays()


# ---------------------------------------------------------------------------------------------
# Scenarios: each takes a supervisor and a fresh temp dir, and returns {metric: figure}.
# A limit takes only the temp dir and returns the same metrics for the physical limit.


def idle_daemon(flavor: Flavor, workdir: Path) -> dict:
    """Memory and wake-ups of a daemon watching 200 idle children."""
    with Daemon(flavor, workdir, [Program("idle", IDLE_COMMAND, numprocs=IDLE_CHILDREN)]) as daemon:
        daemon.wait_all_running(IDLE_CHILDREN)
        time.sleep(SETTLE_S)
        rss = rss_mib(daemon.pid)
        before, start = context_switches(daemon.pid), time.monotonic()
        time.sleep(IDLE_WINDOW_S)
        after, end = context_switches(daemon.pid), time.monotonic()
    return {"rss_mib": rss, "wakeups_per_s": (after - before) / (end - start)}


def ctl_status(flavor: Flavor, workdir: Path) -> dict:
    """Wall time of the ctl client's `status` with 200 programs (client start-up included: it is
    what a user waits for)."""
    programs = [Program(f"p{i:03d}", IDLE_COMMAND) for i in range(STATUS_PROGRAMS)]
    with Daemon(flavor, workdir, programs) as daemon:
        daemon.wait_all_running(STATUS_PROGRAMS)
        samples = []
        for _ in range(STATUS_CALLS):
            elapsed, done = timed_run(flavor.ctl_argv(daemon.config, "status"))
            if len(done.stdout.splitlines()) != STATUS_PROGRAMS:
                raise BenchError(f"status printed {len(done.stdout.splitlines())} lines: {done.stderr.strip()}")
            samples.append(elapsed * 1000)
    return {"status_ms": statistics.median(samples), "samples": {"status_ms": samples}}


def ctl_status_limit(workdir: Path) -> dict:
    """The floor under any client: starting a program that does nothing (/bin/true), launched the
    same way."""
    true = shutil.which("true") or "/bin/true"
    samples = [timed_run([true])[0] * 1000 for _ in range(STATUS_CALLS)]
    return {"status_ms": statistics.median(samples), "samples": {"status_ms": samples}}


def burst_start(flavor: Flavor, workdir: Path) -> dict:
    """500 processes, startsecs = 0: from the daemon's birth to the birth of its last child, both
    read from /proc (start times in clock ticks since boot, so 10 ms resolution at the usual
    100 Hz), once status shows all 500 RUNNING. The children are plain sleeps: the lightest child
    keeps the figure about the supervisor, not about the child's own start-up."""
    with Daemon(flavor, workdir, [Program("burst", IDLE_COMMAND, numprocs=BURST_CHILDREN)]) as daemon:
        table = daemon.wait_all_running(BURST_CHILDREN, timeout=120)
        children = [pid for _, pid in table.values() if pid]
        return births_span(daemon.pid, children)


def burst_start_limit(workdir: Path) -> dict:
    """The same 500 sleeps, forked and exec'ed by a minimal shell loop."""
    loop = f'i=0; while [ "$i" -lt {BURST_CHILDREN} ]; do {IDLE_COMMAND} & i=$((i+1)); done; wait'
    shell = subprocess.Popen(["sh", "-c", loop], start_new_session=True)

    def all_forked():
        children = children_of(shell.pid)
        return children if len(children) >= BURST_CHILDREN else None

    try:
        children = wait_until(f"{BURST_CHILDREN} children of the loop", 120, all_forked, interval=0.05)
        return births_span(shell.pid, children)
    finally:
        os.killpg(shell.pid, signal.SIGKILL)  # the loop's group: the shell and all its children
        shell.wait()
        sweep_strays()


def births_span(parent: int, children: list[int]) -> dict:
    """Seconds from the parent's birth to its last child's (and, to tell start-up from spawning,
    to its first child's), checking that they are its children."""
    strangers = [pid for pid in children if parent_of(pid) != parent]
    if strangers or len(children) < BURST_CHILDREN:
        raise BenchError(f"{len(children)} children, {len(strangers)} of them not the parent's")
    births = [start_ticks(pid) for pid in children]
    born, tick = start_ticks(parent), os.sysconf("SC_CLK_TCK")
    return {"start_s": (max(births) - born) / tick, "start_first_child_s": (min(births) - born) / tick}


def kill_and_time_replacement(marks: Path, victim: int, known: int, timeout: float) -> tuple[float, int]:
    """SIGKILLs `victim` once it has run past the crash-loop window, waits for the replacement's
    own start mark, and returns (seconds from the kill to that stamp, the replacement's pid)."""
    started = read_marks(marks)[known - 1][1]
    time.sleep(max(0.0, started + CRASH_LOOP_WINDOW_S + 0.1 - time.time()))
    killed_at = time.time()
    os.kill(victim, signal.SIGKILL)
    found = wait_for_marks(marks, known + 1, timeout)
    pid, stamp = found[known]
    return stamp - killed_at, pid


def restart_after_kill(flavor: Flavor, workdir: Path) -> dict:
    """SIGKILL of a RUNNING child (autorestart = true) to its replacement's start stamp, KILLS times."""
    marks = workdir / "marks"
    program = Program("victim", marking_command(marks), autorestart=True)
    samples = []
    with Daemon(flavor, workdir, [program]) as daemon:
        victim = running_pid(daemon, "victim", marks, known=1)
        for kill in range(KILLS):
            latency, replacement = kill_and_time_replacement(marks, victim, known=kill + 1, timeout=30)
            samples.append(latency * 1000)
            victim = running_pid(daemon, "victim", marks, known=kill + 2)
            if victim != replacement:
                raise BenchError(f"status shows pid {victim}, the replacement stamped {replacement}")
    return {"restart_ms": statistics.median(samples), "samples": {"restart_ms": samples}}


def running_pid(daemon: Daemon, name: str, marks: Path, known: int) -> int:
    """The pid of `name` once its mark is there and the daemon calls it RUNNING: only a RUNNING
    process is killed, so that a kill is never a failed start (which would mean a back-off)."""
    pid = wait_for_marks(marks, known, timeout=30)[known - 1][0]

    def running() -> bool:
        return daemon.status().get(name) == ("RUNNING", pid)

    wait_until(f"{name} RUNNING with pid {pid}", 30, running, interval=0.05)
    return pid


def restart_after_kill_limit(workdir: Path) -> dict:
    """The same child restarted by a minimal shell loop that waits for it and starts it again."""
    marks = workdir / "marks"
    loop = f'i=0; while [ "$i" -le {KILLS} ]; do {marking_command(marks)}; i=$((i+1)); done'
    shell = subprocess.Popen(["sh", "-c", loop], start_new_session=True)
    samples = []
    try:
        victim = wait_for_marks(marks, 1, timeout=30)[0][0]
        for kill in range(KILLS):
            time.sleep(0.05)  # as the daemons' runs do, leave the child a moment to settle
            latency, victim = kill_and_time_replacement(marks, victim, known=kill + 1, timeout=30)
            samples.append(latency * 1000)
    finally:
        os.killpg(shell.pid, signal.SIGKILL)
        shell.wait()
        sweep_strays()
    return {"restart_ms": statistics.median(samples), "samples": {"restart_ms": samples}}


def writer_command(capture_bytes: int, stamps: Path) -> str:
    return shlex.join([sys.executable, str(WRITER), str(capture_bytes), str(stamps)])


def capture(flavor: Flavor, workdir: Path, capture_bytes: int, siblings: int, prefix: str) -> dict:
    """The writer's output captured to a log file (no rotation): the writer's own wall time, the
    daemon's CPU per GiB, and the bytes missing from the log."""
    log, stamps = workdir / "writer.log", workdir / "writer.stamps"
    writer = Program(
        "writer",
        writer_command(capture_bytes, stamps),
        autostart=False,
        stdout_logfile=log,
        stdout_logfile_maxbytes=0,
    )
    programs = [writer] + ([Program("idle", IDLE_COMMAND, numprocs=siblings)] if siblings else [])
    with Daemon(flavor, workdir, programs) as daemon:
        if siblings:
            daemon.wait_all_running(siblings)
            time.sleep(SETTLE_S)
        cpu_before = cpu_seconds(daemon.pid)
        started = daemon.ctl("start", "writer")
        if started.returncode != 0:
            raise BenchError(f"start writer: {started.stdout.strip()} {started.stderr.strip()}")
        wall = writer_wall_time(stamps, timeout=300)
        size = wait_for_log_size(log, capture_bytes, timeout=60)
        cpu = cpu_seconds(daemon.pid) - cpu_before
    return {
        f"{prefix}_s": wall,
        f"{prefix}_cpu_s": cpu * GIB / capture_bytes,
        f"{prefix}_lost_bytes": capture_bytes - size,
        f"{prefix}_mib_per_s": capture_bytes / MIB / wall,
    }


def capture_alone(flavor: Flavor, workdir: Path, capture_bytes: int) -> dict:
    return capture(flavor, workdir, capture_bytes, siblings=0, prefix="capture")


def capture_alone_limit(workdir: Path, capture_bytes: int) -> dict:
    return capture_limit(workdir, capture_bytes, prefix="capture")


def capture_beside_siblings(flavor: Flavor, workdir: Path, capture_bytes: int) -> dict:
    return capture(flavor, workdir, capture_bytes, siblings=IDLE_CHILDREN, prefix="siblings")


def capture_beside_siblings_limit(workdir: Path, capture_bytes: int) -> dict:
    return capture_limit(workdir, capture_bytes, prefix="siblings")


def capture_limit(workdir: Path, capture_bytes: int, prefix: str) -> dict:
    """The same writer piped into `cat > file`: cat's wall time is the floor, and its CPU the
    floor of any capturer's (a read and a write of every byte). Siblings change nothing for a
    plain pipe, so both capture scenarios get this floor, each measured in its own round."""
    log, stamps = workdir / "writer.log", workdir / "writer.stamps"
    cat_cpu = run_writer_into_cat(capture_bytes, stamps, log, timeout=300)
    wall = writer_wall_time(stamps, timeout=1)
    return {
        f"{prefix}_s": wall,
        f"{prefix}_cpu_s": cat_cpu * GIB / capture_bytes,
        f"{prefix}_lost_bytes": capture_bytes - log.stat().st_size,
        f"{prefix}_mib_per_s": capture_bytes / MIB / wall,
    }


def run_writer_into_cat(capture_bytes: int, stamps: Path, log: Path, timeout: float) -> float:
    """`writer | cat > log`, both spawned here (one process group) so that cat's own CPU time
    can be read from wait4. Returns cat's CPU seconds."""
    read_end, write_end = os.pipe()
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    writer_argv = [sys.executable, str(WRITER), str(capture_bytes), str(stamps)]
    cat = shutil.which("cat") or "/bin/cat"
    try:
        writer = os.posix_spawn(sys.executable, writer_argv, os.environ, setpgroup=0,
                                file_actions=[(os.POSIX_SPAWN_DUP2, write_end, 1)])
        reader = os.posix_spawn(cat, [cat], os.environ, setpgroup=writer,
                                file_actions=[(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_DUP2, log_fd, 1)])
    finally:
        for fd in (read_end, write_end, log_fd):
            os.close(fd)  # ours; the children hold their own copies, so cat sees EOF with the writer
    try:
        deadline = time.monotonic() + timeout
        while True:
            pid, _status, usage = os.wait4(reader, os.WNOHANG)
            if pid:
                return usage.ru_utime + usage.ru_stime
            if time.monotonic() > deadline:
                raise BenchError(f"writer | cat took over {timeout:.0f} s")
            time.sleep(0.01)
    finally:
        kill_group_or_pid(writer, signal.SIGKILL)  # the group of both, if anything is left
        sweep_strays()


def writer_wall_time(stamps: Path, timeout: float) -> float:
    def stamped():
        text = stamps.read_text() if stamps.exists() else ""
        return text.endswith("\n") and text

    start, end = map(float, wait_until("the writer's end stamp", timeout, stamped, interval=0.02).split())
    return end - start


def wait_for_log_size(log: Path, expected: int, timeout: float) -> int:
    """The log's size once it holds everything, or once it stopped growing for 2 s (bytes lost)."""
    deadline = time.monotonic() + timeout
    size, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_size = log.stat().st_size if log.exists() else 0
        if now_size >= expected:
            return now_size
        if now_size != size:
            size, last_change = now_size, time.monotonic()
        elif time.monotonic() - last_change > 2:
            break
        time.sleep(0.02)
    return max(size, 0)


def stop_all(flavor: Flavor, workdir: Path) -> dict:
    """Wall time of `ctl stop all` with 200 running children that exit on TERM; afterwards none of
    their pids may be left."""
    with Daemon(flavor, workdir, [Program("idle", IDLE_COMMAND, numprocs=IDLE_CHILDREN)]) as daemon:
        table = daemon.wait_all_running(IDLE_CHILDREN)
        time.sleep(SETTLE_S)
        pids = [pid for _, pid in table.values() if pid]
        elapsed, done = timed_run(flavor.ctl_argv(daemon.config, "stop", "all"))
        if done.returncode != 0:
            raise BenchError(f"stop all: exit {done.returncode}: {done.stderr.strip()}")
        alive = [pid for pid in pids if parent_of(pid) == daemon.pid]
        if alive:
            raise BenchError(f"{len(alive)} children still alive after stop all")
    return {"stop_all_s": elapsed}


def stop_all_limit(workdir: Path) -> dict:
    """The floor: TERM to 200 sleeping children of our own, and reaping them, from a plain loop."""
    sleep = shutil.which("sleep") or "/bin/sleep"
    argv = [sleep, str(CHILD_LIFETIME_S)]
    first = os.posix_spawn(sleep, argv, os.environ, setpgroup=0)
    pids = [first] + [os.posix_spawn(sleep, argv, os.environ, setpgroup=first) for _ in range(IDLE_CHILDREN - 1)]
    try:
        time.sleep(SETTLE_S)
        start = time.perf_counter()
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        for pid in pids:
            os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        sweep_strays()  # only if something above failed: the reaped are gone already
    return {"stop_all_s": elapsed}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def xmlrpc_all_info(flavor: Flavor, workdir: Path) -> dict:
    """`supervisor.getAllProcessInfo` for 200 processes over TCP with Python's xmlrpc.client, as
    a dashboard polls it: the round trip, and the daemon's share of it, which is the round trip
    minus the client's own parsing of the same answer (no server can make the client parse
    faster). Each call is paired with a parse of the answer's bytes timed right after it, so a
    busy patch of a shared machine weighs on both; the share is the median of the pairs'
    differences. The daemon's CPU time per call (from /proc) is reported beside it."""
    import http.client
    import xmlrpc.client

    port = free_port()
    programs = [Program(f"p{i:03d}", IDLE_COMMAND) for i in range(STATUS_PROGRAMS)]
    with Daemon(flavor, workdir, programs, http_port=port) as daemon:
        daemon.wait_all_running(STATUS_PROGRAMS)
        proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/RPC2")
        if len(proxy.supervisor.getAllProcessInfo()) != STATUS_PROGRAMS:  # also warms up both sides
            raise BenchError("getAllProcessInfo did not list every process")
        body = xmlrpc.client.dumps((), "supervisor.getAllProcessInfo").encode()
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("POST", "/RPC2", body, {"Content-Type": "text/xml"})
        answer = connection.getresponse().read()
        connection.close()
        round_trips, parses = [], []
        cpu_before = cpu_seconds(daemon.pid)
        for _ in range(STATUS_CALLS):
            start = time.perf_counter()
            proxy.supervisor.getAllProcessInfo()
            round_trips.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            xmlrpc.client.loads(answer)
            parses.append((time.perf_counter() - start) * 1000)
        cpu_ms = (cpu_seconds(daemon.pid) - cpu_before) * 1000 / STATUS_CALLS
    shares = [trip - parse for trip, parse in zip(round_trips, parses)]
    return {
        "xmlrpc_ms": statistics.median(round_trips),
        "xmlrpc_parse_ms": statistics.median(parses),
        "xmlrpc_daemon_ms": max(statistics.median(shares), 0.0),
        "xmlrpc_daemon_cpu_ms": cpu_ms,
        "xmlrpc_answer_kib": len(answer) / 1024,
        "samples": {"xmlrpc_ms": round_trips, "xmlrpc_parse_ms": parses},
    }


@dataclass
class Scenario:
    key: str
    run: Callable[..., dict]
    limit: Optional[Callable[..., dict]] = None
    needs_size: bool = False  # takes the capture size as a third argument


SCENARIOS = [
    Scenario("idle", idle_daemon),
    Scenario("status", ctl_status, ctl_status_limit),
    Scenario("start", burst_start, burst_start_limit),
    Scenario("restart", restart_after_kill, restart_after_kill_limit),
    Scenario("capture", capture_alone, capture_alone_limit, needs_size=True),
    Scenario("siblings", capture_beside_siblings, capture_beside_siblings_limit, needs_size=True),
    Scenario("stop", stop_all, stop_all_limit),
    Scenario("xmlrpc", xmlrpc_all_info),
]


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class Metric:
    key: str
    title: str
    unit: str
    goal: str
    # (taskmaster median, limit median, all medians by system then metric) → met?
    met: Callable[[float, Optional[float], dict], bool]
    decimals: int = 1


def under(bound: float) -> Callable[[float, Optional[float], dict], bool]:
    return lambda tm, _limit, _all: tm <= bound


METRICS = [
    Metric("rss_mib", "daemon RSS, 200 idle children", "MiB", "≤ 3 MiB", under(3), 1),
    Metric("wakeups_per_s", "wake-ups per second, idle, 200 children", "/s", "0", under(0), 1),
    Metric("status_ms", "`ctl status` wall time, 200 programs", "ms", "≤ 3 ms", under(3), 1),
    Metric("start_s", "500 processes from daemon start to all RUNNING", "s", "≤ 0.3 s", under(0.3), 3),
    Metric("restart_ms", "SIGKILL of a RUNNING child to its replacement", "ms", "≤ 5 ms", under(5), 1),
    Metric("capture_s", "1 GiB to stdout, captured: wall time", "s", "≤ 1.05× limit",
           lambda tm, limit, _all: limit is not None and tm <= 1.05 * limit, 3),
    Metric("capture_lost_bytes", "bytes lost of 1 GiB", "B", "0", under(0), 0),
    Metric("capture_cpu_s", "daemon CPU per GiB captured", "s", "≤ 0.3 s", under(0.3), 3),
    Metric("siblings_s", "the same beside 200 idle siblings: wall time", "s", "≤ 1.05× alone",
           lambda tm, _limit, medians: tm <= 1.05 * medians["taskmaster"].get("capture_s", float("inf")), 3),
    Metric("siblings_lost_bytes", "bytes lost of 1 GiB, beside siblings", "B", "0", under(0), 0),
    Metric("siblings_cpu_s", "daemon CPU per GiB, beside siblings", "s", "≤ 0.3 s", under(0.3), 3),
    Metric("stop_all_s", "`ctl stop all`, 200 children that exit on TERM", "s", "≤ 0.1 s", under(0.1), 3),
    Metric("xmlrpc_ms", "XML-RPC getAllProcessInfo, 200 processes: round trip", "ms", "—",
           lambda tm, _limit, _all: True, 1),
    Metric("xmlrpc_parse_ms", "the same: the client parsing the answer", "ms", "—",
           lambda tm, _limit, _all: True, 1),
    Metric("xmlrpc_daemon_ms", "the same: the daemon's share (round trip − client parse)", "ms",
           "≤ supervisord ÷ 20",
           lambda tm, _limit, medians: tm * 20 <= medians.get("supervisord", {}).get("xmlrpc_daemon_ms", 0), 2),
    Metric("xmlrpc_daemon_cpu_ms", "the same: the daemon's CPU time per call", "ms", "≤ supervisord ÷ 20",
           lambda tm, _limit, medians: tm * 20 <= medians.get("supervisord", {}).get("xmlrpc_daemon_cpu_ms", 0), 2),
]

SYSTEMS = ["taskmaster", "supervisord", "limit"]


def medians_of(figures: dict) -> dict:
    """{system: {metric: median over rounds}} from {system: {metric: [one figure per round]}}."""
    return {
        system: {metric: statistics.median(values) for metric, values in by_metric.items() if values}
        for system, by_metric in figures.items()
    }


def fmt(value: Optional[float], decimals: int, unit: str) -> str:
    return "—" if value is None else f"{value:,.{decimals}f} {unit}"


def ratio(numerator: Optional[float], denominator: Optional[float]) -> str:
    if numerator is None or denominator is None:
        return "—"
    if denominator == 0:
        return "—" if numerator == 0 else "∞"
    return f"{numerator / denominator:.2f}×"


def table(medians: dict) -> str:
    header = ["scenario", "taskmaster", "supervisord", "supervisord ÷ taskmaster", "limit", "taskmaster ÷ limit", "goal", "met"]
    rows = [header]
    for m in METRICS:
        tm, sv, limit = (medians.get(s, {}).get(m.key) for s in SYSTEMS)
        if tm is None and sv is None and limit is None:
            continue  # a scenario left out with --only
        met = "—" if tm is None else ("yes" if m.met(tm, limit, medians) else "NO")
        rows.append([
            m.title,
            fmt(tm, m.decimals, m.unit),
            fmt(sv, m.decimals, m.unit),
            ratio(sv, tm),
            fmt(limit, m.decimals, m.unit),
            ratio(tm, limit),
            m.goal,
            met,
        ])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The run


def machine_facts() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kib = status_like_field(Path("/proc/meminfo"), "MemTotal")
    return {
        "uname": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kib / MIB, 1),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def status_like_field(path: Path, name: str) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def source_revision() -> str:
    done = subprocess.run(["git", "-C", str(BENCH_DIR), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def run_once(scenario: Scenario, system: str, flavor: Optional[Flavor], args) -> Optional[dict]:
    """One run of one scenario on one system (None: the limit), in its own temp dir."""
    workdir = Path(tempfile.mkdtemp(prefix=f"tm-bench-{scenario.key}-{system}-", dir=args.tmp_root))
    extra = [args.capture_bytes] if scenario.needs_size else []
    try:
        if flavor is None:
            return scenario.limit(workdir, *extra)
        return scenario.run(flavor, workdir, *extra)
    except BenchError as e:
        print(f"    {system}: FAILED: {e}", file=sys.stderr)
        return None
    finally:
        sweep_strays()
        if args.keep_temp:
            print(f"    kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_rounds(args, flavors: dict[str, Flavor]) -> tuple[dict, list]:
    """figures: {system: {metric: [figure per round]}}; runs: every run's raw result."""
    figures: dict = {system: {} for system in SYSTEMS}
    runs = []
    scenarios = [s for s in SCENARIOS if not args.only or s.key in args.only]
    for round_number in range(1, args.rounds + 1):
        for scenario in scenarios:
            print(f"[round {round_number}/{args.rounds}] {scenario.key}", file=sys.stderr)
            for system in SYSTEMS:
                if system == "limit" and scenario.limit is None:
                    continue
                result = run_once(scenario, system, flavors.get(system), args)
                load = Path("/proc/loadavg").read_text().split()[0]  # how busy the shared machine was
                runs.append({"round": round_number, "scenario": scenario.key, "system": system,
                             "loadavg_1min_after": float(load), "result": result})
                if result is None:
                    continue
                shown = {k: round(v, 4) for k, v in result.items() if isinstance(v, (int, float))}
                print(f"    {system}: {shown}", file=sys.stderr)
                for metric, value in result.items():
                    if isinstance(value, (int, float)):
                        figures[system].setdefault(metric, []).append(value)
    return figures, runs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--taskmaster", type=Path, required=True,
                        help="the taskmaster binary (bench/run passes its release build)")
    parser.add_argument("--supervisor-venv", type=Path, required=True,
                        help="a virtualenv with supervisor installed (bench/run passes bench/.venv)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of A/B runs (default 3)")
    parser.add_argument("--json", type=Path, default=BENCH_DIR / "results.json", help="where to write the raw figures")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None,
                        help="comma-separated scenarios: " + ",".join(s.key for s in SCENARIOS))
    parser.add_argument("--capture-mib", type=int, default=1024, help="size of the captured output (default 1024)")
    parser.add_argument("--tmp-root", default="/dev/shm" if os.access("/dev/shm", os.W_OK) else None,
                        help="where the per-run temp dirs go (default /dev/shm: a tmpfs, so the disk is no factor)")
    parser.add_argument("--keep-temp", action="store_true", help="keep each run's temp dir (for debugging)")
    args = parser.parse_args()
    args.capture_bytes = args.capture_mib * MIB
    unknown = set(args.only or []) - {s.key for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    args = parse_args()
    become_subreaper()
    flavors: dict[str, Flavor] = {
        "taskmaster": Taskmaster(args.taskmaster.resolve()),
        "supervisord": Supervisord(args.supervisor_venv.resolve()),
    }
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "versions": {
            "taskmaster": flavors["taskmaster"].version(),
            "taskmaster_source": source_revision(),
            "supervisord": flavors["supervisord"].version(),
            "python": platform.python_version(),
        },
        "rounds": args.rounds,
        "capture_bytes": args.capture_bytes,
    }
    started = time.monotonic()
    figures, runs = run_rounds(args, flavors)
    meta["duration_s"] = round(time.monotonic() - started, 1)
    meta["machine"]["loadavg_at_end"] = Path("/proc/loadavg").read_text().split()[:3]
    medians = medians_of(figures)
    print(table(medians))
    print(f"\nmedians of {args.rounds} rounds; {meta['duration_s']} s; raw figures in {args.json}")
    args.json.write_text(json.dumps({"meta": meta, "medians": medians, "figures": figures, "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
