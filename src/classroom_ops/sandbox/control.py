"""The /_sandbox/ control API: clock, accounts, request log, faults, rate-limit budgets.

Only the admin token may use it; anyone else gets the 404 GitHub gives for an unknown path, so a
tool under test cannot come to depend on it by accident.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .accounts import (
    INSTALLATION_LIFETIME,
    accept_invitations,
    create_installation,
    create_org,
    create_user,
    seed,
)
from .clock import iso, parse_duration, parse_time
from .errors import ApiError
from .faults import FaultError
from .routing import Response

if TYPE_CHECKING:
    from .server import App


def handle(app: App, method: str, path: str, query: dict, headers: dict,
           body: bytes) -> Response:
    user, bad = app.authenticate(headers)
    if bad or not user or user["token"] != app.admin_token:
        return Response(404, ApiError(404).body())
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return Response(400, ApiError(400, "Problems parsing JSON").body())
    try:
        resp = dispatch(app, method, path.rstrip("/"), query, data)
    except ApiError as err:
        return Response(err.status, err.body())
    except (ValueError, KeyError, TypeError, FaultError) as exc:
        return Response(422, ApiError(422, f"invalid control request: {exc}").body())
    if method != "GET":
        app.save()
    return resp


def dispatch(app: App, method: str, path: str, query: dict, data: dict) -> Response:
    route = (method, path)
    if route == ("GET", "/_sandbox/clock"):
        return Response(200, app.clock.state())
    if route == ("POST", "/_sandbox/clock"):
        frozen = data.get("frozen")
        if "now" in data:
            app.clock.set(parse_time(data["now"]), frozen=frozen)
        elif "advance" in data:
            app.clock.advance(parse_duration(data["advance"]))
            if frozen is not None:
                app.clock.set(app.clock.now(), frozen=frozen)
        elif frozen is not None:
            app.clock.set(app.clock.now(), frozen=frozen)
        else:
            raise ValueError('give "now" (ISO 8601) or "advance" (e.g. "2d")')
        return Response(200, app.clock.state())
    if route == ("POST", "/_sandbox/users"):
        login = data["login"]
        return Response(201, {"login": login, "token": create_user(
            app, login, data.get("permissions"), data.get("scopes"))})
    if route == ("POST", "/_sandbox/installations"):
        token = create_installation(app, data["org"], data.get("permissions"))
        expires = iso(app.clock.now() + INSTALLATION_LIFETIME)
        return Response(201, {"token": token, "expires_at": expires})
    if route == ("POST", "/_sandbox/orgs"):
        org = create_org(app, data["login"], data.get("owners", []), data.get("members", []),
                         base_permission=data.get("base_permission", "read"))
        return Response(201, {"login": org["login"], "id": org["id"]})
    if route == ("POST", "/_sandbox/seed"):
        return Response(200, {"tokens": seed(app, data)})
    if route == ("POST", "/_sandbox/invitations/accept"):
        return Response(200, {"accepted": accept_invitations(app, data["login"])})
    if route == ("GET", "/_sandbox/requests"):
        with app.log_lock:
            return Response(200, {"requests": list(app.log)})
    if route == ("DELETE", "/_sandbox/requests"):
        with app.log_lock:
            app.log.clear()
        return Response(204)
    if route == ("GET", "/_sandbox/faults"):
        return Response(200, {"faults": app.faults.list()})
    if route == ("POST", "/_sandbox/faults"):
        return Response(201, app.faults.add(data))
    if route == ("DELETE", "/_sandbox/faults"):
        app.faults.clear()
        return Response(204)
    if route == ("POST", "/_sandbox/ratelimit"):
        who = data.get("login")
        status = app.limits.set(who, data.get("resource", "core"), data.get("remaining"),
                                data.get("limit"))
        return Response(200, status)
    if route == ("DELETE", "/_sandbox/ratelimit"):
        app.limits.reset_all()
        return Response(204)
    raise ApiError(404)
