"""Executing the notebook suite headless (nbclient), with parameters, and HTML reports."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .corpus import project_root

GLYPH_WARNING = "missing from font"


def notebook_paths(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The suite's notebooks, in order (``NN_name.ipynb``)."""
    folder = Path(notebooks_dir) if notebooks_dir else project_root() / "notebooks"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """Add a cell that overrides parameters, right after the cell tagged ``parameters`` (as papermill does).

    Raises
    ------
    ValueError
        If the notebook has no cell tagged ``parameters``.
    """
    if not parameters:
        return nb
    idx = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None
    )
    if idx is None:
        raise ValueError("notebook has no cell tagged 'parameters'")
    source = "# Injected parameters\n" + "\n".join(
        f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in parameters.items()
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(idx + 1, cell)
    return nb


def execute_notebook(
    path: str | Path,
    *,
    parameters: dict | None = None,
    html_dir: str | Path | None = None,
    timeout: int = 900,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel and return it with outputs.

    The working directory is the notebook's folder. With ``html_dir``, an HTML
    copy of the executed notebook is written there.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell fails; the message names the cell and the error.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters or {})
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no "running over TCP" chatter
    )
    try:
        client.execute()
    finally:
        if html_dir is not None:
            write_html(nb, Path(html_dir) / f"{path.stem}.html")
    return nb


def write_html(nb: nbformat.NotebookNode, out: Path) -> Path:
    """Write an executed notebook as a self-contained HTML report.

    Uses the package's ``offline`` template: JupyterLab's look without scripts fetched from
    the internet (MathJax, RequireJS), and a CJK font stack for Windows, macOS and Linux.
    """
    from nbconvert import HTMLExporter

    out.parent.mkdir(parents=True, exist_ok=True)
    templates = Path(__file__).parent / "templates"
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(templates)])
    body, _ = exporter.from_notebook_node(nb)
    out.write_text(body, encoding="utf-8")
    return out


def glyph_warnings(nb: nbformat.NotebookNode) -> list[str]:
    """Lines of any "Glyph … missing from font" warning in a notebook's outputs."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            found += [line for line in text.splitlines() if GLYPH_WARNING in line]
    return found


def run_suite(
    notebooks_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    raw_dir: str | Path | None = None,
    figures_dir: str | Path | None = None,
    timeout: int = 900,
    parameters: dict | None = None,
) -> list[dict]:
    """Execute every notebook, write HTML copies to ``reports/``; print and return a summary."""
    from tqdm.auto import tqdm

    root = project_root()
    reports = Path(reports_dir) if reports_dir else root / "reports"
    params = dict(parameters or {})
    if raw_dir:
        params["RAW_DIR"] = str(Path(raw_dir).resolve())
    if figures_dir:
        params["FIGURES_DIR"] = str(Path(figures_dir).resolve())
    from .figures import clear, default_outdir

    clear(figures_dir or default_outdir())  # figures of an earlier run, as listed in its index
    results = []
    paths = notebook_paths(notebooks_dir)
    for path in tqdm(paths, desc="Executing notebooks", unit="nb"):
        t0 = time.perf_counter()
        row = {"notebook": path.name, "ok": True, "error": "", "html": str(reports / f"{path.stem}.html")}
        try:
            nb = execute_notebook(path, parameters=params, html_dir=reports, timeout=timeout)
            glyphs = glyph_warnings(nb)
            if glyphs:
                row.update(ok=False, error=f"missing glyphs: {glyphs[0]}")
        except CellExecutionError as exc:
            last = str(exc).strip().splitlines()[-1]
            row.update(ok=False, error=re.sub(r"\x1b\[[0-9;]*m", "", last)[:300])
        row["seconds"] = round(time.perf_counter() - t0, 1)
        results.append(row)
    _print_summary(results, figures_dir or root / "figures", reports)
    return results


def _print_summary(results: list[dict], figures_dir: Path | str, reports: Path) -> None:
    figures_dir = Path(figures_dir)
    print("\nNotebook suite")
    for r in results:
        status = "ok    " if r["ok"] else "FAILED"
        print(f"  {status} {r['notebook']:<32} {r['seconds']:>6.1f}s  {r['error']}")
    n_fig = {ext: len(list(figures_dir.glob(f"*.{ext}"))) for ext in ("png", "svg", "pdf")}
    print(
        f"\nFigures: {n_fig['png']} PNG, {n_fig['svg']} SVG, {n_fig['pdf']} PDF in {figures_dir}/ (index: {figures_dir / 'index.csv'})"
    )
    print(f"Executed notebooks (HTML): {reports}/")
    failed = [r["notebook"] for r in results if not r["ok"]]
    print("All notebooks ran." if not failed else f"Failed: {', '.join(failed)}")
