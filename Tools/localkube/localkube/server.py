"""The localkube HTTP(S) server: routing of discovery, OpenAPI, resources and the admin API."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import ssl

from aiohttp import web

from . import discovery, netrange, podlogs, rest, reviews
from .admin import handle_admin
from .certs import ensure_tls, write_kubeconfig
from .controllers import Controllers
from .decode import CRD_KEY, WriteOptions
from .errors import ApiError
from .faults import Faults, Stats, verb_of
from .identity import ADMIN, Tokens, authenticate, pod_credentials
from .openapi import OpenAPI
from .rbac import Authorizer, attributes_of
from .refusals import Refusals
from .ops import NS_KEY, Api
from .registry import Registry
from .runtime import Runtime
from .routing import error_response, not_found_path, parse_target, query_bool, respond
from .store import Store
from .watch import Hub

log = logging.getLogger("localkube")
INITIAL_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class Server:
    """All state of one localkube instance."""

    def __init__(self, state_dir: str, bookmark_interval: float = 5.0, cache_size: int = 1000,
                 token: str | None = None, tls: bool = False, watch_timeout: float = 1800.0,
                 runtime: bool = False, image_map: str | None = None, rbac: bool | None = None,
                 secure_port: int = 0, container_runtime: str = "process"):
        os.makedirs(state_dir, exist_ok=True)
        self.state_dir, self.token, self.tls = state_dir, token, tls
        # RBAC (default: on when pods run) is enforced on the secure port, which the pods use with their service
        # account's token; the main port stays the admin's (as kube-apiserver's old insecure port was).
        self.rbac = runtime if rbac is None else rbac
        self.secure_port, self.secure_url = secure_port, None
        self.bookmark_interval, self.watch_timeout = bookmark_interval, watch_timeout
        self.hub = Hub(cache_size)
        self.store = Store(os.path.join(state_dir, "state.db"), self.hub)
        self.registry = Registry()
        for crd in self.store.items(CRD_KEY):
            self.registry.register_crd(crd)
        self.net = netrange.acquire(state_dir)  # held until the process ends
        self.api = Api(self.store, self.registry, self.net)
        self.controllers = Controllers(self.api)
        self.runtime = Runtime(self.api, state_dir, image_map, container_runtime) if runtime else None
        if self.runtime is not None:
            self.api.on_change = lambda: (self.controllers.kick(), self.runtime.kick())
        self.faults, self.stats, self.openapi = Faults(), Stats(), OpenAPI(self.registry)
        self.refusals = Refusals(state_dir)
        self.tokens = Tokens(state_dir) if self.rbac else None
        self.authorizer = Authorizer(self.store, state_dir) if self.rbac else None
        if self.runtime is not None and self.rbac:
            self.runtime.kubelet.credentials = self.pod_credentials
        self._bootstrap()

    def pod_credentials(self, pod: dict, pod_dir: str) -> tuple:
        """(kubeconfig, service-account folder or None) of a pod: its service account on the secure port."""
        return pod_credentials(pod, pod_dir, self.store, self.tokens, self.secure_url,
                               ensure_tls(self.state_dir)["ca.crt"])

    def _bootstrap(self) -> None:
        ns_type = self.registry.by_key(NS_KEY)
        for name in INITIAL_NAMESPACES:
            if self.store.peek(NS_KEY, "", name) is None:
                self.api.create(ns_type, None, {"metadata": {"name": name}}, WriteOptions())
        if self.store.peek(("", "services"), "default", "kubernetes") is None:
            self.api.create(self.registry.by_key(("", "services")), "default", {
                "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": self.net.api_service_ip,
                         "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}},
                WriteOptions())

    async def pod_log(self, request: web.Request, pod: dict) -> web.StreamResponse:
        """Logs of a pod: the captured output of its container (empty without the runtime)."""
        if self.runtime is None:
            return web.Response(text="", content_type="text/plain")
        return await podlogs.serve(request, self.runtime.kubelet, pod)

    # ---- HTTP ----------------------------------------------------------------------------
    def authenticate(self, request: web.Request) -> None:
        """Require the bearer token and/or a client certificate as configured."""
        if self.token is None:
            return
        if request.headers.get("Authorization", "") == f"Bearer {self.token}":
            return
        if self.tls and request.transport is not None and request.transport.get_extra_info("peercert"):
            return
        raise ApiError(401, "Unauthorized", "Unauthorized")

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        """Entry point of every request on the main port (the admin's)."""
        try:
            self.authenticate(request)
        except ApiError as err:
            return error_response(err)
        request["user"] = ADMIN
        return await self.serve_request(request)

    async def dispatch_secure(self, request: web.Request) -> web.StreamResponse:
        """Entry point of every request on the secure port: authentication, then RBAC."""
        try:
            user = authenticate(request, self.tokens, self.token)
            self.authorizer.authorize(user, attributes_of(request.method, request.path, request.query))
        except ApiError as err:
            return error_response(err)
        request["user"] = user
        return await self.serve_request(request)

    async def serve_request(self, request: web.Request) -> web.StreamResponse:
        """Serve an authenticated and authorized request."""
        try:
            if request.path.startswith(reviews.PREFIX):
                return await reviews.handle(request, self)
            if request.path.startswith("/localkube/"):
                return await handle_admin(request, self)
            target = parse_target(self.registry, request.path)
            watch = target is not None and (target.watch_path or query_bool(request.query.get("watch")))
            if target is not None:
                resource = target.rt.plural + (f"/{target.sub}" if target.sub else "")
                self.stats.count(verb_of(request.method, target.name is not None, watch), resource)
            rule = self.faults.take(request.method, request.path, watch)
            if rule is not None:
                if "status" in rule.action:
                    raise self.faults.error_for(rule)
                if "delayMs" in rule.action:
                    await asyncio.sleep(float(rule.action["delayMs"]) / 1000.0)
                if "dropWatchAfterEvents" in rule.action:
                    request["drop_after"] = int(rule.action["dropWatchAfterEvents"])
            if target is not None:
                try:
                    return await rest.handle(request, self, target)
                except ApiError as err:
                    self.refusals.record(request.get("user"), request.method, request.path, err)
                    raise
            return self.non_resource(request)
        except ApiError as err:
            return error_response(err)
        except Exception:
            log.exception("internal error serving %s %s", request.method, request.path)
            return error_response(ApiError(500, "an internal error occurred", "InternalError"))

    def non_resource(self, request: web.Request) -> web.StreamResponse:
        """Discovery, OpenAPI, version and health endpoints."""
        path = request.path.rstrip("/") or "/"
        accept = request.headers.get("Accept", "")
        if request.method != "GET":
            raise ApiError(405, "the server does not allow this method on the requested resource",
                           "MethodNotAllowed")
        if path in ("/healthz", "/livez", "/readyz"):
            return web.Response(text="ok")
        if path == "/version":
            return respond(discovery.version_info())
        if path in ("/api", "/apis"):
            media = discovery.wants_aggregated(accept)
            if media:
                return respond(discovery.aggregated(self.registry, path == "/api", media), content_type=media)
            return respond(discovery.api_versions() if path == "/api" else discovery.api_group_list(self.registry))
        if path.startswith("/openapi/v3"):
            return self.openapi_v3(path)
        segs = path.strip("/").split("/")
        doc = None
        if segs[0] == "apis" and len(segs) == 2:
            doc = discovery.api_group(self.registry, segs[1])
        elif segs[0] == "apis" and len(segs) == 3:
            doc = discovery.resource_list(self.registry, segs[1], segs[2])
        elif segs[0] == "api" and len(segs) == 2:
            doc = discovery.resource_list(self.registry, "", segs[1])
        if doc is None:
            raise not_found_path()
        return respond(doc)

    def openapi_v3(self, path: str) -> web.Response:
        """/openapi/v3 and /openapi/v3/<api/v1|apis/group/version>."""
        rel = path[len("/openapi/v3"):].strip("/")
        if not rel:
            return respond(self.openapi.root())
        segs = rel.split("/")
        found = None
        if segs[0] == "api" and len(segs) == 2:
            found = self.openapi.document("", segs[1])
        elif segs[0] == "apis" and len(segs) == 3:
            found = self.openapi.document(segs[1], segs[2])
        if found is None:
            raise not_found_path()
        return web.Response(body=found[0], content_type="application/json",
                            headers={"Cache-Control": "public, immutable", "Etag": f'"{found[1]}"'})

    def ssl_context(self) -> ssl.SSLContext | None:
        """Server TLS context requiring (or, with a token, accepting) client certificates of our CA."""
        if not self.tls:
            return None
        paths = ensure_tls(self.state_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(paths["server.crt"], paths["server.key"])
        context.load_verify_locations(paths["ca.crt"])
        context.verify_mode = ssl.CERT_OPTIONAL if self.token else ssl.CERT_REQUIRED
        return context

    async def _serve_secure(self) -> web.AppRunner:
        """The secure port (HTTPS, client certificates optional, RBAC): what the pods' kubeconfigs name."""
        paths = ensure_tls(self.state_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(paths["server.crt"], paths["server.key"])
        context.load_verify_locations(paths["ca.crt"])
        context.verify_mode = ssl.CERT_OPTIONAL
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.dispatch_secure)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.secure_port))
        await web.SockSite(runner, sock, ssl_context=context).start()
        self.secure_url = f"https://127.0.0.1:{sock.getsockname()[1]}"
        with open(os.path.join(self.state_dir, "secure-url"), "w") as handle:
            handle.write(self.secure_url + "\n")
        log.info("secure port (RBAC) on %s", self.secure_url)
        return runner

    async def serve(self, port: int, stop: asyncio.Event, announce=print) -> None:
        """Listen on 127.0.0.1:port until `stop` is set."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.dispatch)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        site = web.SockSite(runner, sock, ssl_context=self.ssl_context())
        await site.start()
        actual = sock.getsockname()[1]
        scheme = "https" if self.tls else "http"
        kubeconfig = os.path.join(self.state_dir, "kubeconfig")
        write_kubeconfig(kubeconfig, f"{scheme}://127.0.0.1:{actual}",
                         ensure_tls(self.state_dir) if self.tls else None, self.token)
        with open(os.path.join(self.state_dir, "localkube.pid"), "w") as handle:
            handle.write(f"{os.getpid()}\n")
        secure_runner = await self._serve_secure() if self.rbac else None
        gc_task = asyncio.create_task(self.controllers.run())
        runtime_task = asyncio.create_task(self.runtime.run()) if self.runtime else None
        announce(f"localkube listening on {scheme}://127.0.0.1:{actual} kubeconfig={kubeconfig}")
        try:
            await stop.wait()
        finally:
            if secure_runner is not None:
                await secure_runner.cleanup()
            if runtime_task is not None:
                runtime_task.cancel()
                await self.runtime.stop()
            self.hub.close_all()
            gc_task.cancel()
            await runner.cleanup()
            self.store.close()
            self.net.release()
            try:
                os.remove(os.path.join(self.state_dir, "localkube.pid"))
            except OSError:
                pass
