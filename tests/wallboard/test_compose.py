"""docker-compose.yml agrees with the Procfile and the settings; no Docker engine runs here."""

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _procfile() -> dict[str, list[str]]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        entries[name.strip()] = shlex.split(command)
    return entries


def _without_address(argv: list[str]) -> list[str]:
    """The command without its bind address and port, which differ by design in a container."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in {"--bind", "--host", "--port", "-e"}:
            skip = True
        else:
            kept.append(arg)
    return kept


def test_every_service_has_a_health_check_and_a_restart_policy() -> None:
    for name, service in SERVICES.items():
        assert "test" in service.get("healthcheck", {}), f"{name} has no health check"
        assert service.get("restart") == "unless-stopped", f"{name} has no restart policy"


def test_app_services_run_the_same_programs_as_the_procfile() -> None:
    procfile = _procfile()
    for name in ("web", "worker", "beat", "sandbox"):
        compose_argv = _without_address(SERVICES[name]["command"])
        assert compose_argv == _without_address(procfile[name]), name


def test_the_sandbox_is_left_out_of_production_by_a_profile() -> None:
    assert SERVICES["sandbox"]["profiles"] == ["sandbox"]
    for name in ("redis", "web", "worker", "beat"):
        assert "profiles" not in SERVICES[name]


def test_web_and_worker_can_be_scaled_because_they_publish_no_fixed_host_port() -> None:
    for name in ("web", "worker"):
        for port in SERVICES[name].get("ports", []):
            assert ":" not in str(port), f"{name} binds a fixed host port: {port}"
        assert "container_name" not in SERVICES[name]


def test_app_services_read_env_names_that_the_settings_know() -> None:
    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    for name in ("web", "worker", "beat"):
        service = SERVICES[name]
        assert service["env_file"] == ".env"
        assert set(service["environment"]) <= listed
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def _backlog(argv: list[str]) -> int:
    endpoint = argv[argv.index("-e") + 1]
    return int(dict(p.split("=", 1) for p in endpoint.split(":")[1:])["backlog"])


def _dockerfile_cmd() -> list[str]:
    line = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")
    )
    return yaml.safe_load(line.removeprefix("CMD "))


def test_daphne_listens_with_the_same_backlog_everywhere_and_the_container_allows_it() -> None:
    """Daphne's default backlog (Twisted's 50) failed the handshakes of a reconnect storm."""
    procfile, compose = _procfile()["web"], SERVICES["web"]["command"]
    backlogs = {_backlog(procfile), _backlog(compose), _backlog(_dockerfile_cmd())}
    assert len(backlogs) == 1
    backlog = backlogs.pop()
    assert backlog >= 4096
    assert int(SERVICES["web"]["sysctls"]["net.core.somaxconn"]) >= backlog


def test_the_image_runs_daphne_as_the_procfile_does() -> None:
    assert _without_address(_dockerfile_cmd()) == _without_address(_procfile()["web"])
