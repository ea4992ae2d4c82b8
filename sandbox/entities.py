"""The simulated call centre's objects. Times are simulated seconds since the model started."""

from dataclasses import dataclass, field

NEVER = float("-inf")


@dataclass
class Number:
    pk: int
    number: str
    friendly_name: str
    sms_enabled: bool = True
    mms_enabled: bool = False


@dataclass
class Call:
    """A connected call (or an SMS shown for a few seconds) on one agent."""

    call_id: str
    account_id: int
    agent_pk: int
    direction: str  # "inbound", "outbound" or "sms"
    from_number: str
    to_number: str
    started_at: float
    queue_id: int | None = None
    ends_at: float | None = None  # None: until the control API ends it

    @property
    def is_voice(self) -> bool:
        return self.direction != "sms"


@dataclass
class Agent:
    pk: int
    account_id: int
    presence_id: str
    first_name: str
    last_name: str
    caller_id: str
    registered: bool
    user_key: str
    email: str
    asterisk_user_id: int
    numbers: list[Number] = field(default_factory=list)
    voicemail_enabled: bool = True
    forward_enabled: bool = False
    forward_number: str | None = None
    time_zone: str = "America/New_York"
    channels: dict[str, Call] = field(default_factory=dict)
    wrapup_until: float = NEVER
    ringing_call: str | None = None
    # How the agent answers a ringing queue call: "random" (the simulation decides),
    # "always" (after answer_delay seconds) or "never". Tests use the last two.
    answers: str = "random"
    answer_delay: float = 2.0
    talk_seconds: float | None = None  # None: a random talk time

    @property
    def on_voice_call(self) -> bool:
        return any(call.is_voice for call in self.channels.values())

    def in_wrapup(self, now: float) -> bool:
        return now < self.wrapup_until


@dataclass
class Caller:
    """An inbound caller waiting in a queue (ringing members or between rounds)."""

    call_id: str
    account_id: int
    queue_id: int
    from_number: str
    to_number: str
    joined_at: float
    patience: float | None  # None: never abandons
    state: str = "waiting"  # "waiting", "ringing" or "retry" (pausing between rounds)
    ringing: list[int] = field(default_factory=list)
    round: int = 0


@dataclass
class Queue:
    pk: int
    account_id: int
    queue_name: str
    extension: str
    strategy: str = "ringall"
    musiconhold: str = "default"
    timeout: int = 20
    retry: int = 5
    wrapuptime: int = 10
    maxlen: int = 0
    joinempty: str = "yes"
    leavewhenempty: str = "no"
    ringinuse: str = "no"
    members: list[int] = field(default_factory=list)  # agent pks, in order (linear, rrmemory)
    max_wait: float = 600.0  # scenario setting, not shown by the API
    arrivals_per_hour: float = 30.0
    waiting: list[Caller] = field(default_factory=list)
    connected: set[str] = field(default_factory=set)
    # Per-member history the strategies use: calls answered and when the last one ended.
    member_calls: dict[int, int] = field(default_factory=dict)
    member_last_end: dict[int, float] = field(default_factory=dict)
    rr_last: int | None = None  # last member rung by rrmemory/roundrobin


@dataclass
class Account:
    id: int
    name: str
    developer_key: str
    agents: dict[int, Agent] = field(default_factory=dict)
    queues: dict[int, Queue] = field(default_factory=dict)

    def agent_by_extension(self, extension: str) -> Agent | None:
        return next((a for a in self.agents.values() if a.presence_id == extension), None)

    def number_owner(self, number: str) -> tuple[Agent, Number] | None:
        for agent in self.agents.values():
            for owned in agent.numbers:
                if owned.number == number:
                    return agent, owned
        return None
