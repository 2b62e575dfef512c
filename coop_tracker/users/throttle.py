"""Login throttling: failed logins slow further tries down; nothing locks an account.

Only failures count. Three counters are kept for every failed login:

- the account *from this address* (``pair``): a few free tries, then a doubling wait;
- the account from anywhere (``account``): more free tries and a short maximum wait, so a guess
  spread over many addresses is slowed while the owner is never kept out for long;
- the address (``address``): many free tries (a town hall behind one address), then a doubling
  wait, which slows one address trying many accounts.

While a counter says wait, the attempt is refused with 429 and the time left, the password is
not checked and the refusal is not counted. A successful login clears the account's counters
(never the address's). Counters are forgotten after ``window`` without failures.

The counters live where every worker and server sees them: in the database by default
(``LOGIN_THROTTLE_STORAGE = "database"``), or in Redis (``"redis://host:6379/0"``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from coop_tracker.users.models import LoginFailure


@dataclass(frozen=True)
class Rule:
    """How one kind of counter slows: ``free`` failures without a wait, then 1 s, 2 s, 4 s …
    up to ``max_wait``."""

    kind: str
    free: int
    max_wait: timedelta


DEFAULT_RULES = (
    Rule("pair", free=5, max_wait=timedelta(minutes=15)),
    Rule("account", free=20, max_wait=timedelta(minutes=1)),
    Rule("address", free=50, max_wait=timedelta(minutes=15)),
)
DEFAULT_WINDOW = timedelta(hours=24)


def wait_after(failures: int, rule: Rule) -> timedelta:
    """How long to wait after the n-th failure (zero while failures are free)."""
    over = failures - rule.free
    if over < 0:
        return timedelta(0)
    seconds = 2 ** min(over, 30)
    return min(timedelta(seconds=seconds), rule.max_wait)


def _key(kind: str, value: str) -> str:
    # Hashed: the table and Redis hold no e-mail addresses or IP addresses in the clear.
    return f"{kind}:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:40]


def pair_key(email: str, address: str) -> str:
    """The account-from-an-address counter: it starts with the account's own part, so an
    administrator can clear every address's counter of one account (``unlock``)."""
    return (
        _pair_prefix(email)
        + hashlib.sha256(f"{email}|{address}".encode("utf-8", "replace")).hexdigest()[:38]
    )


def _pair_prefix(email: str) -> str:
    return "pair:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:20] + ":"


def account_key(email: str) -> str:
    return _key("account", (email or "").strip().lower()[:254])


def account_failures(store: Store, email: str, now: datetime) -> int:
    """Failed logins to the account (from anywhere) within the window."""
    key = account_key(email)
    return store.read([key], now).get(key, (0, now))[0]


def is_slowed(store: Store, email: str, now: datetime, rules: tuple[Rule, ...]) -> bool:
    """Whether logins to the account are held back now: more failures than an address gets
    for free (the smallest ``free`` of the rules), so at least one address has to wait."""
    free = min(rule.free for rule in rules)
    return account_failures(store, email, now) > free


def unlock(store: Store, email: str) -> None:
    """Forget the account's counters, from every address: its next login is not held back."""
    email = (email or "").strip().lower()[:254]
    store.clear([_key("account", email)])
    store.clear_prefix(_pair_prefix(email))


class Store(Protocol):
    """Where counters live: ``read`` gives (failures, last failure) per key."""

    def read(self, keys: list[str], now: datetime) -> dict[str, tuple[int, datetime]]: ...

    def add_failure(self, keys: list[str], now: datetime) -> None: ...

    def clear(self, keys: list[str]) -> None: ...

    def clear_prefix(self, prefix: str) -> None: ...


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DatabaseStore:
    """Counters as rows of ``login_failure`` in the request's session (committed with it)."""

    def __init__(self, session: Session, window: timedelta) -> None:
        self.session = session
        self.window = window

    def read(self, keys: list[str], now: datetime) -> dict[str, tuple[int, datetime]]:
        rows = self.session.execute(
            select(LoginFailure.key, LoginFailure.failures, LoginFailure.last_failure_at).where(
                LoginFailure.key.in_(keys)
            )
        )
        found = {}
        for key, failures, last in rows:
            last = _aware(last)
            if now - last <= self.window:
                found[key] = (failures, last)
        return found

    def add_failure(self, keys: list[str], now: datetime) -> None:
        # One upsert per key: parallel workers never lose a count, and a counter past its
        # window starts again from one.
        if self.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        fresh = LoginFailure.last_failure_at >= now - self.window
        for key in keys:
            statement = insert(LoginFailure).values(key=key, failures=1, last_failure_at=now)
            statement = statement.on_conflict_do_update(
                index_elements=[LoginFailure.key],
                set_={
                    "failures": case((fresh, LoginFailure.failures + 1), else_=1),
                    "last_failure_at": now,
                },
            )
            self.session.execute(statement)

    def clear(self, keys: list[str]) -> None:
        self.session.execute(
            delete(LoginFailure)
            .where(LoginFailure.key.in_(keys))
            .execution_options(synchronize_session=False)
        )

    def clear_prefix(self, prefix: str) -> None:
        self.session.execute(
            delete(LoginFailure)
            .where(LoginFailure.key.startswith(prefix, autoescape=True))
            .execution_options(synchronize_session=False)
        )


class RedisStore:
    """Counters in Redis: a hash per key that expires ``window`` after its last failure."""

    PREFIX = "coop_tracker:login:"

    def __init__(self, url: str, window: timedelta) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, decode_responses=True)
        self.window = window

    def read(self, keys: list[str], now: datetime) -> dict[str, tuple[int, datetime]]:
        pipe = self.client.pipeline()
        for key in keys:
            pipe.hmget(self.PREFIX + key, ["failures", "last"])
        found = {}
        for key, (failures, last) in zip(keys, pipe.execute(), strict=True):
            if failures is None or last is None:
                continue
            moment = datetime.fromtimestamp(float(last), UTC)
            if now - moment <= self.window:
                found[key] = (int(failures), moment)
        return found

    def add_failure(self, keys: list[str], now: datetime) -> None:
        pipe = self.client.pipeline()
        for key in keys:
            name = self.PREFIX + key
            pipe.hincrby(name, "failures", 1)
            pipe.hset(name, "last", str(now.timestamp()))
            pipe.expire(name, int(self.window.total_seconds()))
        pipe.execute()

    def clear(self, keys: list[str]) -> None:
        self.client.delete(*(self.PREFIX + key for key in keys))

    def clear_prefix(self, prefix: str) -> None:
        names = list(self.client.scan_iter(match=self.PREFIX + prefix + "*"))
        if names:
            self.client.delete(*names)


class LoginThrottle:
    """The three counters of one login attempt (an e-mail as typed, a client address)."""

    def __init__(
        self,
        store: Store,
        email: str,
        address: str,
        rules: tuple[Rule, ...] = DEFAULT_RULES,
    ) -> None:
        self.store = store
        self.rules = {rule.kind: rule for rule in rules}
        email = (email or "").strip().lower()[:254]
        address = address or "unknown"
        self.keys = {
            "pair": pair_key(email, address),
            "account": _key("account", email),
            "address": _key("address", address),
        }

    def wait(self, now: datetime) -> timedelta:
        """How long this attempt must still wait (zero: go ahead)."""
        counters = self.store.read(list(self.keys.values()), now)
        longest = timedelta(0)
        for kind, key in self.keys.items():
            if key not in counters or kind not in self.rules:
                continue
            failures, last = counters[key]
            left = last + wait_after(failures, self.rules[kind]) - now
            longest = max(longest, left)
        return longest

    def failed(self, now: datetime) -> None:
        self.store.add_failure(list(self.keys.values()), now)

    def succeeded(self) -> None:
        self.store.clear([self.keys["pair"], self.keys["account"]])


def prune_login_failures(
    session: Session, *, now: datetime, window: timedelta, dry_run: bool = False
) -> int:
    """Delete the login-failure counters whose last failure is older than ``window`` (the
    retention run's share of personal data); returns how many (counted only, in a dry run)."""
    expired = LoginFailure.last_failure_at < now - window
    count = session.scalar(select(func.count()).select_from(LoginFailure).where(expired)) or 0
    if not dry_run:
        session.execute(
            delete(LoginFailure).where(expired).execution_options(synchronize_session=False)
        )
    return count


def store_for(config: Any, session: Session) -> Store:
    """The configured store: the database, or Redis when ``LOGIN_THROTTLE_STORAGE`` is a
    ``redis://`` (or ``rediss://``) URL."""
    storage = str(config.get("LOGIN_THROTTLE_STORAGE") or "database")
    window = timedelta(hours=float(config.get("LOGIN_THROTTLE_WINDOW_HOURS", 24)))
    if storage.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(storage, window)
    if storage != "database":
        raise ValueError(f"LOGIN_THROTTLE_STORAGE: unknown storage {storage!r}")
    return DatabaseStore(session, window)


def rules_from(config: Any) -> tuple[Rule, ...]:
    """The rules, with free tries and maximum waits overridable in the configuration."""
    rules = []
    for rule in DEFAULT_RULES:
        name = rule.kind.upper()
        free = int(config.get(f"LOGIN_FREE_FAILURES_{name}", rule.free))
        seconds = config.get(f"LOGIN_MAX_WAIT_SECONDS_{name}")
        max_wait = timedelta(seconds=float(seconds)) if seconds is not None else rule.max_wait
        rules.append(Rule(rule.kind, free, max_wait))
    return tuple(rules)
