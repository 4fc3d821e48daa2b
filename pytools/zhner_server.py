"""Runs `zhner serve` (or any server that announces itself the same way) for a test or a
measurement: start it, wait until it serves, stop it.

`zhner serve` prints "zhner serving http://HOST:PORT/" on stdout once its model is loaded and its
port answers (bench/flask_server.py prints "flask serving ..." alike). That line is the readiness
signal: with `--port 0` the kernel picks a free port and the line says which, so no port is guessed
and nothing polls /readyz.

From Python:

    with zhner_server.start(binary, model, "--workers", "2") as server:
        ...  # server.url, server.host, server.port, server.proc

From a shell script that started the server in the background with its stdout going to a file:

    url=$(python3 -m pytools.zhner_server "$stdout_file" "$pid" --timeout 30)

prints the URL once the line is in the file, or exits 1 saying why (PID exited, or the time ran out).
Run it from the repository root, where `pytools` is importable.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

SERVING = re.compile(rb"serving (https?://(\[[^\]]+\]|[^\s/:\[\]]+):(\d+)/)")
# How often the output is read while waiting: fine enough that Server.ready_s (a start-up time the
# HTTP benchmark reports) is off by at most this, cheap enough to cost nothing beside a model load.
POLL_S = 0.005


class ServerDidNotStart(RuntimeError):
    """The process exited, or the time ran out, before it printed its serving line."""


def wait_for_serving(read, alive, timeout):
    """The match of the serving line in read() (the server's stdout so far, bytes), polled until it
    appears; None once alive() is false without it, or after `timeout` seconds (None: no limit)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        m = SERVING.search(read())
        if m:
            return m
        if not alive() or (deadline is not None and time.monotonic() > deadline):
            return None
        time.sleep(POLL_S)


class Server:
    """A server process started from `argv`, serving once the constructor returns.

    url ("http://HOST:PORT/"), host and port come from its serving line; proc is the
    subprocess.Popen; ready_s the seconds from start to the line. Its stdout goes to an anonymous
    file (a pipe nobody reads would fill up and block it), its stderr to `log` (a path, truncated)
    or, without one, to an anonymous file, so that a failed start shows both in its
    ServerDidNotStart. `timeout`: seconds to wait for the line (None: as long as the process runs).
    stop() sends SIGTERM, then SIGKILL if it still runs `grace` seconds later; leaving the object as
    a context manager stops it too.
    """

    def __init__(self, argv, *, env=None, log=None, timeout=60.0, grace=30.0):
        self.argv = [str(a) for a in argv]
        self.grace = grace
        self._stdout = tempfile.TemporaryFile()
        # Readable too: output() reads it back when the start fails (write-only, that raised EBADF).
        self._log = open(log, "w+b") if log else tempfile.TemporaryFile()
        start = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=self._stdout, stderr=self._log, env=env)
        m = wait_for_serving(lambda: os.pread(self._stdout.fileno(), 1 << 16, 0), self.alive, timeout)
        if m is None:
            code = self.proc.poll()
            why = f"exited ({code})" if code is not None else f"printed no serving line in {timeout:g} s"
            message = f"{self.argv[0]} {why}; its output:\n{self.output()}"
            self.stop()
            raise ServerDidNotStart(message)
        self.ready_s = time.perf_counter() - start
        self.url = m.group(1).decode()
        self.host = m.group(2).decode().strip("[]")
        self.port = int(m.group(3))

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def output(self, limit=3000):
        """The last `limit` bytes of its stdout, then of its stderr, as text."""
        out = b""
        for f in (self._stdout, self._log):
            size = os.fstat(f.fileno()).st_size
            out += os.pread(f.fileno(), limit, max(0, size - limit))
        return out.decode(errors="replace")

    def stop(self):
        """Stops it (SIGTERM, SIGKILL after `grace` s); its exit status, negative for a signal."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(self.grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stdout.close()
        self._log.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve_command(binary, model, *args):
    """`zhner serve` on a port the kernel picks (its serving line names it), then `args`."""
    return [binary, "serve", "--model", model, "--port", "0", *args]


def start(binary, model, *args, **server_options):
    """A running `zhner serve` (serve_command); `server_options` are Server's."""
    return Server(serve_command(binary, model, *args), **server_options)


def pid_alive(pid):
    """Whether PID still runs; a zombie (exited, not yet reaped by its parent) does not."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[0] != b"Z"
    except FileNotFoundError:
        return False


def main():
    ap = argparse.ArgumentParser(description="Waits for the serving line of a server started in the background "
                                             "and prints its URL.")
    ap.add_argument("stdout_file", help="the file the server's stdout goes to")
    ap.add_argument("pid", type=int, help="the server's process (waiting ends if it exits)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    args = ap.parse_args()

    def read():
        try:
            with open(args.stdout_file, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    m = wait_for_serving(read, lambda: pid_alive(args.pid), args.timeout)
    if m is None:
        why = "exited" if not pid_alive(args.pid) else f"printed no serving line in {args.timeout:g} s"
        sys.exit(f"zhner_server: process {args.pid} {why}")
    print(m.group(1).decode())


if __name__ == "__main__":
    main()
