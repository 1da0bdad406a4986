"""GitHub-shaped errors. Raising one anywhere in a handler produces GitHub's error body."""

from __future__ import annotations

DOCS = "https://docs.github.com/rest"

_MESSAGES = {
    400: "Bad Request",
    401: "Requires authentication",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str | None = None,
        errors: list | None = None,
        doc: str = DOCS,
        headers: dict | None = None,
    ):
        self.status = status
        self.message = message or _MESSAGES.get(status, "Error")
        self.errors = errors
        self.doc = doc
        self.headers = headers or {}
        super().__init__(f"{status} {self.message}")

    def body(self) -> dict:
        body: dict = {"message": self.message, "documentation_url": self.doc}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def validation(resource: str, field: str, code: str = "invalid", message: str | None = None,
               top: str = "Validation Failed", value=None) -> ApiError:
    err: dict = {"resource": resource, "field": field, "code": code}
    if message:
        err["message"] = message
    if value is not None:
        err["value"] = value
    return ApiError(422, top, [err])
