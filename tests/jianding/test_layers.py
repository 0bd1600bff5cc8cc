"""The portal's layering, read from its own imports [issue #17].

Lowest first: ``jianding`` (the base) < ``notifications`` (which every app may call) < ``applicants``
< ``finance`` < ``exams`` < the apps not
built yet < ``demo``. A lower app never imports a higher one (it learns of them through the registries,
hooks and signals they fill in ``AppConfig.ready()``), so no two apps form a circle; ``jianding``
imports no app; and a view, form, filter or table never imports another app's models (it reads
through that app's selectors). Every ``import`` counts, also one inside a function.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The order the lead decided; the three apps still to come sit above exams, side by side.
LAYER = {
    "jianding": 0,
    # One notification service every app calls [#18].
    "notifications": 1,
    "applicants": 2,
    "finance": 3,
    "exams": 4,
    "certificates": 5,
    "archive": 5,
    "equipment": 5,
    # The demo data fills every app, so it stands above them all.
    "demo": 6,
}
APPS = [name for name in LAYER if name != "jianding"]
# Modules that show or take input: they read another app only through its selectors.
FACE_MODULES = ("views", "forms", "filters", "tables")


@dataclass(frozen=True)
class Import:
    where: str  # path:line
    app: str  # the importing package
    module: str  # the importing module's dotted name
    target: str  # the imported module's dotted name
    names: tuple[str, ...]  # what ``from target import …`` takes

    def __str__(self):
        return f"{self.where} imports {self.target}"


def imports() -> list[Import]:
    """Every absolute import between the project's packages, in every module but migrations."""
    found = []
    for app in LAYER:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            module = ".".join(relative.with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(), filename=str(relative))):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    targets = [(node.module, tuple(alias.name for alias in node.names))]
                elif isinstance(node, ast.Import):
                    targets = [(alias.name, ()) for alias in node.names]
                else:
                    continue
                for target, names in targets:
                    if target.split(".")[0] in LAYER and target.split(".")[0] != app:
                        found.append(Import(f"{relative}:{node.lineno}", app, module, target, names))
    return found


def _is_models(found: Import) -> bool:
    """Another app's models (the base's, such as the user, are everyone's):
    ``from exams.models import Batch``, ``from exams.models.batches import …``, ``from exams import models``."""
    parts = found.target.split(".")
    if parts[0] == "jianding":
        return False
    return parts[1:2] == ["models"] or (len(parts) == 1 and "models" in found.names)


def _is_face(module: str) -> bool:
    return any(part in FACE_MODULES for part in module.split(".")[1:])


def test_the_scan_sees_the_apps_imports():
    """The scan reads the code it judges: exams uses applicants, and imports inside functions count."""
    found = imports()
    assert any(i.app == "exams" and i.target == "applicants" for i in found)
    # ApplicantsConfig.ready() subscribes to the base's events with an import inside the method
    assert any(i.where.startswith("applicants/apps.py:") and i.target == "jianding" for i in found)


def test_no_app_imports_a_higher_one():
    upward = sorted(
        {str(i) for i in imports() if i.app != "jianding" and LAYER[i.target.split(".")[0]] >= LAYER[i.app]}
    )
    assert not upward, "\n".join(upward)


def test_no_circle_between_apps():
    edges = {(i.app, i.target.split(".")[0]) for i in imports() if i.app != "jianding"}
    circles = sorted(f"{a} ⇄ {b}" for a, b in edges if a < b and (b, a) in edges)
    assert not circles, "\n".join(circles)


def test_views_forms_filters_tables_use_no_other_apps_models():
    reaching = sorted(
        {str(i) for i in imports() if i.app != "jianding" and _is_face(i.module) and _is_models(i)}
    )
    assert not reaching, "\n".join(reaching)


def test_the_base_imports_no_app():
    """``jianding/`` names no app (string references in settings and ``include()`` are not imports)."""
    named = sorted({str(i) for i in imports() if i.app == "jianding"})
    assert not named, "\n".join(named)
