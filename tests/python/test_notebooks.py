"""notebooks/*.ipynb run top to bottom (nbclient + ipykernel) and leave their figures.

The quickstart is committed with its outputs stripped; the study notebooks (02-...) are committed
with the outputs of their full run (figures included) and run here in their fast mode
(MASSAGESIM_NOTEBOOK_FAST=1, which each reads to shorten its runs)."""

from __future__ import annotations

from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_runs_and_leaves_figures() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(ROOT / "notebooks" / "01-quickstart.ipynb", as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook left no figure"


def test_the_notebook_runner_works_here() -> None:
    """The machinery alone (kernel start, a figure of the package's standard kind), without the facade."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "%matplotlib inline\nimport massagesim as ms\nfrom matplotlib.figure import Figure\n"
            "fig = Figure(layout='constrained')\nfig.subplots().plot([0, 1], [0, 1])\nfig"
        )
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert any("image/png" in o.get("data", {}) for o in nb.cells[0].outputs)


STUDIES = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p.name != "01-quickstart.ipynb")


def test_the_study_notebooks_are_there() -> None:
    """Issue 18: one notebook per study (lactate recovery, handgrip, lymph pulses, sequential
    compression, Sobol sensitivity, fitting)."""
    for key in ("gupta1996", "wiltshire2010", "olszewski1980", "kamm1986", "sobol", "fit"):
        assert any(key in name for name in STUDIES), f"no study notebook for {key}: {STUDIES}"


@pytest.mark.parametrize("name", STUDIES)
def test_study_notebook_runs_in_fast_mode(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("scipy")
    if "sobol" in name:
        pytest.importorskip("SALib")
    monkeypatch.setenv("MASSAGESIM_NOTEBOOK_FAST", "1")  # the kernel inherits it
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    streams = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "fast mode" in streams, "the notebook did not see MASSAGESIM_NOTEBOOK_FAST"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2, (
        "expected the protocol figure and a result figure"
    )


@pytest.mark.parametrize("name", STUDIES)
def test_study_notebooks_are_committed_with_their_full_run(name: str) -> None:
    """Readers see the figures without running anything: outputs of the full (not fast) run, no errors."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("outputs") or not c.source.strip() for c in code), f"{name}: a code cell has no output"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"], f"{name}: committed with an error"
    streams = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "full mode" in streams, f"{name}: committed outputs are not those of the full run"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "**Question.**" in first.source, f"{name}: should open with its question"
    assert any(c.cell_type == "markdown" and "## What it means" in c.source for c in nb.cells), f"{name}: no conclusion"


def test_committed_quickstart_has_outputs_stripped() -> None:
    nbformat = pytest.importorskip("nbformat")
    for path in [ROOT / "notebooks" / "01-quickstart.ipynb"]:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
