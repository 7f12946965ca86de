"""Forward a local TCP port to an address, like `kubectl port-forward` (which localkube does not serve).

    python3 Tests/readme/forward.py LOCAL_PORT TARGET_HOST:TARGET_PORT

localkube gives each Service a loopback cluster IP (127.2.x.y; 127.4.x.y ... when other localkubes run); the
operator's certificate names `localhost` and `127.0.0.1` but not that address, so clients that verify host names
(flinkctl, curl without --connect-to) talk to `localhost:LOCAL_PORT` and this script passes the bytes on. It listens
on 127.0.0.1 only; Ctrl-C stops it.
"""
from __future__ import annotations

import socket
import sys
import threading


def pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes one way until either side closes."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener: socket.socket, target: tuple[str, int]) -> None:
    """Accept connections and forward each to `target` on two threads."""
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(target, timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            continue
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pipe, args=(a, b), daemon=True).start()


def start(local_port: int, target: tuple[str, int]) -> socket.socket:
    """Listen on 127.0.0.1:local_port (0: any free port) and forward in a background thread; returns the listener."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", local_port))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener, target), daemon=True).start()
    return listener


def main(argv: list[str]) -> None:
    if len(argv) != 2 or ":" not in argv[1]:
        sys.exit(__doc__)
    host, _, port = argv[1].rpartition(":")
    listener = start(int(argv[0]), (host, int(port)))
    print(f"forwarding 127.0.0.1:{listener.getsockname()[1]} -> {host}:{port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
