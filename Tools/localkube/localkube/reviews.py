"""SelfSubjectAccessReview and SubjectAccessReview (what `kubectl auth can-i` asks), answered by the RBAC
authorizer. Served on both ports; created, never stored, as on a real API server."""
from __future__ import annotations

from aiohttp import web

from .errors import ApiError, bad_request
from .identity import ADMIN, User
from .rbac import Attributes
from .routing import read_body, respond

PREFIX = "/apis/authorization.k8s.io/v1/"
KINDS = {"selfsubjectaccessreviews": "SelfSubjectAccessReview", "subjectaccessreviews": "SubjectAccessReview"}


async def handle(request: web.Request, ctx) -> web.Response:
    """POST .../selfsubjectaccessreviews or .../subjectaccessreviews."""
    plural = request.path[len(PREFIX):].strip("/")
    if plural not in KINDS:
        raise ApiError(404, "the server could not find the requested resource", "NotFound", {})
    if request.method != "POST":
        raise ApiError(405, "the server does not allow this method on the requested resource", "MethodNotAllowed")
    body = await read_body(request)
    spec = (body or {}).get("spec") or {}
    if plural == "selfsubjectaccessreviews":
        user = request.get("user") or ADMIN
    else:
        if not spec.get("user") and not spec.get("groups"):
            raise bad_request("at least one of user or group must be specified")
        user = User(spec.get("user", ""), tuple(spec.get("groups") or ()))
    attrs = _attributes(spec)
    allowed = True if ctx.authorizer is None else ctx.authorizer.allowed(user, attrs)
    status = {"allowed": allowed}
    if not allowed:
        status["reason"] = ""
    elif ctx.authorizer is not None and not user.is_admin:
        status["reason"] = "RBAC: allowed"
    return respond({"kind": KINDS[plural], "apiVersion": "authorization.k8s.io/v1",
                    "metadata": {"creationTimestamp": None}, "spec": spec, "status": status}, 201)


def _attributes(spec: dict) -> Attributes:
    if spec.get("nonResourceAttributes"):
        na = spec["nonResourceAttributes"]
        return Attributes(na.get("verb", ""), path=na.get("path", ""))
    ra = spec.get("resourceAttributes") or {}
    return Attributes(ra.get("verb", ""), ra.get("group", ""), ra.get("resource", ""), ra.get("subresource", ""),
                      ra.get("namespace", ""), ra.get("name", ""))
