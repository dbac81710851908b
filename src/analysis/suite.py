"""Executing the notebook suite headless (nbclient), with parameters, and HTML reports."""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat

from .corpus import project_root
from .errors import AnalysisError

GLYPH_WARNING = "missing from font"


def notebook_paths(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The suite's notebooks, in order (``NN_name.ipynb``)."""
    folder = Path(notebooks_dir) if notebooks_dir else project_root() / "notebooks"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def execute_notebook(
    path: str | Path,
    *,
    parameters: dict | None = None,
    html_dir: str | Path | None = None,
    output: str | Path | None = None,
    timeout: int = 900,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel with papermill and return it with outputs.

    Parameters are injected by papermill after the cell tagged ``parameters``, exactly as
    ``papermill notebook.ipynb out.ipynb -p NAME value`` does. The working directory is the
    notebook's folder. With ``output``, the executed notebook is written there; with
    ``html_dir``, an HTML copy (see :func:`write_html`), also when a cell fails.

    Raises
    ------
    papermill.exceptions.PapermillExecutionError
        If a cell fails; the message names the cell and the error.
    """
    import tempfile

    import papermill

    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(output) if output else Path(tmp) / path.name
        try:
            nb = papermill.execute_notebook(
                str(path),
                str(out),
                parameters=parameters or {},
                kernel_name="python3",
                cwd=str(path.parent),
                progress_bar=False,
                execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no "running over TCP" chatter
            )
        finally:
            if html_dir is not None and out.is_file():
                write_html(nbformat.read(out, as_version=4), Path(html_dir) / f"{path.stem}.html")
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


def parameter_value(value):
    """A notebook parameter given as text (``-p NAME VALUE``), read as a Python literal where it parses.

    Examples
    --------
    >>> parameter_value("8"), parameter_value("('生态', '绿色')"), parameter_value("数字经济"), parameter_value("None")
    (8, ('生态', '绿色'), '数字经济', None)
    """
    import ast

    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


def run_suite(
    notebooks_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    raw_dir: str | Path | None = None,
    figures_dir: str | Path | None = None,
    timeout: int = 900,
    parameters: dict | None = None,
    jobs: int = 2,
) -> list[dict]:
    """Execute every notebook, write HTML copies to ``reports/``; print and return a summary.

    Parameters
    ----------
    jobs : int, default 2
        Notebooks executed at once, each in its own process and kernel (the notebooks are
        independent: each loads the corpus from its cache and writes its own figures; the
        figure index is written under a lock). ``1`` runs them one after another. Each
        kernel holds its own copy of the corpus, so lower this for very large corpora.
        The summary lists the notebooks in order whatever order they finish in.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    from tqdm.auto import tqdm

    root = project_root()
    reports = Path(reports_dir) if reports_dir else root / "reports"
    params = {k: parameter_value(v) for k, v in (parameters or {}).items()}
    declared: dict[str, set] = {}
    if params:  # a parameter goes to the notebooks that declare it; one that none declares is an error
        import papermill

        declared = {p.name: set(papermill.inspect_notebook(str(p))) for p in notebook_paths(notebooks_dir)}
        unknown = sorted(set(params) - set().union(*declared.values()))
        if unknown:
            raise AnalysisError(
                f"no notebook has a parameter {', '.join(unknown)}; the parameters are: "
                + ", ".join(sorted(set().union(*declared.values())))
            )
    from .figures import clear, default_outdir

    clear(figures_dir or default_outdir())  # figures of an earlier run, as listed in its index
    paths = notebook_paths(notebooks_dir)
    jobs_list = []
    for path in paths:
        own = {k: v for k, v in params.items() if k in declared.get(path.name, ())} if params else {}
        if raw_dir:
            own["RAW_DIR"] = str(Path(raw_dir).resolve())
        if figures_dir:
            own["FIGURES_DIR"] = str(Path(figures_dir).resolve())
        jobs_list.append((path, own, reports, timeout))
    bar = tqdm(total=len(paths), desc="Executing notebooks", unit="nb")
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for job in jobs_list:
            results.append(_run_notebook(job))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(_run_notebook, job): i for i, job in enumerate(jobs_list)}
            done: dict[int, dict] = {}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                bar.update()
        results = [done[i] for i in range(len(jobs_list))]
    bar.close()
    _print_summary(results, figures_dir or root / "figures", reports)
    return results


def _run_notebook(job: tuple) -> dict:
    """Execute one notebook of the suite; a row of the summary (module level: runs in a worker)."""
    from papermill.exceptions import PapermillExecutionError

    path, own, reports, timeout = job
    t0 = time.perf_counter()
    row = {"notebook": path.name, "ok": True, "error": "", "html": str(reports / f"{path.stem}.html")}
    try:
        nb = execute_notebook(path, parameters=own, html_dir=reports, timeout=timeout)
        glyphs = glyph_warnings(nb)
        if glyphs:
            row.update(ok=False, error=f"missing glyphs: {glyphs[0]}")
    except PapermillExecutionError as exc:
        last = f"{exc.ename}: {exc.evalue}"
        row.update(ok=False, error=re.sub(r"\x1b\[[0-9;]*m", "", last)[:300])
    row["seconds"] = round(time.perf_counter() - t0, 1)
    return row


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
