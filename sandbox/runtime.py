"""The running sandbox: configuration, clock, model, limits, faults and webhooks together."""

from dataclasses import dataclass, field

from sandbox.auth import Principal, key_index
from sandbox.clock import SimClock
from sandbox.faults import Faults
from sandbox.model import Model
from sandbox.ratelimit import SlidingWindowLimiter
from sandbox.scenarios import Keys, build
from sandbox.webhooks import WebhookDispatcher

KEY_LIMIT = 1000
IP_LIMIT = 100
WINDOW_SECONDS = 60.0
WEBHOOK_BACKOFF_SECONDS = 1.0


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 8001
    scenario: str = "default"
    seed: int = 61
    time_scale: float = 1.0
    extra_accounts: int = 0
    quiet: bool = False
    keys: Keys = field(default_factory=Keys)


@dataclass
class Limits:
    key_limit: int = KEY_LIMIT
    ip_limit: int = IP_LIMIT


class Sandbox:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clock = SimClock(config.time_scale)
        self.limiter = SlidingWindowLimiter(WINDOW_SECONDS)
        self.limits = Limits()
        self.webhooks = WebhookDispatcher(self.clock.epoch, WEBHOOK_BACKOFF_SECONDS)
        self.faults = Faults(config.seed)
        self.model = self._build(config.scenario, config.seed, config.extra_accounts, config.quiet)

    def _build(self, scenario: str, seed: int, extra_accounts: int, quiet: bool) -> Model:
        accounts = build(scenario, seed, extra_accounts, self.config.keys)
        model = Model(accounts, seed, quiet)
        model.listeners.append(self.webhooks.on_event)
        self.keys: dict[str, Principal] = key_index(accounts)
        return model

    def reset(self, scenario: str, seed: int, extra_accounts: int, quiet: bool) -> None:
        """A fresh model at simulated second 0; faults, counters, webhooks and limits cleared."""
        self.webhooks.clear()
        self.webhooks.backoff_seconds = WEBHOOK_BACKOFF_SECONDS
        self.faults = Faults(seed)
        self.limiter.clear()
        self.limiter.window_seconds = WINDOW_SECONDS
        self.limits = Limits()
        self.clock.restart()
        self.clock.set_scale(self.config.time_scale)
        self.model = self._build(scenario, seed, extra_accounts, quiet)

    def refresh_keys(self) -> None:
        self.keys = key_index(list(self.model.accounts.values()))

    def sync(self) -> None:
        """Brings the model up to the clock; every request calls it before reading."""
        self.model.advance_to(self.clock.elapsed())

    def epoch(self) -> float:
        return self.clock.epoch(self.model.now)
