"""One sheets build: render what is stale, publish dist/sheets/, and say what each file holds."""

from __future__ import annotations

from pathlib import Path

from builder.artifacts import Artifact
from builder.context import BuildContext
from builder.diagnostics import Diagnostic
from builder.model import Guide
from builder.sheets.diagnose import rebase
from builder.sheets.plan import SheetOptions, SheetPlan


def build_sheets(guide: Guide, ctx: BuildContext, options: SheetOptions,
                 cut: frozenset[str] = frozenset()) -> tuple[list[Artifact], list[Diagnostic]]:
    """Bring dist/sheets/ up to date with the guide, rendering only what changed. `cut` names
    the objectives cut to the page budget (builder/sheets/limits.py): their length is the cut's.

    Returns every sheet (fresh or reused) with its page count, and the findings of every sheet,
    cached ones included, so a rebuild reports what a cold build did.
    """
    plan = SheetPlan(guide, ctx, options, cut)
    stale = [p for p in plan.plan if plan.stale(p)]
    if stale:
        from builder.sheets.write import write_stale  # Jinja2 and the pool: only when needed

        write_stale(plan, stale)
    diagnostics = [d for p in plan.plan if plan.cache.has(p.key)
                   for d in rebase(plan.cache.entry(p.key), p.objective or p.topic)]
    keep = {path.name for p in plan.plan for path in plan.outputs(p)}
    if not ctx.only:
        plan.cache.forget_except(keep, plan.folder)
    plan.cache.save()
    plan.cache.prune({entry[0] for entry in plan.cache.manifest.values()} | plan.shared_keys())
    artifacts = []
    for p in plan.plan:
        pages = plan.cache.entry(p.key).pages if plan.cache.has(p.key) else None
        artifacts += [_artifact(plan, path, pages) for path in plan.outputs(p)]
    return artifacts + [Artifact.of(path) for path in plan.support_paths()], diagnostics


def _artifact(plan: SheetPlan, path: Path, pages: int | None) -> Artifact:
    """A sheet as the cache recorded it when writing it (size, sha256): not read again."""
    recorded = plan.cache.manifest.get(path.name)
    if recorded is None:
        return Artifact.of(path, pages=pages if path.suffix == ".pdf" else None)
    _, size, sha256 = recorded
    return Artifact(path, size, sha256, pages=pages if path.suffix == ".pdf" else None)
