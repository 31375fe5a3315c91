# Looplab's egress gateway: runs on this machine (not in a container), started once by the app, and
# listens on each allow-list run's egress socket. It reads the request line of each connection the relay
# in a sandbox forwards. A CONNECT (how pip, git, curl and the Hub reach HTTPS) is asked about on stdout;
# the app decides (allow-list, rules, the person) and resolves the name itself, and answers on stdin with
# the addresses to connect to or the refusal to send. An allowed tunnel's bytes then pass with splice(2),
# through the kernel and never through this program's memory, so a download costs about what the bridge
# network costs. Anything else (plain HTTP) is handed whole to the app's proxy (proxy-chain).
# The gateway decides nothing: it connects only to the addresses the app sent for that connection.
# Messages are JSON lines. In: {"op": "listen"|"close", "id", "path", "http"}, {"op": "answer", "conn",
# "addresses"} or {"op": "answer", "conn", "status", "reason"}. Out: {"ev": "ready", "python"}, {"ev": "listening",
# "id"} or {"ev": "failed", "id", "message"}, {"ev": "ask", "conn", "id", "host", "port"}, {"ev": "closed",
# "conn", "out", "in"}, {"ev": "stopped", "id"}. The gateway ends when its stdin closes (the app is gone).
import json
import os
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay import both_ways  # noqa: E402  (the relay's splice(2) copy, with its fallback)

HEAD_LIMIT = 16384
HEAD_SECONDS = 10
CONNECT_SECONDS = 10
# Connections open at once through one run's socket: each holds two threads of this machine's, and a
# sandbox may open connections to the socket itself, past the relay and the container's process limit.
MAX_CONNECTIONS = 256
CONNECT = re.compile(rb"CONNECT (\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._-]{1,253}):([0-9]{1,5}) HTTP/1\.[01]")
REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

output = threading.Lock()
state = threading.Lock()
listeners = {}
waiting = {}
counter = [0]


def emit(message):
    line = json.dumps(message) + "\n"
    with output:
        sys.stdout.write(line)
        sys.stdout.flush()


def respond(client, status, text):
    body = text.encode()
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    head = (
        f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nconnection: close\r\ndate: {date}\r\n"
        f"content-length: {len(body)}\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n"
    )
    try:
        client.sendall(head.encode() + body)
    except OSError:
        pass


def read_head(client):
    """The request's head, and what came after it; None when the client went or took over 10 s in all."""
    deadline = time.monotonic() + HEAD_SECONDS
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > HEAD_LIMIT:
            respond(client, 431, "The request's head is over 16 KB.\n")
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            client.settimeout(left)
            chunk = client.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    end = data.index(b"\r\n\r\n") + 4
    if end > HEAD_LIMIT:
        respond(client, 431, "The request's head is over 16 KB.\n")
        return None
    client.settimeout(None)
    return data[:end], data[end:]


def connect_any(addresses, port):
    error = OSError("no address")
    for address in addresses:
        try:
            upstream = socket.create_connection((address, port), timeout=CONNECT_SECONDS)
        except OSError as failure:
            error = failure
            continue
        upstream.settimeout(None)  # splice(2) needs a blocking socket (a timeout makes it non-blocking)
        return upstream
    raise error


class Listener:
    def __init__(self, ident, path, http):
        self.ident = ident
        self.path = path
        self.http = http
        self.open = set()
        self.clients = 0
        self.closed = False
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(128)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with state:
                if self.closed:
                    client.close()
                    return
                full = self.clients >= MAX_CONNECTIONS
                if not full:
                    self.clients += 1
                    self.open.add(client)
            if full:
                respond(client, 503, f"This run has {MAX_CONNECTIONS} connections open through its proxy.\n")
                client.close()
                continue
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        upstream = None
        try:
            head = read_head(client)
            if head is None:
                return
            upstream = self.tunnel(client, *head) if head[0].startswith(b"CONNECT ") else self.forward(client, *head)
        finally:
            with state:
                self.clients -= 1
                self.open.discard(client)
                if upstream is not None:
                    self.open.discard(upstream)
            client.close()
            if upstream is not None:
                upstream.close()

    def track(self, sock):
        with state:
            if self.closed:
                sock.close()
                return False
            self.open.add(sock)
            return True

    def forward(self, client, head, rest):
        """Plain HTTP goes whole to the app's proxy, which decides and reports it."""
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(self.http)
        except OSError as error:
            respond(client, 502, f"Looplab's egress proxy is not reachable ({error.strerror}).\n")
            upstream.close()
            return None
        if not self.track(upstream):
            return None
        try:
            upstream.sendall(head + rest)
            both_ways(client, upstream, [0], [0])
        except OSError:
            pass  # either side went: `serve` closes both
        return upstream

    def tunnel(self, client, head, rest):
        line = head.split(b"\r\n", 1)[0]
        match = CONNECT.fullmatch(line)
        if match is None:
            respond(client, 400, "The CONNECT request names no host and port Looplab can read.\n")
            return None
        host = match.group(1).decode().strip("[]").lower()
        port = int(match.group(2))
        if not 0 < port < 65536:
            respond(client, 400, f"{port} is not a port.\n")
            return None
        answer = self.ask(host, port)
        sent, received = [len(head) + len(rest)], [0]
        upstream = None
        try:
            if "addresses" not in answer:
                respond(client, answer.get("status", 403), answer.get("reason", "refused") + "\n")
                return None
            try:
                upstream = connect_any(answer["addresses"], port)
            except OSError as error:
                respond(client, 502, f"Could not connect to {host}:{port} ({error}).\n")
                return None
            if not self.track(upstream):
                return None
            established = b"HTTP/1.1 200 Connection Established\r\n\r\n"
            try:
                client.sendall(established)
                received[0] += len(established)
                if rest:
                    upstream.sendall(rest)
                both_ways(client, upstream, sent, received)
            except OSError:
                pass  # either side went: `serve` closes both
            return upstream
        finally:
            emit({"ev": "closed", "conn": answer["conn"], "out": sent[0], "in": received[0]})

    def ask(self, host, port):
        with state:
            counter[0] += 1
            conn = counter[0]
            event = threading.Event()
            waiting[conn] = [event, None, self]
        emit({"ev": "ask", "conn": conn, "id": self.ident, "host": host, "port": port})
        event.wait()
        with state:
            answer = waiting.pop(conn)[1]
        answer["conn"] = conn
        return answer

    def close(self):
        with state:
            self.closed = True
            sockets = list(self.open)
            self.open.clear()
            for slot in waiting.values():
                if slot[2] is self and slot[1] is None:
                    slot[1] = {"status": 502, "reason": "The run's network has closed."}
                    slot[0].set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def handle(message):
    op = message.get("op")
    if op == "listen":
        try:
            listeners[message["id"]] = Listener(message["id"], message["path"], message["http"])
            emit({"ev": "listening", "id": message["id"]})
        except OSError as error:
            emit({"ev": "failed", "id": message["id"], "message": str(error)})
    elif op == "close":
        listener = listeners.pop(message["id"], None)
        if listener is not None:
            listener.close()
        emit({"ev": "stopped", "id": message["id"]})
    elif op == "answer":
        with state:
            slot = waiting.get(message["conn"])
            if slot is not None:
                slot[1] = message
                slot[0].set()


def main():
    if not hasattr(os, "splice"):
        print("no splice(2) here (Python 3.10 or later on Linux is needed)", file=sys.stderr, flush=True)
        sys.exit(3)
    threading.stack_size(256 * 1024)  # a connection's threads only copy: a small stack each
    emit({"ev": "ready", "python": sys.version.split()[0]})
    for line in sys.stdin:
        try:
            handle(json.loads(line))
        except (ValueError, KeyError, TypeError) as error:
            print(f"egress gateway: ignored a message ({error})", file=sys.stderr, flush=True)
    os._exit(0)


main()
