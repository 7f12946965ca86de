"""Command line: python3 -m localkube --state-dir DIR [--port 0] [--tls] [--token T] ..."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

from .server import Server


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="localkube", description="A single-machine Kubernetes API server.")
    parser.add_argument("--state-dir", required=True, help="directory for state.db, kubeconfig, certificates")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS and require client certificates")
    parser.add_argument("--token", default=None, help="require this bearer token")
    parser.add_argument("--bookmark-interval", type=float, default=5.0, help="seconds between watch BOOKMARKs")
    parser.add_argument("--watch-cache-size", type=int, default=1000, help="events kept for watch resumption")
    parser.add_argument("--runtime", action="store_true",
                        help="run the workloads: pods as local processes, Services, Deployments, Jobs")
    parser.add_argument("--image-map", default=None,
                        help="YAML/JSON image map (image -> local directory); implies --runtime")
    parser.add_argument("--container-runtime", choices=("process", "podman"), default="process",
                        help="podman: a container whose image is in podman's storage (REF or localhost/REF) runs "
                             "with `podman run` (host network, the pod's /etc/hosts and volumes), the others as "
                             "processes through the image map (default: process); implies --runtime")
    parser.add_argument("--rbac", action=argparse.BooleanOptionalAction, default=None,
                        help="serve a secure port (HTTPS) where every request is authenticated and authorized by "
                             "RBAC, and give each pod its service account's token for it (default: on with "
                             "--runtime; the main port stays the admin's)")
    parser.add_argument("--secure-port", type=int, default=0, help="port of the secure (RBAC) port (0 = any)")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop (as on SIGTERM) when the process that started localkube is gone, so a test run "
                             "that is killed leaves no server behind")
    parser.add_argument("--log-level", default="WARNING", help="Python logging level (stderr)")
    return parser.parse_args(argv)


async def stop_when_orphaned(parent: int, stop: asyncio.Event) -> None:
    """Sets `stop` once this process's parent is no longer `parent` (it exited, and init adopted localkube)."""
    while not stop.is_set():
        if os.getppid() != parent:
            logging.getLogger("localkube").warning("parent %d is gone: stopping", parent)
            stop.set()
            return
        await asyncio.sleep(1)


async def amain(args: argparse.Namespace) -> None:
    """Run the server until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.exit_with_parent:
        asyncio.create_task(stop_when_orphaned(os.getppid(), stop))
    server = Server(args.state_dir, args.bookmark_interval, args.watch_cache_size, args.token, args.tls,
                    runtime=args.runtime or bool(args.image_map) or args.container_runtime != "process",
                    image_map=args.image_map, rbac=args.rbac, secure_port=args.secure_port,
                    container_runtime=args.container_runtime)

    def announce(line: str) -> None:
        print(line, flush=True)
    await server.serve(args.port, stop, announce)


def main(argv=None) -> int:
    """Entry point."""
    # A parent may hand down a signal mask with SIGTERM blocked (Foundation's Process does); a server must see it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGCHLD})
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(amain(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
