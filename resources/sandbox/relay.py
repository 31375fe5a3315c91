# The sandbox's one way out when a run has a network allow-list. The container has no network at all
# (Docker's `none`: a loopback interface only); this relay listens on 127.0.0.1:3128, where HTTP_PROXY and
# HTTPS_PROXY point, and passes each connection's bytes unchanged to the egress proxy of Looplab through
# the Unix socket mounted at /run/looplab-net. The proxy decides which hosts a connection may reach; this
# relay decides nothing, so code that bypasses or kills it reaches no more than before.
# Injected by the harness (python3 -c), so an image built by an older version works too. Bytes move with
# splice(2) through a pipe, never through Python, where the kernel allows it. The egress gateway on this
# machine (egress-gateway.py) passes its tunnels' bytes with the same `pump`.
import os
import socket
import sys
import threading

SOCKET = os.environ.get("LOOPLAB_PROXY_SOCKET", "/run/looplab-net/proxy.sock")
PORT = int(os.environ.get("LOOPLAB_PROXY_PORT", "3128"))
CHUNK = 1 << 20
F_SETPIPE_SZ = 1031


def copy_spliced(source, target, moved):
    read_end, write_end = os.pipe()
    try:
        try:
            import fcntl

            fcntl.fcntl(write_end, F_SETPIPE_SZ, CHUNK)
        except OSError:
            pass
        while True:
            count = os.splice(source.fileno(), write_end, CHUNK)
            if count == 0:
                return
            moved[0] += count
            while count > 0:
                count -= os.splice(read_end, target.fileno(), count)
    finally:
        os.close(read_end)
        os.close(write_end)


def copy_plain(source, target, moved):
    while True:
        data = source.recv(CHUNK)
        if not data:
            return
        moved[0] += len(data)
        target.sendall(data)


def pump(source, target, moved=None):
    """Copies one direction until its end, then half-closes the other side (the reply may still come).
    Counts the bytes moved in `moved[0]` (the egress gateway reports them)."""
    moved = [0] if moved is None else moved
    try:
        if hasattr(os, "splice"):
            try:
                copy_spliced(source, target, moved)
            except OSError as error:
                if error.errno not in (22, 38):  # EINVAL, ENOSYS: no splice for these sockets here
                    raise
                copy_plain(source, target, moved)
        else:
            copy_plain(source, target, moved)
    except OSError:
        pass
    finally:
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def both_ways(client, upstream, sent=None, received=None):
    """Passes bytes each way until both have ended."""
    back = threading.Thread(target=pump, args=(upstream, client, received), daemon=True)
    back.start()
    pump(client, upstream, sent)
    back.join()


def refuse(client, error):
    body = f"Looplab's egress proxy is not reachable ({error.strerror}): is the run still going?\n"
    client.sendall(
        f"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n{body}".encode()
    )


def handle(client):
    with client:
        proxy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with proxy:
            try:
                proxy.connect(SOCKET)
            except OSError as error:
                refuse(client, error)
                return
            both_ways(client, proxy)


def main():
    server = socket.create_server(("127.0.0.1", PORT), backlog=128)
    print(f"looplab relay on 127.0.0.1:{PORT} -> {SOCKET}", file=sys.stderr, flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()


if __name__ == "__main__":  # also when injected with python3 -c; the egress gateway imports pump
    main()
