"""A lease in the instructors' repository, so two deadline checks of the same teams never run at
once (a manual dispatch while the schedule runs would otherwise open two issues per team).

GitHub has no lock API, but creating refs is atomic and listing them is cheap. A lease is a ref
`refs/classroom-ops/lease/<scope>/<expiry>-<nonce>` pointing at any commit of the repository
(outside refs/heads and refs/tags: no branch, no tag, no workflow trigger). To take it:
list the scope's leases; if one has not expired, stop; else create ours and list again: if any
other unexpired lease is there now, both runs raced, so ours is removed and this run stops too
(safe: nobody proceeds twice; the next scheduled run goes on). A crashed run's lease expires on
its own and the next run deletes it. Its lifetime is the check job's `timeout-minutes` in the
deadline-check workflow (a test holds the two equal): the lease is taken after the job starts, so
it never expires while its job may still run, and a run killed with it blocks others no longer.
When a person knows the run that holds it is dead (the Actions tab shows no check running),
`check --lease R --break-lease` deletes the scope's leases at once, printing each.
Cost: 3 reads and 2 writes a run.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from ..errors import ClassroomOpsError, GitHubError, UsageError

PREFIX = "classroom-ops/lease"
JOB_TIMEOUT_MINUTES = 60  # the check job's timeout-minutes in .github/workflows/deadline-check.yml
DURATION = timedelta(minutes=JOB_TIMEOUT_MINUTES)


class LeaseHeld(ClassroomOpsError):
    pass


def _scope(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower().replace("/", "-of-")).strip("-") or "all"


class Lease:
    def __init__(self, gh, repo: str, *, scope: str, now: datetime):
        if not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", repo or ""):
            raise UsageError(f"--lease {repo}: give the instructors' repository as OWNER/REPO")
        self.gh, self.repo, self.now = gh, repo, now
        self.prefix = f"{PREFIX}/{_scope(scope)}/"
        expiry = int((now + DURATION).timestamp())
        self.ref = f"{self.prefix}{expiry}-{secrets.token_hex(4)}"
        self.held = False

    def _leases(self) -> dict[str, int]:
        """Every lease of this scope: ref (without refs/) -> expiry (epoch seconds)."""
        out = {}
        for ref in self.gh.list_matching_refs(self.repo, self.prefix):
            name = ref.removeprefix("refs/")
            m = re.fullmatch(re.escape(self.prefix) + r"(\d+)-[0-9a-f]+", name)
            if m:
                out[name] = int(m[1])
        return out

    def _others(self) -> tuple[list[int], list[str]]:
        """(expiry of every other live lease, refs of expired ones)."""
        now = self.now.timestamp()
        leases = {ref: exp for ref, exp in self._leases().items() if ref != self.ref}
        return ([exp for exp in leases.values() if exp > now],
                [ref for ref, exp in leases.items() if exp <= now])

    def break_all(self) -> list[str]:
        """Delete every lease of this scope, live or not (a person said the run holding it is
        dead); one line per lease broken, saying when it was taken."""
        lines = []
        try:
            for ref, exp in sorted(self._leases().items()):
                taken = datetime.fromtimestamp(exp, tz=self.now.tzinfo) - DURATION
                age = max(0, int((self.now - taken).total_seconds() // 60))
                self.gh.delete_ref(self.repo, ref)
                lines.append(f"broke the lease refs/{ref} in {self.repo}, taken "
                             f"{taken:%Y-%m-%d %H:%M %Z} ({age} min ago)")
        except GitHubError as e:
            raise UsageError(f"--break-lease: cannot delete the leases in {self.repo} ({e}); "
                             "the token needs contents: write on that repository") from None
        return lines

    def _live_others(self) -> list[int]:
        return self._others()[0]

    def acquire(self) -> None:
        try:
            others, dead = self._others()
            if others:
                raise self._held(max(others))
            for ref in dead:  # a crashed run's lease, expired: tidy it away
                self.gh.delete_ref(self.repo, ref)
            heads = self.gh.list_matching_refs(self.repo, "heads/")
            if not heads:
                raise UsageError(f"--lease {self.repo}: the repository has no branch to point "
                                 "a lease at; push a first commit to it")
            sha = next(iter(sorted(heads.items())))[1][1]
            self.gh.set_ref(self.repo, self.ref, sha, exists=False)
            self.held = True
            others = self._live_others()
        except GitHubError as e:
            raise UsageError(f"--lease {self.repo}: cannot take the lease ({e}); the token "
                             "needs contents: write on that repository") from None
        if others:  # another run took one at the same moment: neither goes on
            self.release()
            raise self._held(max(others))

    def _held(self, expiry: int) -> LeaseHeld:
        until = datetime.fromtimestamp(expiry, tz=self.now.tzinfo).strftime("%Y-%m-%d %H:%M %Z")
        return LeaseHeld(f"another deadline check of these teams is running (its lease in "
                         f"{self.repo} lasts until {until} at the latest); this run stopped "
                         "before writing anything: the next run goes on. If that run is "
                         "dead (the Actions tab shows no check running), rerun with "
                         "--break-lease")

    def release(self) -> bool:
        """Give the lease back; False when GitHub refused (a rate limit that stopped the run):
        it then expires on its own."""
        if not self.held:
            return True
        try:
            self.gh.delete_ref(self.repo, self.ref)
        except ClassroomOpsError:
            return False
        self.held = False
        return True
