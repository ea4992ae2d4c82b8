"""The layout rules of docs/architecture.md, checked on the tree itself.

- Apps import each other in one direction only: no cycle between apps, from `ast`. The
  project's entry points (wallboard.urls, wallboard.asgi: they compose every app and nothing
  imports them) stand above the apps; the rest of the project package below them.
- No product module over 300 lines, no template line over 160 characters.
- static/boards/fit.css is what boards/fitting.py generates.
"""

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from boards.fitting import fit_css

ROOT = Path(__file__).resolve().parents[2]
APPS = {
    p.name
    for p in ROOT.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"tests", "bench", "docs"}
}
ENTRY_POINTS = {"wallboard.urls", "wallboard.asgi"}
MAX_MODULE_LINES = 300
MAX_TEMPLATE_LINE = 160


def product_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(path: Path) -> set[str]:
    """Every module an import in the file names, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def app_of(module: str) -> str | None:
    if module in ENTRY_POINTS:
        return "wallboard:entry"
    top = module.split(".")[0]
    return top if top in APPS else None


def app_graph() -> dict[str, dict[str, set[str]]]:
    """app -> app it imports -> the modules that do it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in product_modules():
        source = app_of(module_name(path))
        for imported in imported_modules(path):
            target = app_of(imported)
            if (
                target is not None
                and target != source
                and not imported.startswith(tuple(f"{e}." for e in ENTRY_POINTS))
            ):
                graph[source][target].add(module_name(path))
    return graph


def find_cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for target in graph.get(node, {}):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target] if target in path else [node, target]
            if target not in state and (cycle := visit(target, [*path, target])):
                return cycle
        state[node] = "done"
        return None

    for node in list(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_the_check_sees_the_apps_and_their_imports():
    graph = app_graph()
    assert {"boards", "polling", "live", "snapshots", "alerts", "webhooks"} <= APPS
    assert "boards" in graph["polling"]  # the publisher renders boards
    assert find_cycle({"a": {"b": set()}, "b": {"a": set()}}) is not None


def test_no_app_imports_another_that_imports_it_back():
    graph = app_graph()
    cycle = find_cycle(graph)
    if cycle:
        pairs = itertools.pairwise(cycle)
        detail = "; ".join(f"{a} -> {b} in {sorted(graph[a][b])}" for a, b in pairs)
        pytest.fail(f"import cycle between apps: {' -> '.join(cycle)} ({detail})")


def test_no_entry_point_is_imported_by_an_app():
    for path in product_modules():
        assert not imported_modules(path) & ENTRY_POINTS, path


@pytest.mark.parametrize("path", product_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_product_module_is_longer_than_the_limit(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by what its parts do"


def test_no_script_or_stylesheet_is_longer_than_the_limit():
    long = {
        p.name: n
        for p in (ROOT / "static" / "boards").iterdir()
        if p.suffix in {".js", ".css"} and (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_template_line_is_longer_than_the_limit():
    templates = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.svg")]
    long = [
        f"{path.relative_to(ROOT)}:{number} ({len(line)})"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if len(line) > MAX_TEMPLATE_LINE
    ]
    assert templates and long == []


def test_the_fit_stylesheet_is_generated_from_its_one_source():
    on_disk = (ROOT / "static" / "boards" / "fit.css").read_text()
    assert on_disk == fit_css(), "run: python manage.py write_fit_css"
