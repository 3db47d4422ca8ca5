"""The architecture holds: registry ← graph ← render ← web ← tvb, every import pointing
down; blueprints share helpers only through ``web.links``; configuration is read only by
the command line and ``web.create_app``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {"registry": {"graph", "render", "web", "tvb"}, "graph": {"render", "web", "tvb"},
             "render": {"web", "tvb"}, "web": {"tvb"}}
#: Where the environment may be read: the command line, and the app factory's module.
CONFIG_READERS = {"tvb", "web/__init__.py"}


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_down(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = _imports(path) & FORBIDDEN[package]
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def _web_modules(path: Path) -> set[str]:
    """The ``web`` modules *path* imports, relatively or absolutely, at any depth."""
    out = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                out.add(node.module.split(".")[0])
            elif node.level == 1:
                out.update(a.name for a in node.names)
            elif node.level == 0 and node.module and node.module.startswith("web."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names
                       if a.name.startswith("web."))
    return out


def _blueprints() -> set[str]:
    """Modules of ``web/`` that define a blueprint (``bp = Blueprint(...)``)."""
    out = set()
    for path in (ROOT / "web").glob("*.py"):
        for node in ast.walk(_tree(path)):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and getattr(node.value.func, "id", None) == "Blueprint"):
                out.add(path.stem)
    return out


def test_blueprints_do_not_import_one_another():
    blueprints = _blueprints()
    assert {"search", "entities", "integrator", "network", "lessons", "sparql"} <= blueprints
    for path in sorted((ROOT / "web").glob("*.py")):
        if path.name == "__init__.py":
            continue  # the app factory registers them all
        wrong = (_web_modules(path) & blueprints) - {path.stem}
        assert not wrong, (f"web/{path.name} imports the blueprint(s) {sorted(wrong)}; "
                           "share helpers through web/links.py")


def _reads_environment(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                a.name in ("environ", "environb", "getenv") for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == \
                "from_prefixed_env":
            lines.append(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("package", ["registry", "graph", "render", "web"])
def test_configuration_is_read_only_by_the_cli_and_create_app(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in CONFIG_READERS:
            continue
        lines = _reads_environment(path)
        assert not lines, f"{rel} reads the environment (line {lines[0]}); pass it down"


def test_the_environment_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nA = os.environ.get('X')\nfrom os import getenv\n")
    assert _reads_environment(bad) == [2, 3]
