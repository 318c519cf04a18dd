"""The code's shape, measured: import cycles between modules, and the largest modules and functions.

``python -m eval.architecture`` prints the report; ``tests/test_architecture.py`` holds the limits.
Every import counts, also those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "eval")


def modules(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Every module of the packages by dotted name."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The known modules that module ``name`` imports (``from package import module`` included)."""
    known = set(known)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            visit(node)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules it imports, over the three packages.

    A package's ``__init__`` that only names its modules' API is not an edge back to the package:
    ``from assistant.index import store`` depends on ``assistant.index.store`` alone.
    """
    found = modules(root)
    graph = {name: imports(name, path, found) for name, path in found.items()}
    for name, targets in graph.items():
        for target in list(targets):
            if found[target].name == "__init__.py" and name.startswith(target + "."):
                targets.discard(target)
    return graph


def module_sizes(root: Path = ROOT) -> list[tuple[int, str]]:
    """(lines, module path), largest first."""
    return sorted(
        (
            (len(path.read_text().splitlines()), str(path.relative_to(root)))
            for path in modules(root).values()
        ),
        reverse=True,
    )


def function_sizes(root: Path = ROOT) -> list[tuple[int, str]]:
    """(lines, module:function) of every function and method, largest first."""
    sizes = []
    for path in modules(root).values():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                sizes.append((lines, f"{path.relative_to(root)}:{node.name}"))
    return sorted(sizes, reverse=True)


def main() -> int:
    found = cycles(import_graph())
    print(f"import cycles: {len(found)}")
    for component in found:
        print("  " + " <-> ".join(component))
    print("largest modules:")
    for lines, name in module_sizes()[:5]:
        print(f"  {lines:5d}  {name}")
    print("largest functions:")
    for lines, name in function_sizes()[:5]:
        print(f"  {lines:5d}  {name}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
