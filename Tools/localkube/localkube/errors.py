"""Kubernetes `Status` errors raised by handlers and rendered as HTTP answers."""
from __future__ import annotations

REASONS = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 410: "Gone",
    413: "RequestEntityTooLarge", 415: "UnsupportedMediaType", 422: "Invalid", 429: "TooManyRequests",
    500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout",
}


class ApiError(Exception):
    """An error answered as a `kind: Status` body with the given HTTP code."""

    def __init__(self, code: int, message: str, reason: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or REASONS.get(code, "Unknown")
        self.details = details

    def status(self) -> dict:
        """Return the Status object for this error."""
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": self.reason, "code": self.code}
        if self.details is not None:
            body["details"] = self.details
        return body


def qualified(resource: str, group: str) -> str:
    """Return `resource.group` (or just `resource` for the core group)."""
    return f"{resource}.{group}" if group else resource


def not_found(resource: str, group: str, name: str) -> ApiError:
    """404 NotFound for a named object."""
    return ApiError(404, f'{qualified(resource, group)} "{name}" not found', "NotFound",
                    {"name": name, "group": group, "kind": resource})


def already_exists(resource: str, group: str, name: str) -> ApiError:
    """409 AlreadyExists for a create of an existing name."""
    return ApiError(409, f'{qualified(resource, group)} "{name}" already exists', "AlreadyExists",
                    {"name": name, "group": group, "kind": resource})


def conflict(resource: str, group: str, name: str, why: str | None = None) -> ApiError:
    """409 Conflict for a stale resourceVersion or a failed precondition."""
    why = why or "the object has been modified; please apply your changes to the latest version and try again"
    return ApiError(409, f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": {why}',
                    "Conflict", {"name": name, "group": group, "kind": resource})


def invalid(kind: str, group: str, name: str, causes: list[dict]) -> ApiError:
    """422 Invalid; `causes` are dicts with field, message (already prefixed) and reason."""
    lines = [f'{c["field"]}: {c["message"]}' if c.get("field") else c["message"] for c in causes]
    text = lines[0] if len(lines) == 1 else "[" + ", ".join(lines) + "]"
    gk = f"{kind}.{group}" if group else kind
    return ApiError(422, f'{gk} "{name}" is invalid: {text}', "Invalid",
                    {"name": name, "group": group, "kind": kind, "causes": causes})


def cause(field: str, reason: str, detail: str) -> dict:
    """One `details.causes[]` entry (the Status message adds the field path in front)."""
    return {"reason": reason, "message": detail, "field": field}


def bad_request(message: str) -> ApiError:
    """400 BadRequest."""
    return ApiError(400, message, "BadRequest")


def gone(message: str) -> ApiError:
    """410 Gone (Expired) for a too old resourceVersion or continue token."""
    return ApiError(410, message, "Expired")
