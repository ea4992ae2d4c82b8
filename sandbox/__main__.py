"""`python -m sandbox`: run the Voice360 sandbox (see docs/sandbox.md)."""

import argparse
import os

import uvicorn

from sandbox.app import create_app
from sandbox.runtime import Config
from sandbox.scenarios import DEMO_DEVELOPER_KEY, DEMO_USER_KEY, Keys


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def parse_args(argv: list[str] | None = None) -> Config:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="The Voice360 API sandbox (docs/sandbox.md)."
    )
    parser.add_argument("--host", default=env("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("SANDBOX_PORT", "8001")))
    parser.add_argument(
        "--scenario", choices=["default", "large"], default=env("SANDBOX_SCENARIO", "default")
    )
    parser.add_argument(
        "--seed", type=int, default=int(env("SANDBOX_SEED", "61")), help="same seed, same history"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=float(env("SANDBOX_TIME_SCALE", "1")),
        help="simulated seconds per real second",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        default=int(env("SANDBOX_EXTRA_ACCOUNTS", "0")),
        help="extra small accounts, ids 1001, 1002, ...",
    )
    parser.add_argument(
        "--quiet-activity",
        action="store_true",
        default=env_flag("SANDBOX_QUIET"),
        help="no random activity; only what the API and control API do",
    )
    args = parser.parse_args(argv)
    if args.time_scale < 0 or args.accounts < 0:
        parser.error("--time-scale and --accounts must not be negative")
    keys = Keys(
        env("SANDBOX_DEVELOPER_KEY") or DEMO_DEVELOPER_KEY, env("SANDBOX_USER_KEY") or DEMO_USER_KEY
    )
    return Config(
        host=args.host,
        port=args.port,
        scenario=args.scenario,
        seed=args.seed,
        time_scale=args.time_scale,
        extra_accounts=args.accounts,
        quiet=args.quiet_activity,
        keys=keys,
    )


def banner(config: Config, app_accounts: list[dict[str, object]]) -> str:
    lines = [
        f"Voice360 sandbox: http://{config.host}:{config.port}/v3/voice "
        f"(scenario {config.scenario}, seed {config.seed}, time x{config.time_scale:g}"
        f"{', quiet' if config.quiet else ''})"
    ]
    for account in app_accounts:
        lines.append(
            f"  account {account['id']} {account['name']}: developer key {account['developer_key']}"
        )
        for user in account["user_keys"]:  # type: ignore[attr-defined]
            lines.append(
                f"    user key {user['key']}  ({user['name']}, ext "
                f"{user['presence_id']}, pk {user['pk']})"
            )
    return "\n".join(lines)


def main() -> None:
    from sandbox.state_dump import account_keys

    config = parse_args()
    app = create_app(config)
    accounts = [account_keys(a) for a in app.state.sandbox.model.accounts.values()]
    print(banner(config, accounts), flush=True)
    uvicorn.run(
        app,
        host=config.host,
        port=config.port,
        ws="none",
        access_log=False,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
