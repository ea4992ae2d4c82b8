"""The parts of a Board that rendering and the sockets need, detached from the ORM."""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from django.urls import reverse

from boards.audience import Audience
from boards.layout import with_defaults
from boards.models import Board


@dataclass(frozen=True)
class TileSpec:
    """One tile of a board's layout (boards/layout.py), every option filled in."""

    kind: str
    width: int
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BoardSettings:
    """Read once from the database; nothing is queried through it later."""

    id: int
    slug: str
    title: str
    account_id: int
    queue_ids: tuple[int, ...]
    members_only: bool
    warning_at_or_below: int
    warning_levels: dict[int, int] = field(default_factory=dict)
    poll_interval: float = 2.0
    is_public: bool = False
    public_shows_today: bool = False
    service_window_minutes: int = 30
    public_shows_service_level: bool = False
    leaderboard_size: int = 0
    tv_shows_forecast: bool = False
    public_shows_forecast: bool = False
    # The layout; empty: the classic one (boards/tile_kinds.py).
    tiles: tuple[TileSpec, ...] = ()
    # Look, language and time (the page's attributes; boards/looks.py serves the accent).
    theme: str = "dark"
    accent_color: str = ""
    logo_digest: str = ""  # of the stored logo; "" without one
    language: str = "en"
    clock_hours: int = 24
    time_zone: str = "UTC"
    dim_after_minutes: int = 0

    @classmethod
    def of(cls, board: Board) -> "BoardSettings":
        return cls(
            id=board.pk,
            slug=board.slug,
            title=board.title,
            account_id=board.account.account_id,
            queue_ids=tuple(board.queue_ids or ()),
            members_only=board.agent_scope == Board.AgentScope.MEMBERS,
            warning_at_or_below=board.warning_at_or_below,
            warning_levels=board.warning_levels(),
            poll_interval=board.account.poll_interval_seconds,
            is_public=board.is_public,
            public_shows_today=board.public_shows_today,
            service_window_minutes=board.service_window_minutes,
            public_shows_service_level=board.public_shows_service_level,
            leaderboard_size=board.leaderboard_size,
            tv_shows_forecast=board.tv_shows_forecast,
            public_shows_forecast=board.public_shows_forecast,
            tiles=tuple(
                TileSpec(t.kind, t.width, with_defaults(t.kind, t.options or {}))
                for t in board.tiles.all()
            ),
            theme=board.theme,
            accent_color=board.accent_color,
            logo_digest=board.logo_digest,
            language=board.language,
            clock_hours=board.clock_hours,
            time_zone=board.account.time_zone,
            dim_after_minutes=board.dim_unchanged_after_minutes,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "BoardSettings":
        """What `to_json` wrote (JSON has no tuples and no integer keys)."""
        values = json.loads(text)
        values["queue_ids"] = tuple(values["queue_ids"])
        values["warning_levels"] = {int(k): v for k, v in values["warning_levels"].items()}
        values["tiles"] = tuple(TileSpec(**tile) for tile in values.get("tiles", ()))
        return cls(**values)

    @property
    def look(self) -> str:
        """A short digest of what the page itself shows of the board, outside its body."""
        parts = (self.theme, self.accent_color, self.logo_digest, self.language)
        more = (self.clock_hours, self.time_zone, self.dim_after_minutes)
        text = "|".join(map(str, (*parts, *more)))
        return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:8]

    @property
    def logo_url(self) -> str:
        """The stored logo's address (boards/look_views.py); "" without a logo."""
        if not self.logo_digest:
            return ""
        return reverse("board-logo", kwargs={"board_id": self.id, "digest": self.logo_digest})

    def has_tile(self, kind: str) -> bool:
        return any(t.kind == kind for t in self.tiles)

    @property
    def leaders_shown(self) -> int:
        """How many top agents a render ranks: the board's leaderboard or its largest tile's."""
        sizes = [t.options["size"] for t in self.tiles if t.kind == "leaderboard"]
        return max([self.leaderboard_size, *sizes])

    def warning_level(self, queue_id: int) -> int:
        return self.warning_levels.get(queue_id, self.warning_at_or_below)

    @property
    def audiences(self) -> tuple[Audience, ...]:
        """Every audience the board is rendered for: the public only where it is public."""
        return tuple(a for a in Audience if a is not Audience.PUBLIC or self.is_public)

    def shows_today(self, audience: Audience) -> bool:
        return audience is not Audience.PUBLIC or self.public_shows_today

    def shows_service_level(self, audience: Audience) -> bool:
        return audience is not Audience.PUBLIC or self.public_shows_service_level

    def shows_forecast(self, audience: Audience) -> bool:
        if audience is Audience.PUBLIC:
            return self.public_shows_forecast
        return audience.sees_detail or self.tv_shows_forecast
