"""The rooms of builder/: each package says in its docstring which packages it
may import ("May import: a, b."), and the code keeps to it, with no circle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BUILDER = Path(__file__).resolve().parents[2] / "builder"
# The modules directly in builder/, and the rooms each may not import.
TOP_LEVEL = {"__init__": set(), "__main__": set(), "cli": set(), "build": {"commands", "word", "cli"},
             "checks": {"commands", "word", "cli", "build"}}
MAX_LINES = 420


def _module_name(path: Path) -> str:
    parts = path.relative_to(BUILDER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_of(path: Path) -> set[str]:
    """The builder modules a file imports (a name imported from a package that is a module counts as that module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "builder":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _exists(candidate) else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "builder"}
    return found - {"builder"}


def _exists(module: str) -> bool:
    relative = Path(*module.split("."))
    return (BUILDER.parent / relative).with_suffix(".py").is_file() or (BUILDER.parent / relative / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports_of(path) for path in sorted(BUILDER.rglob("*.py"))}


def _room(module: str) -> str:
    return module.split(".")[1] if "." in module else "builder"


def _declared(room: str) -> set[str]:
    text = ast.get_docstring(ast.parse((BUILDER / room / "__init__.py").read_text(encoding="utf-8"))) or ""
    match = re.search(r"^May import: (.*)\.$", text, re.MULTILINE)
    assert match, f"builder/{room}/__init__.py: its docstring says what the room is for and ends 'May import: ...'"
    return set() if match.group(1).startswith("nothing") else {name.strip() for name in match.group(1).split(",")}


def test_every_room_says_what_it_is_for_and_what_it_may_import():
    rooms = sorted(path.parent.name for path in BUILDER.glob("*/__init__.py"))
    assert len(rooms) >= 10
    for room in rooms:
        declared = _declared(room)
        unknown = declared - set(rooms) - {"build", "checks"}
        assert not unknown, f"builder/{room} declares rooms that do not exist: {sorted(unknown)}"


def test_imports_go_only_the_declared_way():
    wrong = []
    for module, imported in _graph().items():
        room = _room(module)
        for target in imported:
            target_room = _room(target)
            if target_room == room or target_room in ("__init__", "__version__"):
                continue
            if module.count(".") == 1 and room in TOP_LEVEL:  # a module directly in builder/
                if target_room in TOP_LEVEL[room]:
                    wrong.append(f"{module} imports {target}")
            elif target_room not in _declared(room):
                wrong.append(f"{module} imports {target}, but builder/{room} may import only {sorted(_declared(room))}")
    assert wrong == []


def test_no_import_goes_round():
    graph = _graph()
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"import cycle: {' -> '.join(path + (name,))}"
        if name not in done:
            for dependency in graph.get(name, ()):
                visit(dependency, path + (name,))
            done.add(name)

    for name in graph:
        visit(name, ())


def test_few_modules_stay_at_the_top_and_none_is_long():
    top = {path.stem for path in BUILDER.glob("*.py")}
    assert top <= set(TOP_LEVEL), f"modules directly in builder/ beyond the CLI and the build: {sorted(top - set(TOP_LEVEL))}"
    long = [f"{path.relative_to(BUILDER)}: {n} lines" for path in BUILDER.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_reading_knows_no_kinds_and_the_pdf_writer_no_site():
    graph = _graph()
    for module, imported in graph.items():
        if _room(module) == "reading":
            assert not {target for target in imported if _room(target) == "project"}, module
    assert "builder.render.site_pages" not in graph["builder.render.pdf"]
