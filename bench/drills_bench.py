"""Fault drills: kill -9 each part of the running stack, restart it, and time the boards' recovery.

    .venv/bin/python bench/drills_bench.py                 # every target, restart after 0 s and 5 s
    .venv/bin/python bench/drills_bench.py --delays 1      # one restart delay
    options: --targets web,worker,beat,redis,sandbox  --timeout 45

What it starts (all loopback, free ports, everything stopped on exit, error or Ctrl-C):
  - tests/stack.py's stack (sandbox, daphne with the Procfile's options, one Celery worker,
    beat) with a channel-layer prefix of its own and a PRIVATE redis-server on a free port
    (`--save "" --appendonly no`): the machine's Redis is never killed nor written to;
  - headless Chromium (/usr/bin/chromium) with two boards open: the demo TV board and the
    public status board, each watched the way tests/browser does.

Then, one at a time, for each target and restart delay: SIGKILL to the target's process group;
right after the kill a change in the sandbox (agent 123 starts or ends a call; for the
sandbox drill itself, once it is back: it restarts as a fresh simulated call centre); the
restart as a process manager would do it (same command, same port, after the delay); one
second after the restart a second change (agent 126 registers or unregisters). Anything
else that died meanwhile is restarted too, and noted.

Recovered = every open board shows current data again WITHOUT a page reload: both changes
visible (agent states; queue numbers equal to the sandbox API's), the page's version equal
to the snapshot version in Redis, the page neither STALE nor DISCONNECTED. The time counts
from the kill. Lost = what a board still did not show when the drill gave up (`--timeout`
seconds after the restart), or a page that reloaded. Errors = ERROR/CRITICAL/Traceback lines
the processes logged from the kill until recovery (plus 2 s).

Target: <= 10 s each, nothing lost. Prints a table and a final `RESULT {json}` line.
"""

import argparse
import contextlib
import re
import time
from dataclasses import dataclass, field

from common import CALLER, launch_browser, result_line, run_with_stack
from playwright.sync_api import Page

from tests.browser.board import Tab, open_board, open_tab
from tests.stack import ACCOUNT_ID, Stack, StackError

TARGETS = ("web", "worker", "beat", "redis", "sandbox")
REGISTRANT = 126  # Aisha: unregistered in the seed
TARGET_SECONDS = 10.0
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b")
TRACEBACK = "Traceback (most recent call last)"
# "2026-11-29 12:49:19,277 ERROR logger message": the message without time or ids, to group.
LOG_PREFIX = re.compile(r"^[\d-]+ [\d:,.]+ ")
IDS = re.compile(r"\[[0-9a-f-]{36}\]|\b\d{4,}\b")

# What a board shows, read in one go (a function, not a string to eval: the page's CSP). The
# version is the one the page holds (static/boards/protocol.js keeps it on the body).
PAGE_STATE = """() => {
  const freshness = document.getElementById("freshness");
  const agents = {};
  document.querySelectorAll("[id^='agent-']").forEach((e) => {
    agents[e.id.slice(6)] = e.getAttribute("data-status");
  });
  const queues = {};
  document.querySelectorAll("article[id^='queue-']").forEach((e) => {
    const numbers = {};
    e.querySelectorAll(".tile__number").forEach((n) => {
      numbers[n.querySelector("dt").textContent.trim()] = n.querySelector("dd").textContent.trim();
    });
    const counts = e.querySelector(".tile__counts");
    queues[e.id.slice(6)] = {numbers: numbers, counts: counts ? counts.textContent.trim() : null};
  });
  return {
    version: parseInt(document.body.getAttribute("data-version") || "-1", 10),
    freshness: freshness ? freshness.getAttribute("data-state") : null,
    stale: document.body.classList.contains("is-stale"),
    disconnected: document.body.classList.contains("is-disconnected"),
    loadId: window.__wb.loadId,
    agents: agents,
    queues: queues,
  };
}"""


# ----------------------------------------------------------------------------- the truth


@dataclass
class Truth:
    """What the boards must show: the sandbox's queue numbers and our two agents' states."""

    agents: dict[str, str]
    queues: dict[str, dict]  # queue pk -> agents_available / agents_on_call / agents_online


@dataclass
class World:
    """The changes this run made in the sandbox (which restarts into its seed state)."""

    stack: Stack
    seed_agents: dict[str, str] = field(default_factory=dict)
    call_id: str | None = None
    registered: bool = False
    seed_registered: bool = False

    def learn_seed(self, tv: Page) -> None:
        state = tv.evaluate(PAGE_STATE)
        self.seed_agents = {k: state["agents"][k] for k in (str(CALLER), str(REGISTRANT))}
        self.seed_registered = self.seed_agents[str(REGISTRANT)] != "offline"
        self.registered = self.seed_registered

    def sandbox_restarted(self) -> None:
        self.call_id = None
        self.registered = self.seed_registered

    def toggle_call(self) -> str:
        if self.call_id is None:
            answer = self.stack.control(
                "POST",
                f"/accounts/{ACCOUNT_ID}/calls",
                {"pk": CALLER, "direction": "outbound", "peer": "+15550100300"},
            )
            self.call_id = answer["call_id"]  # type: ignore[index]
            return f"agent {CALLER} starts a call"
        self.stack.control("DELETE", f"/accounts/{ACCOUNT_ID}/calls/{self.call_id}")
        self.call_id = None
        return f"agent {CALLER} ends the call"

    def toggle_registration(self) -> str:
        self.registered = not self.registered
        self.stack.control(
            "PATCH", f"/accounts/{ACCOUNT_ID}/agents/{REGISTRANT}", {"registered": self.registered}
        )
        return f"agent {REGISTRANT} {'registers' if self.registered else 'unregisters'}"

    def truth(self) -> Truth:
        queues = self.stack.api("GET", "/availability/queues")["result"]
        agents = {
            str(CALLER): "on_call" if self.call_id else self.seed_agents[str(CALLER)],
            str(REGISTRANT): "available" if self.registered else "offline",
        }
        if self.registered == self.seed_registered:
            agents[str(REGISTRANT)] = self.seed_agents[str(REGISTRANT)]
        return Truth(agents, {str(q["pk"]): q for q in queues})


# ----------------------------------------------------------------------------- boards


@dataclass
class Board:
    name: str
    tab: Tab
    url: str
    load_id: float = 0.0

    @property
    def page(self) -> Page:
        return self.tab.page

    def open(self) -> None:
        open_board(self.tab, self.url)
        self.load_id = self.page.evaluate("window.__wb.loadId")

    def problems(self, truth: Truth, redis_version: int | None) -> list[str]:
        """What this board shows that is not current; empty when it is."""
        try:
            state = self.page.evaluate(PAGE_STATE)
        except Exception as error:  # a page mid-navigation, a closed browser
            return [f"page unreadable ({type(error).__name__})"]
        found = []
        if state["loadId"] != self.load_id:
            found.append("page RELOADED")
        if state["disconnected"]:
            found.append("DISCONNECTED")
        if state["stale"] or state["freshness"] == "stale":
            found.append("STALE")
        if redis_version is None:
            found.append("Redis unreachable")
        elif state["version"] != redis_version:
            found.append(f"version {state['version']} != Redis {redis_version}")
        if self.name == "tv":
            for pk, status in truth.agents.items():
                if state["agents"].get(pk) != status:
                    found.append(f"agent {pk} {state['agents'].get(pk)} != {status}")
        for pk, queue in truth.queues.items():
            shown = state["queues"].get(pk)
            if shown is None:
                continue  # not on this board
            if self.name == "tv":
                want = {
                    "Available": str(queue["agents_available"]),
                    "On call": str(queue["agents_on_call"]),
                    "Online": str(queue["agents_online"]),
                }
                got = {k: shown["numbers"].get(k) for k in want}
            else:
                want = f"{queue['agents_on_call']} on a call · {queue['agents_online']} online"
                got = shown["counts"]
            if got != want:
                found.append(f"queue {pk} shows {got} != {want}")
        return found


def redis_version(stack: Stack) -> int | None:
    try:
        return stack.snapshot_state()[0]
    except Exception:
        return None


def all_problems(boards: list[Board], truth: Truth, stack: Stack) -> dict[str, list[str]]:
    version = redis_version(stack)
    return {b.name: b.problems(truth, version) for b in boards}


# ----------------------------------------------------------------------------- drills


@dataclass
class DrillResult:
    target: str
    delay: float
    changes: list[str]
    recovered_s: float | None = None
    per_board_s: dict[str, float | None] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    also_restarted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.recovered_s is not None and self.recovered_s <= TARGET_SECONDS and not self.lost

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "delay_s": self.delay,
            "recovered_s": self.recovered_s,
            "per_board_s": self.per_board_s,
            "lost": self.lost,
            "changes": self.changes,
            "error_lines": self.errors,
            "error_samples": self.error_samples,
            "also_restarted": self.also_restarted,
            "met": self.ok,
        }


def log_sizes(stack: Stack) -> dict[str, int]:
    return {
        name: (s.log_path.stat().st_size if s.log_path.exists() else 0)
        for name, s in stack.services.items()
    }


def new_error_lines(stack: Stack, since: dict[str, int]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, service in stack.services.items():
        if not service.log_path.exists():
            continue
        with service.log_path.open("rb") as log:
            log.seek(since.get(name, 0))
            text = log.read().decode(errors="replace")
        # Log records at ERROR or above, and tracebacks that no log record introduced (a crash
        # printed by Python itself); a record's own (chained) traceback is part of that record,
        # e.g. a WARNING's with exc_info.
        lines, in_record = [], False
        for line in text.splitlines():
            if LOG_PREFIX.match(line):  # a new log record
                in_record = True
                if ERROR_LINE.search(line):
                    lines.append(line.strip())
            elif line.startswith("--- "):  # Stack's marker: the process (re)started
                in_record = False
            elif TRACEBACK in line and not in_record:
                lines.append(line.strip())
                in_record = True
        if lines:
            found[name] = lines
    return found


def sleep_watching(seconds: float, boards: list[Board]) -> None:
    """Sleep while letting Playwright deliver the pages' events."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        boards[0].page.wait_for_timeout(min(100, max(1, (end - time.monotonic()) * 1000)))


def revive_dead(stack: Stack, skip: str) -> list[str]:
    """As a process manager would: start whatever else exited."""
    revived = []
    for name, service in stack.services.items():
        if name != skip and service.process is not None and not service.running:
            service.start()
            revived.append(name)
    return revived


def settle(stack: Stack, world: World, boards: list[Board], timeout: float = 60) -> None:
    """Before a drill: everything up and every board current."""
    revive_dead(stack, skip="")
    deadline = time.monotonic() + timeout
    truth = world.truth()
    while time.monotonic() < deadline:
        problems = all_problems(boards, truth, stack)
        if not any(problems.values()):
            sleep_watching(1.0, boards)
            return
        sleep_watching(0.2, boards)
    raise StackError(f"the boards did not settle before the next drill: {problems}")


def drill(
    stack: Stack, world: World, boards: list[Board], target: str, delay: float, timeout: float
) -> DrillResult:
    settle(stack, world, boards)
    for board in boards:
        board.load_id = board.page.evaluate("window.__wb.loadId")
    logs = log_sizes(stack)
    changes: list[str] = []
    killed = time.monotonic()
    stack.kill(target)
    if target != "sandbox":
        changes.append(world.toggle_call())
    if target == "redis":
        world.stack.redis.connection_pool.disconnect()
    sleep_watching(delay, boards)
    stack.start_service(target, wait=False)
    restarted = time.monotonic()
    if target == "sandbox":
        world.sandbox_restarted()
        stack.wait_ready("sandbox")
        changes.append(world.toggle_call())
    elif target == "redis":
        stack.wait_ready("redis")
    sleep_watching(max(0.0, restarted + 1.0 - time.monotonic()), boards)
    changes.append(world.toggle_registration())
    truth = world.truth()
    result = DrillResult(target, delay, changes)
    result.per_board_s = {b.name: None for b in boards}
    deadline = restarted + timeout
    problems: dict[str, list[str]] = {}
    while time.monotonic() < deadline:
        result.also_restarted += revive_dead(stack, skip=target)
        problems = all_problems(boards, truth, stack)
        now = time.monotonic() - killed
        for name, found in problems.items():
            if not found and result.per_board_s[name] is None:
                result.per_board_s[name] = round(now, 2)
            elif found and result.per_board_s[name] is not None and "page RELOADED" in found:
                result.per_board_s[name] = None
        if not any(problems.values()):
            result.recovered_s = round(now, 2)
            break
        sleep_watching(0.1, boards)
    else:
        result.lost = [f"{name}: {', '.join(found)}" for name, found in problems.items() if found]
    sleep_watching(2.0, boards)
    errors = new_error_lines(stack, logs)
    result.errors = {name: len(lines) for name, lines in errors.items()}
    for name, lines in errors.items():
        kinds: dict[str, int] = {}
        for line in lines:
            kind = IDS.sub("…", LOG_PREFIX.sub("", line))[:140]
            kinds[kind] = kinds.get(kind, 0) + 1
        result.error_samples += [f"{name}: {n} x {kind}" for kind, n in kinds.items()]
    return result


# ----------------------------------------------------------------------------- output


def table(results: list[DrillResult]) -> str:
    rows = [
        "| killed (-9) | restart after | change(s) | recovered in | per board (TV / public) "
        "| lost | error lines in logs | <= 10 s, nothing lost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        boards = " / ".join("-" if v is None else f"{v:.1f} s" for v in r.per_board_s.values())
        errors = ", ".join(f"{k} {v}" for k, v in r.errors.items()) or "none"
        if r.also_restarted:
            errors += f" (also restarted: {', '.join(sorted(set(r.also_restarted)))})"
        recovered = "NOT recovered" if r.recovered_s is None else f"{r.recovered_s:.1f} s"
        rows.append(
            f"| {r.target} | {r.delay:g} s | {'; '.join(r.changes)} | {recovered} | {boards} "
            f"| {'; '.join(r.lost) or 'nothing'} | {errors} | {'yes' if r.ok else 'NO'} |"
        )
    return "\n".join(rows)


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--delays", default="0,5", help="restart delays in seconds")
    parser.add_argument("--timeout", type=float, default=45.0, help="give up after (s)")
    parser.add_argument("--quick", action="store_true", help="one restart delay (1 s)")
    args = parser.parse_args()
    if args.quick:
        args.delays = "1"
    args.targets = [t for t in args.targets.split(",") if t]
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {sorted(unknown)}")
    args.delays = [float(d) for d in args.delays.split(",") if d]
    return args


def run(args: argparse.Namespace, stack: Stack, playwright) -> list[DrillResult]:
    stack.start()
    print(
        f"stack up: web :{stack.web_port}, sandbox :{stack.sandbox_port}, "
        f"private Redis {stack.redis_url}; logs in {stack.workdir / 'logs'}"
    )
    browser = launch_browser(playwright)
    try:
        boards = [
            Board("tv", open_tab(browser), stack.tv_url()),
            Board("public", open_tab(browser), stack.public_url()),
        ]
        for board in boards:
            board.tab.expect_connection_errors = True
            board.open()
        world = World(stack)
        world.learn_seed(boards[0].page)
        results = []
        for delay in args.delays:
            for target in args.targets:
                print(f"-- kill -9 {target}, restart after {delay:g} s ...", flush=True)
                try:
                    r = drill(stack, world, boards, target, delay, args.timeout)
                except StackError as error:  # e.g. the boards never settled after the last
                    r = DrillResult(target, delay, [], lost=[f"not run: {error}"])
                state = "NOT recovered" if r.recovered_s is None else f"{r.recovered_s:.1f} s"
                print(f"   {state}; lost: {r.lost or 'nothing'}; errors: {r.errors or 'none'}")
                for sample in r.error_samples:
                    print(f"     {sample}")
                results.append(r)
        return results
    finally:
        with contextlib.suppress(Exception):
            browser.close()


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    stack, results = run_with_stack("drills", args, run)
    print(f"\n=== fault drills (restart delays {args.delays} s; demo TV + public board) ===")
    print(table(results))
    met = all(r.ok for r in results)
    print(f"target (<= {TARGET_SECONDS:g} s each, nothing lost): {'MET' if met else 'MISSED'}")
    print(f"(run took {time.monotonic() - started:.0f} s; logs in {stack.workdir / 'logs'})")
    print(
        result_line(
            {
                "bench": "drills",
                "mode": f"delays {','.join(f'{d:g}' for d in args.delays)} s",
                "met": met,
                "drills": [r.as_dict() for r in results],
            }
        )
    )


if __name__ == "__main__":
    main()
