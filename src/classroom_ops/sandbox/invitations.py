"""Organization invitations: how people who are not members yet join, and how they fail to.

GitHub's behaviour reproduced (docs "Inviting users to join your organization", REST "List
pending/failed organization invitations", "Add or update team membership for a user"):

- adding a non-member to a team or to the org makes an organization invitation (role
  `direct_member` or `admin`, `team_ids` the teams it will join); their team memberships are
  `pending` and grant nothing until they accept;
- an invitation expires 7 days after `created_at` on the sandbox clock: it leaves the pending lists,
  shows in `failed_invitations` with `failed_at` / `failed_reason`, and the pending team
  memberships it carried are gone; inviting again makes a new invitation;
- in an org seeded with the "friendly" profile every invitation is accepted at once.

Expiry is applied lazily: `sweep` runs at the start of every handler that reads or changes
invitations or memberships, so whatever the clock did in between, the answer is as of now.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import iso, parse_time
from .state import State, key

EXPIRY = timedelta(days=7)
# GitHub's wording in the failed-invitations list; it starts with "Invitation expired".
EXPIRED_REASON = "Invitation expired. User did not accept this invite for 7 days."
ROLES = ("admin", "direct_member", "billing_manager", "reinstate")


def table(state: State) -> dict:
    return state.data.setdefault("org_invitations", {})


def friendly(org: dict) -> bool:
    return org.get("profile") == "friendly"


def sweep(state: State, now: datetime) -> None:
    with state.lock:
        for inv in table(state).values():
            if inv["failed_at"] is None:
                ends = parse_time(inv["created_at"]) + EXPIRY
                if now >= ends:
                    inv["failed_at"] = iso(ends)
                    inv["failed_reason"] = EXPIRED_REASON
                    if inv["login"]:
                        _drop_pending_teams(state, inv["org"], inv["login"])


def _drop_pending_teams(state: State, org_key: str, login_key: str) -> None:
    for team in state.teams(org_key).values():
        member = team["members"].get(login_key)
        if member and member["state"] == "pending":
            del team["members"][login_key]


def of_org(state: State, org_login: str, failed: bool = False) -> list[dict]:
    found = [i for i in table(state).values()
             if i["org"] == key(org_login) and (i["failed_at"] is not None) == failed]
    return sorted(found, key=lambda i: i["id"])


def pending_for(state: State, org_login: str, login: str) -> dict | None:
    for inv in table(state).values():
        if inv["org"] == key(org_login) and inv["login"] == key(login) and \
                inv["failed_at"] is None:
            return inv
    return None


def org_role(inv: dict) -> str:
    """The membership role an invitation leads to (`GET .../memberships/{u}` vocabulary)."""
    return "admin" if inv["role"] == "admin" else "member"


def invite(state: State, org: dict, login: str | None, inviter: str, now: str,
           role: str = "direct_member", team_ids: list[int] = (),
           email: str | None = None) -> dict:
    """Make (or extend) the pending invitation of `login`; returns it. The caller has already
    checked that `login` is not an active member."""
    with state.lock:
        inv = pending_for(state, org["login"], login) if login else None
        if inv is None:
            inv = {"id": state.new_id(), "org": key(org["login"]),
                   "login": key(login) if login else None, "email": email, "role": role,
                   "team_ids": [], "inviter": key(inviter), "created_at": now,
                   "failed_at": None, "failed_reason": None}
            table(state)[str(inv["id"])] = inv
        elif role == "admin":
            inv["role"] = role
        for tid in team_ids:
            if tid not in inv["team_ids"]:
                inv["team_ids"].append(tid)
            if login:
                for team in state.teams(org["login"]).values():
                    if team["id"] == tid:
                        team["members"].setdefault(key(login), {"role": "member",
                                                                "state": "pending"})
        return inv


def accept(state: State, org: dict, login: str) -> bool:
    """The invitee clicks "Join": org membership and every pending team membership in the org
    become active. False when there is nothing (unexpired) to accept."""
    with state.lock:
        inv = pending_for(state, org["login"], login)
        if inv is None:
            return False
        k = key(login)
        org["members"].setdefault(k, org_role(inv))
        for team in state.teams(org["login"]).values():
            member = team["members"].get(k)
            if member and member["state"] == "pending":
                member["state"] = "active"
        del table(state)[str(inv["id"])]
        return True


def cancel(state: State, inv: dict) -> None:
    with state.lock:
        if inv["login"]:
            _drop_pending_teams(state, inv["org"], inv["login"])
        table(state).pop(str(inv["id"]), None)


def cancel_for(state: State, org_login: str, login: str) -> None:
    inv = pending_for(state, org_login, login)
    if inv:
        cancel(state, inv)
