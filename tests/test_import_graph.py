"""The package's import graph: no cycle, and no command module importing another command.

Every import counts, including those inside functions and under TYPE_CHECKING: a cycle that
only exists inside a function is still two modules that cannot be understood apart. Commands
may import `crisisnav.commands._common` (shared options and error mapping, not a command);
shared behaviour belongs in a core module (crisisnav.flow, crisisnav.audience,
crisisnav.interactive, crisisnav.render.*).

`python tests/test_import_graph.py` prints the graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "crisisnav"


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Package modules `path` imports (absolute or relative), at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    out.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    out.add(sub)  # `from crisisnav import rank` imports crisisnav.rank
                elif target in known:
                    out.add(target)
    out.discard(name)
    # The package itself holds only __version__: importing it ties nothing together.
    out.discard("crisisnav")
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(path, name, known) for name, path in mods.items()}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(g.get(n, ())):
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(g):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def is_command(name: str) -> bool:
    return name.startswith("crisisnav.commands.") and name != "crisisnav.commands._common"


def test_the_graph_sees_the_modules_it_should() -> None:
    g = graph()
    assert "crisisnav.commands.lookup" in g and "crisisnav.flow" in g
    assert "crisisnav.flow" in g["crisisnav.commands.lookup"]
    assert "crisisnav.rank" in g["crisisnav.flow"]  # an import inside a function counts


def test_no_import_cycle() -> None:
    assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()) or [])


def test_the_cycle_finder_finds_one() -> None:
    """Control: the checker is not blind."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_command_imports_another_command() -> None:
    bad = [
        f"{name} imports {dep}"
        for name, deps in graph().items()
        if is_command(name)
        for dep in sorted(deps)
        if is_command(dep)
    ]
    assert not bad, bad


def test_core_modules_never_import_commands() -> None:
    """Only the CLI wiring (cli.py) reaches into crisisnav.commands."""
    bad = [
        f"{name} imports {dep}"
        for name, deps in graph().items()
        if not name.startswith("crisisnav.commands") and name != "crisisnav.cli"
        for dep in sorted(deps)
        if dep.startswith("crisisnav.commands")
    ]
    assert not bad, bad


if __name__ == "__main__":
    for name, deps in sorted(graph().items()):
        short = sorted(d.removeprefix("crisisnav.") for d in deps)
        print(f"{name.removeprefix('crisisnav.') or 'crisisnav'}: {', '.join(short) or '-'}")
