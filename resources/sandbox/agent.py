#!/usr/bin/env python3
# Looplab's sandbox agent: one long-lived process inside a run's container that runs the workspace tools
# (bash, read, write) for the app, so a command costs a message on an open stream instead of a fresh
# `docker exec`. Standard library only: it must run on any image that has python3.
#
# Protocol: newline-delimited JSON. Requests arrive on stdin, replies leave on stdout, each tagged with
# the request's id, so several requests can be in flight at once.
#   {"id": 1, "op": "exec", "command": "...", "timeout_ms": 120000}
#       -> {"id": 1, "type": "output", "data": "..."}*  then
#          {"id": 1, "type": "exit", "code": 0, "signal": null, "timed_out": false, "cancelled": false, "oom": false}
#   {"id": 2, "op": "cancel", "target": 1}                  (the exec answers with cancelled: true)
#   {"id": 3, "op": "read", "path": "x.py", "max_bytes": N} -> {"id": 3, "type": "file", "content": "..."}
#   {"id": 4, "op": "write", "path": "x.py", "content": "..."} -> {"id": 4, "type": "done"}
#   {"id": 5, "op": "ping"}                                 -> {"id": 5, "type": "pong"}
#   any failure -> {"id": n, "type": "error", "code": "missing", "detail": "..."}
# On start it kills what a previous agent's commands left running (that agent was killed, by a command
# or for lack of memory), then prints {"type": "ready", "protocol": 1, "pid": N}. When stdin closes
# (the app went away) it kills the commands it started and exits.
#
# Each command runs as `bash -c` in /workspace in its own session and process group, with stdin from
# /dev/null. When its shell exits, or its timeout passes, or it is cancelled, the whole group is killed
# (background children included; long work belongs in a job), and its exit is reported once the group
# is gone and its output pipe is drained. Output is forwarded as it comes and never buffered here.
#
# This process is not a security boundary (commands run as the same user and can kill or impersonate
# it); the container is. Path checks here keep the file tools' rules the same as on the host.
import codecs
import errno
import fcntl
import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import time

PROTOCOL = 1
ROOT = "/workspace"
CHUNK = 65536
PIPE_GRACE_S = 0.25  # once a command's shell is gone, how long its output pipe may stay open
KILL_GRACE_S = 3.0  # how long to keep killing a process group until it is empty
SPAWN_RETRIES = 40  # x 50 ms: fork can fail for a moment while a killed process tree is reaped
OOM_FILES = ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events")


class Refusal(Exception):
    def __init__(self, code, detail=""):
        super().__init__(code)
        self.code = code
        self.detail = detail


def send(message):
    data = (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8", "replace")
    view = memoryview(data)
    while view:
        written = os.write(1, view)
        view = view[written:]


def set_nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def oom_kills():
    for path in OOM_FILES:
        try:
            with open(path) as file:
                for line in file:
                    name, _, value = line.partition(" ")
                    if name == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return -1


# --- paths -------------------------------------------------------------------------------------------


def inside(root, path):
    return path == root or path.startswith(root + "/")


def resolve(path):
    """The absolute path inside /workspace for a workspace path, or a Refusal saying why not."""
    if not isinstance(path, str) or "\0" in path:
        raise Refusal("bad_path")
    if path == ROOT:
        relative = ""
    elif path.startswith(ROOT + "/"):
        relative = path[len(ROOT) + 1 :]
    else:
        relative = path
    if os.path.isabs(relative):
        raise Refusal("absolute")
    target = os.path.normpath(os.path.join(ROOT, relative))
    if not inside(ROOT, target):
        raise Refusal("outside")
    if not inside(os.path.realpath(ROOT), os.path.realpath(target)):
        raise Refusal("symlink_out")
    return target


ERRNO_CODES = {
    errno.ENOENT: "missing",
    errno.EISDIR: "is_dir",
    errno.ENOTDIR: "not_dir",
    errno.EEXIST: "not_dir",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
    errno.EROFS: "denied",
    errno.ENOSPC: "no_space",
    errno.EDQUOT: "no_space",
    errno.ENAMETOOLONG: "bad_path",
    errno.ELOOP: "loop",
    errno.ENXIO: "not_regular",
}


def os_refusal(error):
    return Refusal(ERRNO_CODES.get(error.errno, "io"), error.strerror or str(error))


def read_file(path, max_bytes):
    target = resolve(path)
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise os_refusal(error)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Refusal("is_dir")
        if not stat.S_ISREG(info.st_mode):
            raise Refusal("not_regular")
        if info.st_size > max_bytes:
            raise Refusal("too_large", str(info.st_size))
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise Refusal("too_large", str(len(data)))
        return data.decode("utf-8", "replace")
    except OSError as error:
        raise os_refusal(error)
    finally:
        os.close(fd)


def write_file(path, content):
    target = resolve(path)
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise os_refusal(error)
    if existing is not None and stat.S_ISLNK(existing.st_mode):
        raise Refusal("is_symlink")
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise Refusal("is_dir")
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as error:
        raise Refusal("is_symlink") if error.errno == errno.ELOOP else os_refusal(error)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refusal("not_regular")
        view = memoryview(content.encode("utf-8", "replace"))
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        raise os_refusal(error)
    finally:
        os.close(fd)


# --- commands ----------------------------------------------------------------------------------------


def read_number(*paths):
    for path in paths:
        try:
            with open(path) as file:
                return int(file.read().strip())
        except (OSError, ValueError):
            continue
    return None


def pids_full():
    """True when the container is at its PIDs limit (a runaway process tree fills it)."""
    current = read_number("/sys/fs/cgroup/pids/pids.current", "/sys/fs/cgroup/pids.current")
    limit = read_number("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max")
    return current is not None and limit is not None and current >= limit - 1


def spawn(command):
    for attempt in range(SPAWN_RETRIES):
        if pids_full():
            if attempt == SPAWN_RETRIES - 1:
                raise Refusal("spawn", "the sandbox is at its limit of processes")
            time.sleep(0.05)
            continue
        try:
            return subprocess.Popen(
                ["bash", "-c", command],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as error:
            if error.errno != errno.EAGAIN or attempt == SPAWN_RETRIES - 1:
                raise Refusal("spawn", error.strerror or str(error))
            time.sleep(0.05)


def prefer_as_oom_victim(pid):
    try:
        with open("/proc/%d/oom_score_adj" % pid, "w") as file:
            file.write("500")
    except OSError:
        pass


class Command:
    def __init__(self, request_id, command, timeout_ms):
        self.id = request_id
        self.oom_before = oom_kills()
        self.proc = spawn(command)
        prefer_as_oom_victim(self.proc.pid)
        self.fd = self.proc.stdout.fileno()
        set_nonblocking(self.fd)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.deadline = time.monotonic() + timeout_ms / 1000.0
        self.killed = None  # "timeout" or "cancel"
        self.kill_until = 0.0
        self.exited_at = None

    def pump(self):
        """Forwards what the command printed; returns False at end of output."""
        try:
            data = os.read(self.fd, CHUNK)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.close_pipe()
            return False
        text = self.decoder.decode(data)
        if text:
            send({"id": self.id, "type": "output", "data": text})
        return True

    def close_pipe(self):
        if self.fd is None:
            return
        tail = self.decoder.decode(b"", True)
        if tail:
            send({"id": self.id, "type": "output", "data": tail})
        self.proc.stdout.close()
        self.fd = None

    def kill(self, reason):
        if self.killed is None:
            self.killed = reason
            self.kill_until = time.monotonic() + KILL_GRACE_S
        self.signal_group()

    def signal_group(self):
        """Sends SIGKILL to the command's whole process group; True while the group still has members."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return True
        except ProcessLookupError:
            return False
        except OSError:
            return False

    def settle(self, now):
        """Advances the command's state; returns True when it is finished and its exit was sent."""
        if self.killed is None and now >= self.deadline:
            self.kill("timeout")
        if self.exited_at is None and self.proc.poll() is not None:
            # The shell is done: what it left running in its group ends with it (long work is a job).
            self.exited_at = now
            self.kill_until = self.kill_until or now + KILL_GRACE_S
        if self.exited_at is None:
            return False
        group_alive = self.signal_group()
        if self.fd is not None and now - self.exited_at < PIPE_GRACE_S:
            return False
        if group_alive and now < self.kill_until:
            return False
        self.close_pipe()
        self.finish()
        return True

    def finish(self):
        code = self.proc.returncode
        killed_by = -code if code < 0 else None
        oom = self.killed is None and oom_kills() > self.oom_before >= 0
        send(
            {
                "id": self.id,
                "type": "exit",
                "code": 128 + killed_by if killed_by is not None else code,
                "signal": killed_by,
                "timed_out": self.killed == "timeout",
                "cancelled": self.killed == "cancel",
                "oom": oom,
            }
        )

    def next_wake(self, now):
        return self.deadline - now if self.killed is None and self.exited_at is None else 0.01


def clear_leftovers():
    """Kills what a previous agent's commands left running: their shells, orphaned to init, lead sessions."""
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, os.getpid()):
            continue
        try:
            with open("/proc/%s/stat" % name) as file:
                fields = file.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/cmdline" % name, "rb") as file:
                cmdline = file.read()
        except (OSError, IndexError):
            continue
        parent, session = int(fields[1]), int(fields[3])
        if parent == 1 and session == int(name) and cmdline != b"sleep\0infinity\0":
            try:
                os.killpg(int(name), signal.SIGKILL)
            except OSError:
                pass


# --- the loop ----------------------------------------------------------------------------------------


class Agent:
    def __init__(self):
        self.commands = {}
        self.stdin_buffer = bytearray()
        self.stdin_open = True
        self.wake_read, wake_write = os.pipe()
        set_nonblocking(self.wake_read)
        set_nonblocking(wake_write)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        set_nonblocking(0)

    def run(self):
        clear_leftovers()
        send({"type": "ready", "protocol": PROTOCOL, "pid": os.getpid()})
        while self.stdin_open:
            self.wait()
            self.settle()
        for command in self.commands.values():
            command.kill("cancel")

    def wait(self):
        now = time.monotonic()
        wakes = [command.next_wake(now) for command in self.commands.values()]
        timeout = max(0.0, min(wakes)) if wakes else None
        fds = [0, self.wake_read] + [c.fd for c in self.commands.values() if c.fd is not None]
        readable, _, _ = select.select(fds, [], [], timeout)
        for fd in readable:
            if fd == 0:
                self.read_requests()
            elif fd == self.wake_read:
                self.drain_wakeups()
        for command in list(self.commands.values()):
            if command.fd in readable:
                command.pump()

    def drain_wakeups(self):
        try:
            while os.read(self.wake_read, 4096):
                pass
        except BlockingIOError:
            pass

    def settle(self):
        now = time.monotonic()
        for request_id in [i for i, command in self.commands.items() if command.settle(now)]:
            del self.commands[request_id]

    def read_requests(self):
        try:
            data = os.read(0, 1 << 20)
        except BlockingIOError:
            return
        if not data:
            self.stdin_open = False
            return
        start = data.find(b"\n")
        while start >= 0:
            self.stdin_buffer += data[:start]
            line = bytes(self.stdin_buffer)
            self.stdin_buffer.clear()
            if line.strip():
                self.handle(line)
            data = data[start + 1 :]
            start = data.find(b"\n")
        self.stdin_buffer += data

    def handle(self, line):
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id") if isinstance(request, dict) else None
            if not isinstance(request_id, int):
                raise Refusal("bad_request", "every request needs an integer id")
            self.dispatch(request_id, request)
        except Refusal as refusal:
            send({"id": request_id, "type": "error", "code": refusal.code, "detail": refusal.detail})
        except (ValueError, KeyError, TypeError) as error:
            send({"id": request_id, "type": "error", "code": "bad_request", "detail": str(error)})

    def dispatch(self, request_id, request):
        op = request.get("op")
        if op == "exec":
            timeout_ms = int(request.get("timeout_ms", 120000))
            self.commands[request_id] = Command(request_id, str(request["command"]), timeout_ms)
        elif op == "cancel":
            command = self.commands.get(request.get("target"))
            if command is not None:
                command.kill("cancel")
        elif op == "read":
            content = read_file(request["path"], int(request.get("max_bytes", 32 << 20)))
            send({"id": request_id, "type": "file", "content": content})
        elif op == "write":
            write_file(request["path"], str(request["content"]))
            send({"id": request_id, "type": "done"})
        elif op == "ping":
            send({"id": request_id, "type": "pong"})
        else:
            raise Refusal("bad_request", "unknown op %r" % (op,))


def wait_for_relay(seconds=2.0):
    """With a network allow-list, commands start once the relay to the egress proxy listens."""
    port = os.environ.get("LOOPLAB_PROXY_PORT")
    if port is None:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)


if __name__ == "__main__":
    try:
        wait_for_relay()
        Agent().run()
    except BrokenPipeError:
        sys.exit(0)
