"""Request parsing: resource paths, media types, bodies and Kubernetes JSON responses."""
from __future__ import annotations

import json
from dataclasses import dataclass

import yaml
from aiohttp import web

from .errors import ApiError, bad_request
from .registry import Registry, ResourceType

PATCH_TYPES = {"application/json-patch+json": "json", "application/merge-patch+json": "merge",
               "application/strategic-merge-patch+json": "strategic", "application/apply-patch+yaml": "apply"}


@dataclass
class Target:
    """A parsed resource URL."""

    rt: ResourceType
    ns: str | None
    name: str | None
    sub: str | None
    watch_path: bool


def not_found_path() -> ApiError:
    """The 404 for a URL that names no resource."""
    return ApiError(404, "the server could not find the requested resource", "NotFound", {})


def parse_target(registry: Registry, path: str) -> Target | None:
    """Parse /api/v1/... or /apis/g/v/... into a Target (None if it is not a resource URL)."""
    segs = [s for s in path.split("/") if s]
    if len(segs) >= 3 and segs[0] == "api":
        group, version, rest = "", segs[1], segs[2:]
    elif len(segs) >= 4 and segs[0] == "apis":
        group, version, rest = segs[1], segs[2], segs[3:]
    else:
        return None
    watch_path = bool(rest) and rest[0] == "watch"
    if watch_path:
        rest = rest[1:]
    ns = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        inner = registry.get(group, version, rest[2])
        if inner is not None and inner.namespaced:
            ns, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        raise not_found_path()
    rt = registry.get(group, version, rest[0])
    if rt is None:
        raise not_found_path()
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if sub is not None and sub not in [s[0] for s in rt.subresources()]:
        raise not_found_path()
    if rt.namespaced and ns is None and name is not None:
        raise not_found_path()
    return Target(rt, ns, name, sub, watch_path)


def table_request(accept: str) -> str | None:
    """The Table apiVersion asked for in Accept (meta.k8s.io/v1 or v1beta1), if any."""
    for part in accept.split(","):
        text = part.replace(" ", "")
        if "as=Table" in text and "g=meta.k8s.io" in text:
            return "meta.k8s.io/v1beta1" if "v=v1beta1" in text else "meta.k8s.io/v1"
    return None


def metadata_request(accept: str) -> bool:
    """Whether the client asked for PartialObjectMetadata(List)."""
    return "as=PartialObjectMetadata" in accept.replace(" ", "")


# The apiserver's --max-request-body-bytes default (3 MiB): a larger write is a 413, as on a real cluster.
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024


async def read_body(request: web.Request):
    """Decode a JSON or YAML request body (400 if malformed, 413 if larger than the apiserver takes)."""
    if (request.content_length or 0) > MAX_REQUEST_BODY_BYTES:
        raise ApiError(413, f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}", "RequestEntityTooLarge")
    raw = await request.read()
    if len(raw) > MAX_REQUEST_BODY_BYTES:
        raise ApiError(413, f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}", "RequestEntityTooLarge")
    if not raw:
        raise bad_request("the request body is empty")
    ctype = request.content_type or "application/json"
    if ctype == "application/vnd.kubernetes.protobuf":
        from .protobuf import decode_body
        return decode_body(raw)
    if "cbor" in ctype or "protobuf" in ctype:
        raise ApiError(415, "the body of the request was in an unknown format - accepted media types include: "
                            "application/json, application/yaml, application/vnd.kubernetes.protobuf",
                       "UnsupportedMediaType")
    try:
        if "yaml" in ctype:
            return yaml.safe_load(raw)
        return json.loads(raw)
    except (ValueError, yaml.YAMLError) as err:
        raise bad_request(f"the body of the request could not be decoded: {err}")


def patch_type(request: web.Request) -> str:
    """The patch kind (json, merge, strategic, apply) of a PATCH request (415 otherwise)."""
    kind = PATCH_TYPES.get(request.content_type or "")
    if kind is None:
        raise ApiError(415, f"the body of the request was in an unknown format - accepted media types include: "
                            f"{', '.join(PATCH_TYPES)}", "UnsupportedMediaType")
    return kind


def respond(data: dict, status: int = 200, warnings: list[str] | None = None,
            content_type: str = "application/json") -> web.Response:
    """A JSON answer, with Warning headers."""
    resp = web.Response(body=json.dumps(data, separators=(",", ":")).encode(), status=status,
                        content_type=content_type.split(";")[0])
    if ";" in content_type:
        resp.headers["Content-Type"] = content_type
    for text in warnings or []:
        resp.headers.add("Warning", '299 - ' + json.dumps(text))
    return resp


def error_response(err: ApiError) -> web.Response:
    """The Status answer of an ApiError."""
    return respond(err.status(), err.code)


def query_bool(value: str | None) -> bool:
    """Kubernetes boolean query parameter."""
    return value is not None and value.lower() in ("true", "1", "yes")
