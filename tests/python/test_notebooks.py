"""notebooks/*.ipynb run top to bottom (nbclient + ipykernel) and leave their figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import needs_facade

ROOT = Path(__file__).resolve().parents[2]


@needs_facade
def test_quickstart_runs_and_leaves_figures() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(ROOT / "notebooks" / "01-quickstart.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook left no figure"


def test_the_notebook_runner_works_here() -> None:
    """The machinery alone (kernel start, a figure of the package's standard kind), without the facade."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "%matplotlib inline\nimport massagesim as ms\nfrom matplotlib.figure import Figure\n"
        "fig = Figure(layout='constrained')\nfig.subplots().plot([0, 1], [0, 1])\nfig"
    )]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert any("image/png" in o.get("data", {}) for o in nb.cells[0].outputs)


def test_committed_notebooks_have_outputs_stripped() -> None:
    nbformat = pytest.importorskip("nbformat")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
