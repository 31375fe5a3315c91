# The sandbox's one way out when a run has a network allow-list. The container has no network at all
# (Docker's `none`: a loopback interface only); this relay listens on 127.0.0.1:3128, where HTTP_PROXY and
# HTTPS_PROXY point, and passes each connection's bytes unchanged to the egress proxy of Looplab through
# the Unix socket mounted at /run/looplab-net. The proxy decides which hosts a connection may reach; this
# relay decides nothing, so code that bypasses or kills it reaches no more than before.
# Injected by the harness (python3 -c), so an image built by an older version works too.
import asyncio
import os
import sys

SOCKET = os.environ.get("LOOPLAB_PROXY_SOCKET", "/run/looplab-net/proxy.sock")
PORT = int(os.environ.get("LOOPLAB_PROXY_PORT", "3128"))
CHUNK = 256 * 1024


async def pipe(reader, writer):
    """Copies one direction until its end, then half-closes the other side (the reply may still come)."""
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


async def handle(client_reader, client_writer):
    try:
        proxy_reader, proxy_writer = await asyncio.open_unix_connection(SOCKET)
    except OSError as error:
        body = f"Looplab's egress proxy is not reachable ({error.strerror}): is the run still going?\n"
        client_writer.write(
            f"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n{body}".encode()
        )
        await client_writer.drain()
        client_writer.close()
        return
    try:
        await asyncio.gather(pipe(client_reader, proxy_writer), pipe(proxy_reader, client_writer))
    finally:
        for writer in (proxy_writer, client_writer):
            try:
                writer.close()
            except (ConnectionError, OSError):
                pass


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT)
    print(f"looplab relay on 127.0.0.1:{PORT} -> {SOCKET}", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
