#!/usr/bin/env python3
"""The XML-RPC reference probe: every method of supervisord's API, faults included, on a known
config (xmlrpc_probe.conf beside this file), printed as a normalised JSON transcript.

Run with the reference virtualenv's python (it needs the `supervisor` package for its unix
socket transport). Two modes:

  xmlrpc_probe.py --launch SUPERVISORD [--out FILE]
      copy the config into a fresh directory, start SUPERVISORD (supervisord, or later
      taskmasterd in its supervisord-compatible mode) on a free loopback port, probe it over
      TCP, shut it down, and print the transcript.

  xmlrpc_probe.py --url http://127.0.0.1:PORT|unix:///path --dir DIR [--out FILE]
      probe a daemon already running on DIR/xmlrpc_probe.conf (the probe then leaves it
      running; its last steps still call shutdown).

  xmlrpc_probe.py --compare REFERENCE.json OTHER.json
      compare two transcripts step by step as each reference step's "compare" says; print
      the differences and exit 1 if there are any.

The transcript is a JSON object {"server": ..., "steps": [...]}; each step has the call, its
arguments, and exactly one of "result", "fault" ({code, string}), "error" (what the client
raised: a protocol error or unparseable XML) or "http" (raw HTTP checks), plus "compare":
"exact" (the differential test compares it as is), "type" (only the JSON type: versions,
help texts, log contents with timestamps), "fault" (any fault: the code depends on timing) or
"diverges" (taskmasterd answers differently on purpose; "note" says how). Pids, times, uptimes, dates and the run's temp
directory are normalised so that two runs of the same daemon give the same transcript.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "xmlrpc_probe.conf")
USER, PASSWORD = "probe", "secret"
DEADLINE = 20.0
STATUS_KEYS = {"name", "group", "status", "description"}


def wait_until(what, condition):
    """Poll condition until it holds, for at most DEADLINE seconds."""
    end = time.monotonic() + DEADLINE
    pause = 0.01
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise SystemExit("probe: timed out waiting for %s" % what)
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


class Normaliser:
    def __init__(self, directory):
        self.directory = os.path.realpath(directory)
        self.raw_directory = directory

    def text(self, s):
        s = s.replace(self.directory, "$DIR").replace(self.raw_directory, "$DIR")
        s = re.sub(r"pid \d+, uptime (\d+ days?, )?\d+:\d\d:\d\d", "pid <pid>, uptime <uptime>", s)
        s = re.sub(r"^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$", "<date>", s)
        return s

    def value(self, v, key=None):
        if isinstance(v, bool):
            return v
        if isinstance(v, int):
            if key == "pid" and v != 0:
                return "<pid>"
            if key in ("start", "stop", "now") and v != 0:
                return "<time>"
            return v
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            items = [self.value(x) for x in v]
            # The status arrays of group and all-process calls list each process when its
            # action completes: the order depends on which process stops first.
            if items and all(isinstance(x, dict) and set(x) == STATUS_KEYS for x in items):
                items.sort(key=lambda x: (x["group"], x["name"]))
            return items
        if isinstance(v, dict):
            return {k: self.value(x, k) for k, x in v.items()}
        if isinstance(v, float):
            return v
        return repr(v)


class Probe:
    def __init__(self, url, directory):
        self.url = url
        self.directory = directory
        self.norm = Normaliser(directory)
        self.steps = []
        self.proxy = self.make_proxy(USER, PASSWORD)

    def make_proxy(self, user, password):
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(user, password, self.url)
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    def raw_call(self, method, *args):
        return getattr(self.proxy, method)(*args)

    def call(self, method, *args, compare="exact", proxy=None, note=None):
        step = {"call": method, "args": self.norm.value(list(args)), "compare": compare}
        if note:
            step["note"] = note
        try:
            result = getattr(proxy or self.proxy, method)(*args)
            step["result"] = self.norm.value(result)
        except xmlrpc.client.Fault as fault:
            step["fault"] = {"code": fault.faultCode, "string": self.norm.text(fault.faultString)}
        except xmlrpc.client.ProtocolError as err:
            step["error"] = "ProtocolError %d" % err.errcode
        except Exception as err:  # an answer the client cannot read
            step["error"] = type(err).__name__
        self.steps.append(step)
        return step

    def state(self, name):
        return self.raw_call("supervisor.getProcessInfo", name)["statename"]

    def wait_state(self, name, *states):
        wait_until("%s in %s" % (name, states), lambda: self.state(name) in states)

    # Raw HTTP, for what xmlrpc.client cannot show: status codes and headers.
    def connect(self):
        if self.url.startswith("unix://"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.url[len("unix://"):])
        else:
            host, port = self.url[len("http://"):].rstrip("/").split(":")
            s = socket.create_connection((host, int(port)))
        s.settimeout(DEADLINE)
        return s

    def http(self, what, request, stream=False):
        """Send a raw request; record the status line and the headers that matter."""
        s = self.connect()
        try:
            s.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            step = {
                "http": what,
                "compare": "exact",
                "status": int(status[1]) if len(status) > 1 else None,
                "headers": {
                    k: headers[k]
                    for k in ("content-type", "transfer-encoding", "www-authenticate", "x-accel-buffering")
                    if k in headers
                },
            }
            if stream:
                # The first chunk of a followed log: its size line, then the log's tail.
                while b"\r\n" not in body:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                size, _, rest = body.partition(b"\r\n")
                size = int(size, 16) if size else 0
                while len(rest) < size:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
                step["first_chunk"] = self.norm.text(rest[:size].decode("utf-8", "replace"))
            self.steps.append(step)
        finally:
            s.close()

    def post(self, body, auth=True, path="/RPC2"):
        headers = "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n" % path
        if auth:
            token = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
            headers += "Authorization: Basic %s\r\n" % token
        headers += "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        return headers.encode() + body

    def get(self, path, auth=True):
        headers = "GET %s HTTP/1.1\r\nHost: localhost\r\n" % path
        if auth:
            token = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
            headers += "Authorization: Basic %s\r\n" % token
        return (headers + "\r\n").encode()

    def run(self):
        p = self.call
        for name in ("sleeper", "echoer", "ctrl", "cat"):
            self.wait_state(name, "RUNNING")
        # The logs of the autostarted programs have their first lines.
        wait_until("echoer's output", lambda: self.raw_call("supervisor.readProcessStdoutLog", "echoer", 0, 0))
        wait_until("echoer's errors", lambda: self.raw_call("supervisor.readProcessStderrLog", "echoer", 0, 0))
        wait_until("ctrl's output", lambda: os.path.getsize(os.path.join(self.directory, "logs", "ctrl.out")) > 0)

        # Introspection.
        methods = p("system.listMethods")["result"]
        for method in methods:
            p("system.methodSignature", method)
            p("system.methodHelp", method, compare="type")
        p("system.methodSignature", "supervisor.nosuch")
        p("system.methodHelp", "supervisor.nosuch")
        p("system.methodSignature")
        p("system.listMethods", "extra")

        # Status and control of the daemon.
        p("supervisor.getAPIVersion")
        p("supervisor.getVersion")
        p("supervisor.getSupervisorVersion", compare="type")
        p("supervisor.getIdentification")
        p("supervisor.getState")
        step = p("supervisor.getPID")
        if isinstance(step.get("result"), int):
            step["result"] = "<pid>"

        # Unknown methods and bad argument counts.
        p("supervisor.nosuch")
        p("nosuch")
        p("a.b.c")
        p("supervisor._update", "x")
        p("nosuch.getState")
        p("supervisor.getState", "extra")

        # Process information.
        p("supervisor.getAllProcessInfo")
        for name in ("sleeper", "idle", "grp:ga", "nosuch", "grp:nosuch", "grp:", "grp:*", "nosuch:ga"):
            p("supervisor.getProcessInfo", name)
        p("supervisor.getProcessInfo")
        p("supervisor.getProcessInfo", "sleeper", "extra")
        p("supervisor.getProcessInfo", 123, compare="diverges",
          note="supervisord crashes (HTTP 500); taskmasterd answers INCORRECT_PARAMETERS")
        p("supervisor.getAllConfigInfo")

        # Starting and stopping.
        p("supervisor.startProcess", "sleeper")
        p("supervisor.startProcess", "nosuch")
        p("supervisor.startProcess", "missing")
        # SPAWN_ERROR when supervisord reaps the child before answering, else ABNORMAL_TERMINATION.
        p("supervisor.startProcess", "quick", compare="fault")
        self.wait_state("quick", "FATAL")
        p("supervisor.getProcessInfo", "quick")
        p("supervisor.startProcess", "idle", False)
        self.wait_state("idle", "RUNNING")
        p("supervisor.getProcessInfo", "idle")
        p("supervisor.stopProcess", "idle")
        p("supervisor.stopProcess", "idle")
        p("supervisor.getProcessInfo", "idle")
        p("supervisor.startProcess", "idle", True)
        p("supervisor.stopProcess", "idle", True)
        p("supervisor.startProcessGroup", "grp")
        p("supervisor.startProcessGroup", "grp")
        p("supervisor.stopProcessGroup", "grp")
        p("supervisor.stopProcessGroup", "grp")
        p("supervisor.startProcess", "grp:*")
        p("supervisor.stopProcess", "grp:*")
        p("supervisor.startProcess", "grp:ga", True)
        p("supervisor.stopProcess", "grp:ga")
        p("supervisor.startProcessGroup", "nosuch")
        p("supervisor.stopProcessGroup", "nosuch")
        p("supervisor.startProcess")
        p("supervisor.stopProcess", "idle", True, "extra")

        # Signals.
        p("supervisor.signalProcess", "sleeper", "CONT")
        p("supervisor.signalProcess", "sleeper", "SIGCONT")
        p("supervisor.signalProcess", "sleeper", 18)
        p("supervisor.signalProcess", "sleeper", "18")
        p("supervisor.signalProcess", "sleeper", "NOSIG")
        p("supervisor.signalProcess", "sleeper", 999)
        p("supervisor.signalProcess", "idle", "CONT")
        p("supervisor.signalProcess", "nosuch", "CONT")
        p("supervisor.signalProcessGroup", "grp", "CONT")
        p("supervisor.signalProcessGroup", "nosuch", "CONT")
        p("supervisor.signalProcess", "grp:*", "CONT")
        p("supervisor.signalAllProcesses", "CONT")

        # Standard input and remote events.
        p("supervisor.sendProcessStdin", "cat", "hello <stdin>\n")
        wait_until("cat's echo", lambda: "hello" in self.raw_call("supervisor.readProcessStdoutLog", "cat", 0, 0))
        p("supervisor.readProcessStdoutLog", "cat", 0, 0)
        p("supervisor.sendProcessStdin", "idle", "x")
        p("supervisor.sendProcessStdin", "nosuch", "x")
        p("supervisor.sendProcessStdin", "cat", 5)
        p("supervisor.sendRemoteCommEvent", "probe-type", "probe data")

        # Raw HTTP.
        ok = xmlrpc.client.dumps((), "supervisor.getAPIVersion").encode()
        self.http("POST /RPC2 without credentials", self.post(ok, auth=False))
        self.http("POST /RPC2", self.post(ok))
        self.http("GET /RPC2", self.get("/RPC2"))
        self.http("malformed XML", self.post(b"<methodCall><methodName>x</methodCall>"))
        self.http("no methodName", self.post(b"<?xml version='1.0'?><methodCall><params/></methodCall>"))
        self.http("bad int", self.post(b"<methodCall><methodName>supervisor.readLog</methodName><params>"
                                       b"<param><value><int>x</int></value></param></params></methodCall>"))
        self.http("GET /logtail/echoer/stderr", self.get("/logtail/echoer/stderr"), stream=True)
        self.http("GET /logtail/cat", self.get("/logtail/cat"), stream=True)
        self.http("GET /logtail/nosuch", self.get("/logtail/nosuch"))
        self.http("GET /logtail/echoer without credentials", self.get("/logtail/echoer", auth=False))
        self.http("GET /mainlogtail", self.get("/mainlogtail"))
        self.http("POST /logtail/echoer", self.post(b"", path="/logtail/echoer"))

        # Process logs.
        p("supervisor.readProcessStdoutLog", "echoer", 0, 0)
        p("supervisor.readProcessStderrLog", "echoer", 0, 0)
        p("supervisor.readProcessLog", "echoer", 0, 4)
        p("supervisor.readProcessStdoutLog", "echoer", 5, 3)
        p("supervisor.readProcessStdoutLog", "echoer", -4, 0)
        p("supervisor.readProcessStdoutLog", "echoer", -4, 2)
        p("supervisor.readProcessStdoutLog", "echoer", 0, -1)
        p("supervisor.readProcessStdoutLog", "echoer", 1000, 0)
        p("supervisor.readProcessStdoutLog", "nosuch", 0, 0)
        p("supervisor.readProcessStdoutLog", "missing", 0, 0)
        p("supervisor.readProcessStdoutLog", "echoer", "0", "0")
        p("supervisor.readProcessStdoutLog", "echoer", 0)
        p("supervisor.readProcessStdoutLog", "ctrl", 0, 0, compare="diverges",
          note="supervisord sends the raw escape character, which no XML parser accepts; "
          "taskmasterd sends U+FFFD in its place")
        p("supervisor.tailProcessStdoutLog", "echoer", 0, 5)
        p("supervisor.tailProcessStdoutLog", "echoer", 0, 100)
        p("supervisor.tailProcessStdoutLog", "echoer", 100, 10)
        p("supervisor.tailProcessStdoutLog", "echoer", 3, 4)
        p("supervisor.tailProcessLog", "echoer", 0, 5)
        p("supervisor.tailProcessStderrLog", "echoer", 0, 100)
        p("supervisor.tailProcessStdoutLog", "missing", 0, 100)
        p("supervisor.tailProcessStdoutLog", "nosuch", 0, 100)
        p("supervisor.readLog", 0, 0, compare="type")
        p("supervisor.readMainLog", -10, 0, compare="type")
        p("supervisor.readLog", -10, 5)
        p("supervisor.clearProcessLogs", "echoer")
        p("supervisor.readProcessStdoutLog", "echoer", 0, 0)
        p("supervisor.clearProcessLog", "echoer")
        p("supervisor.clearProcessLogs", "nosuch")
        p("supervisor.clearAllProcessLogs")

        # Multicall, faults inside.
        p(
            "system.multicall",
            [
                {"methodName": "supervisor.getAPIVersion", "params": []},
                {"methodName": "supervisor.getProcessInfo", "params": ["nosuch"]},
                {"methodName": "supervisor.startProcess", "params": ["sleeper"]},
                {"methodName": "system.multicall", "params": [[]]},
                {"params": []},
                {"methodName": "supervisor.nosuch"},
                {"methodName": "supervisor.getState"},
                {"methodName": "supervisor.getProcessInfo", "params": []},
            ],
        )
        p("system.multicall", [])
        p("system.multicall", [{"methodName": "supervisor.startProcess", "params": ["idle"]},
                               {"methodName": "supervisor.stopProcess", "params": ["idle"]}])

        # Configuration.
        p("supervisor.reloadConfig")
        p("supervisor.addProcessGroup", "sleeper")
        p("supervisor.addProcessGroup", "nosuch")
        p("supervisor.removeProcessGroup", "sleeper")
        p("supervisor.removeProcessGroup", "nosuch")
        p("supervisor.removeProcessGroup", "idle")
        p("supervisor.getProcessInfo", "idle")
        p("supervisor.addProcessGroup", "idle")
        p("supervisor.getProcessInfo", "idle")

        # Authentication.
        p("supervisor.getState", proxy=self.make_proxy(USER, "wrong"))
        p("supervisor.getState", proxy=self.make_proxy(None, None))

        # The end: the main log, then the daemon itself.
        p("supervisor.clearLog")
        p("supervisor.shutdown")
        return self.steps


def json_type(v):
    return type(v).__name__


def compare(reference, other):
    """The differences between two transcripts, as a list of lines."""
    ref_steps, other_steps = reference["steps"], other["steps"]
    problems = []
    if len(ref_steps) != len(other_steps):
        problems.append("%d steps against %d" % (len(ref_steps), len(other_steps)))
    for i, (ref, got) in enumerate(zip(ref_steps, other_steps)):
        what = "step %d (%s %s)" % (i, ref.get("call") or ref.get("http"), json.dumps(ref.get("args", "")))
        if ref.get("call") != got.get("call") or ref.get("http") != got.get("http") or ref.get("args") != got.get("args"):
            problems.append("%s: the transcripts are out of step" % what)
            break
        kind = ref["compare"]
        outcome = lambda step: next(k for k in ("result", "fault", "error", "status") if k in step)
        if kind == "diverges":
            continue
        if kind == "fault":
            if "fault" not in got:
                problems.append("%s: expected a fault, got %s" % (what, json.dumps(got)))
            continue
        if outcome(ref) != outcome(got):
            problems.append("%s: %s against %s" % (what, json.dumps(ref), json.dumps(got)))
            continue
        if kind == "type":
            key = outcome(ref)
            if json_type(ref[key]) != json_type(got[key]):
                problems.append("%s: a %s against a %s" % (what, json_type(ref[key]), json_type(got[key])))
            continue
        strip = lambda step: {k: v for k, v in step.items() if k not in ("compare", "note")}
        if strip(ref) != strip(got):
            problems.append("%s:\n  reference %s\n  other     %s" % (what, json.dumps(strip(ref)), json.dumps(strip(got))))
    return problems


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(daemon, directory):
    shutil.copy(CONFIG, os.path.join(directory, "xmlrpc_probe.conf"))
    os.mkdir(os.path.join(directory, "logs"))
    port = free_port()
    env = dict(os.environ, PROBE_PORT=str(port))
    child = subprocess.Popen(
        [daemon, "-n", "-c", os.path.join(directory, "xmlrpc_probe.conf")],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(directory, "daemon.stderr"), "wb"),
        cwd=directory,
    )
    url = "http://127.0.0.1:%d" % port

    def listening():
        if child.poll() is not None:
            raise SystemExit("probe: %s exited with %s" % (daemon, child.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    wait_until("the daemon to listen on %s" % url, listening)
    return child, url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--launch", metavar="DAEMON", help="start this supervisord-compatible daemon")
    mode.add_argument("--url", help="probe a daemon already running (http://HOST:PORT or unix:///PATH)")
    mode.add_argument("--compare", nargs=2, metavar=("REFERENCE", "OTHER"), help="compare two transcripts")
    parser.add_argument("--dir", help="with --url: the directory its config lives in")
    parser.add_argument("--out", help="write the transcript here instead of standard output")
    args = parser.parse_args()

    if args.compare:
        with open(args.compare[0]) as a, open(args.compare[1]) as b:
            problems = compare(json.load(a), json.load(b))
        for line in problems:
            print(line)
        sys.exit(1 if problems else 0)

    child = None
    cleanup = None
    if args.launch:
        directory = tempfile.mkdtemp(prefix="xmlrpc-probe-")
        cleanup = directory
        child, url = launch(args.launch, directory)
    else:
        if not args.dir:
            parser.error("--url needs --dir")
        directory, url = args.dir, args.url
    try:
        probe = Probe(url, directory)
        steps = probe.run()
        if child is not None:
            try:
                child.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                raise SystemExit("probe: the daemon did not exit after shutdown")
    finally:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
    transcript = {"server": "%s" % (args.launch or url), "steps": steps}
    text = json.dumps(transcript, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
