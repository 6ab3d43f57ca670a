"""The import direction of docs/architecture.md, held against every module of the project.

Each app may import only the apps its row of the "Import direction" table names. This test
reads every ``.py`` file under ``dueregard/`` except migrations (which Django writes and
which name other apps' models by design), finds every import of a project module in it —
at the top, inside a function, relative or absolute — and fails naming the file, the line
and the import for each one the table does not allow. The table in the document and
``MAY_IMPORT`` here must say the same thing; a test below checks that they do.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dueregard

PACKAGE = Path(dueregard.__file__).resolve().parent
REPOSITORY = PACKAGE.parent
ARCHITECTURE_DOC = REPOSITORY / "docs" / "architecture.md"

SPINE = frozenset({"core", "areas", "audit", "accounts", "pages", "api"})
DOMAINS = frozenset({"casework", "training", "assurance", "engagement", "governance"})

# What each app may import besides itself. An entry is an app ("casework") or one module of
# an app ("casework.metrics"), which allows that module and nothing else of its app.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "areas": frozenset({"core"}),
    "audit": frozenset({"core", "areas"}),
    "accounts": frozenset({"core", "areas", "audit"}),
    "pages": frozenset({"core", "areas", "audit", "accounts"}),
    "api": frozenset({"core", "areas", "audit", "accounts"}),
    "casework": SPINE,
    "training": SPINE,
    "assurance": SPINE,
    "engagement": SPINE,
    "governance": SPINE,
    "privacy": SPINE | {"casework"},
    "reports": SPINE | DOMAINS | {"privacy.models"},
    "demo": SPINE | DOMAINS | {"privacy", "reports"},
    "notifications": SPINE | DOMAINS,
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}: {self.reason}"


def app_names() -> set[str]:
    """Every Django app of the project: a folder of dueregard/ with an apps.py."""
    return {p.parent.name for p in PACKAGE.glob("*/apps.py")}


def project_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _imported_modules(path: str, source: str) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in `source`, relative ones resolved
    against `path` (a file path relative to the repository, such as dueregard/x/y.py)."""
    parts = list(Path(path).with_suffix("").parts)
    package = parts if parts[-1] == "__init__" else parts[:-1]
    if package and package[-1] == "__init__":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            # Each name is read as module.name: `from dueregard.casework import metrics`
            # imports casework.metrics, and `from dueregard.casework.models import Referral`
            # falls under casework.models.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _under(module: str, entries: frozenset[str] | set[str]) -> bool:
    """Whether `module` is one of `entries` or inside one of them."""
    return any(module == entry or module.startswith(entry + ".") for entry in entries)


def violations(path: str, source: str, apps: set[str] | None = None) -> list[Violation]:
    """Every import in the file at `path` (relative to the repository) that the import
    direction forbids. Test modules (under an app's tests/) may import any app: they build
    the world their code runs in from other apps' factories and the demo borough. No module
    outside tests/ may import a tests package."""
    apps = app_names() if apps is None else apps
    parts = Path(path).parts
    importer = parts[1] if len(parts) > 2 and parts[1] in apps else None  # None: project root
    in_tests = "tests" in parts
    found: dict[tuple[int, str], Violation] = {}
    for line, module in _imported_modules(path, source):
        names = module.split(".")
        if names[0] != "dueregard" or len(names) < 2 or names[1] not in apps:
            continue
        imported = names[1]
        if "tests" in names[2:] and not in_tests:
            found.setdefault(
                (line, module),
                Violation(path, line, module, "only tests may import test modules"),
            )
            continue
        if importer is None or imported == importer or in_tests:
            continue
        if not _under(".".join(names[1:]), MAY_IMPORT.get(importer, frozenset())):
            # Report `from dueregard.x import a, b` once, by the module it names.
            key = (line, ".".join(names[:2]))
            found.setdefault(
                key, Violation(path, line, module, f"{importer} may not import {imported}")
            )
    return list(found.values())


def _all_violations() -> list[Violation]:
    apps = app_names()
    result: list[Violation] = []
    for file in project_modules():
        path = file.relative_to(REPOSITORY).as_posix()
        result.extend(violations(path, file.read_text(encoding="utf-8"), apps))
    return result


def test_no_module_imports_an_app_its_app_may_not_import() -> None:
    found = _all_violations()
    assert not found, "Imports against docs/architecture.md:\n" + "\n".join(map(str, found))


def test_every_app_has_a_row_in_the_table() -> None:
    assert set(MAY_IMPORT) == app_names()


def documented_table() -> dict[str, frozenset[str]]:
    """The "Import direction" table of docs/architecture.md: app -> what it may import.

    A row reads ``| `app` | `a`, `b.module` | why |``; "nothing" in the second column is
    the empty set."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    section = text.split("## Import direction", 1)[1].split("\n## ", 1)[0]
    table: dict[str, frozenset[str]] = {}
    for row in section.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"`[a-z_]+`", cells[0]):
            continue
        table[cells[0].strip("`")] = frozenset(re.findall(r"`([a-z_.]+)`", cells[1]))
    return table


def test_the_document_and_this_test_name_the_same_direction() -> None:
    assert documented_table() == MAY_IMPORT


# The checker itself: it must report what it exists to catch.


def test_a_forbidden_import_is_reported_with_file_line_and_module() -> None:
    source = "import os\n\nfrom dueregard.casework.models import Referral\n"
    (found,) = violations("dueregard/core/models.py", source)
    assert str(found) == (
        "dueregard/core/models.py:3 imports dueregard.casework.models.Referral: "
        "core may not import casework"
    )


def test_imports_inside_functions_and_relative_imports_are_read() -> None:
    source = "def f():\n    from ...reports import data\n    import dueregard.demo.context\n"
    found = violations("dueregard/casework/services/x.py", source)
    assert {(v.line, v.module) for v in found} == {
        (2, "dueregard.reports.data"),
        (3, "dueregard.demo.context"),
    }


def test_a_module_entry_allows_that_module_only(monkeypatch: Any) -> None:
    monkeypatch.setitem(MAY_IMPORT, "governance", SPINE | {"engagement.metrics"})
    allowed = "from dueregard.engagement.metrics import counts\n"
    forbidden = "from dueregard.engagement import services\n"
    assert violations("dueregard/governance/forms.py", allowed) == []
    (found,) = violations("dueregard/governance/forms.py", forbidden)
    assert found.reason == "governance may not import engagement"


def test_tests_may_import_any_app_but_shipping_code_no_test_module() -> None:
    source = "from dueregard.demo.steps import areas\nfrom dueregard.reports.data import Table\n"
    assert violations("dueregard/training/tests/test_x.py", source) == []
    (found,) = violations(
        "dueregard/reports/views.py", "from dueregard.casework.tests import factories\n"
    )
    assert found.reason == "only tests may import test modules"


def test_the_project_root_may_import_every_app() -> None:
    assert violations("dueregard/urls.py", "from dueregard.demo import national\n") == []


def test_audit_and_core_may_not_import_accounts() -> None:
    """The direction ADR 0009 records: accounts records through audit, never the reverse,
    and core knows no app (the `public` marker lives in core.access)."""
    source = "from dueregard.accounts.access import requires\n"
    (found,) = violations("dueregard/audit/views.py", source)
    assert found.reason == "audit may not import accounts"
    (found,) = violations("dueregard/core/views.py", source)
    assert found.reason == "core may not import accounts"
    assert violations("dueregard/accounts/auditlog/views.py", source) == []
