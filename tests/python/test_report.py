"""The visual validation report: `massagesim validate --html DIR` and `ms.validate(...).to_html(path)`
write one self-contained page in which every registry row links to a figure of its study."""

from __future__ import annotations

import base64
import math
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import massagesim as ms
from massagesim import cli
from massagesim._report import ValidationTable, family_figure, report_html

pytest.importorskip("matplotlib")


class _Page(HTMLParser):
    """Collects row links, figures (id, data-targets, embedded images) and every src/href."""

    def __init__(self) -> None:
        super().__init__()
        self.row_links: dict[str, str] = {}
        self.figures: dict[str, dict[str, object]] = {}
        self.urls: list[str] = []
        self._row: str | None = None
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.urls += [a[k] for k in ("src", "href") if k in a]
        if tag == "tr" and a.get("id", "").startswith("row-"):
            self._row = a["id"][4:]
        elif tag == "a" and self._row is not None and self._row not in self.row_links:
            self.row_links[self._row] = a["href"]
        elif tag == "figure":
            self._figure = a["id"]
            self.figures[a["id"]] = {"targets": a.get("data-targets", "").split(), "images": []}
        elif tag == "img" and self._figure is not None:
            self.figures[self._figure]["images"].append(a["src"])  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
        elif tag == "figure":
            self._figure = None


def _check_page(text: str, targets: list[str]) -> _Page:
    page = _Page()
    page.feed(text)
    assert sorted(page.row_links) == sorted(targets)
    for target in targets:
        href = page.row_links[target]
        assert href.startswith("#"), f"{target}: link {href!r} does not stay on the page"
        fig = page.figures.get(href[1:])
        assert fig is not None, f"{target} links to {href}, which is not a figure"
        assert target in fig["targets"], f"{target}: its figure {href} does not cover it"
        (src,) = fig["images"]  # type: ignore[misc]
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    # self-contained: nothing fetched from elsewhere
    assert all(u.startswith(("#", "data:")) for u in page.urls), [
        u for u in page.urls if not u.startswith(("#", "data:"))
    ]
    return page


def _rows() -> ValidationTable:
    """A hand-made registry: a pass, an expected failure, a failure without a model value, open bands."""
    inf = math.inf
    data = [
        {
            "target": "X1.a",
            "citation": "Doe 2000",
            "quantity": "q a",
            "unit": "mL/min",
            "data": "10 ± 2",
            "data_mean": 10.0,
            "data_spread": 2.0,
            "model": 11.0,
            "band_lo": 8.0,
            "band_hi": 12.0,
            "band_rule": "mean ± SD",
            "status": "PASS",
            "ok": True,
            "expected_failure_reason": "",
            "error_message": "",
        },
        {
            "target": "X1.b",
            "citation": "Doe 2000",
            "quantity": "q b",
            "unit": "1",
            "data": "> 2",
            "data_mean": float("nan"),
            "data_spread": float("nan"),
            "model": 1.5,
            "band_lo": 2.0,
            "band_hi": inf,
            "band_rule": "qualitative bound",
            "status": "EXPECTED-FAIL",
            "ok": True,
            "expected_failure_reason": "too weak <because>",
            "error_message": "",
        },
        {
            "target": "Y2",
            "citation": "Roe 1990",
            "quantity": "q",
            "unit": "s",
            "data": "4 ± 1",
            "data_mean": 4.0,
            "data_spread": 1.0,
            "model": float("nan"),
            "band_lo": -inf,
            "band_hi": 5.0,
            "band_rule": "mean ± SD",
            "status": "FAIL",
            "ok": False,
            "expected_failure_reason": "",
            "error_message": "solver failed at t = 3 s",
        },
    ]
    return ValidationTable(data).set_index("target")


def test_every_row_links_to_its_study_figure_on_a_hand_made_registry() -> None:
    rows = _rows()
    text = rows.to_html()
    page = _check_page(text, ["X1.a", "X1.b", "Y2"])
    assert set(page.figures) == {"fig-X1", "fig-Y2"}
    assert "too weak &lt;because&gt;" in text and "solver failed at t = 3 s" in text  # reasons, escaped
    for status in ("PASS", "EXPECTED-FAIL", "FAIL"):
        assert f">{status}</span>" in text
    assert isinstance(rows.loc[["X1.a"]], ValidationTable)
    assert "<table" in pd.DataFrame.to_html(rows)  # pandas' own table is still there


def test_study_figure_has_a_panel_per_row_with_data_band_and_model() -> None:
    rows = _rows()
    fig = family_figure(rows.loc[["X1.a", "X1.b"]])
    axes = fig.axes
    assert [ax.get_title(loc="left").split(":")[0] for ax in axes] == ["X1.a", "X1.b"]
    assert [ax.get_title(loc="right") for ax in axes] == ["PASS", "EXPECTED-FAIL"]
    assert axes[0].get_xlabel().startswith("mL/min")
    band = axes[0].patches[0].get_x(), axes[0].patches[0].get_x() + axes[0].patches[0].get_width()
    assert band == pytest.approx((8.0, 12.0))
    model = [line for line in axes[0].get_lines() if line.get_label() == "model"][0]
    assert model.get_xdata()[0] == 11.0
    # an open band reaches the edge of the axis
    lo, hi = axes[1].get_xlim()
    patch = axes[1].patches[0]
    assert patch.get_x() == pytest.approx(2.0) and patch.get_x() + patch.get_width() == pytest.approx(hi)
    nomodel = family_figure(rows.loc[["Y2"]])
    assert any("no model value: solver failed" in t.get_text() for t in nomodel.axes[0].texts)


def test_report_of_the_registry_has_a_figure_for_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["validate", "--html", str(tmp_path / "report")])
    out = capsys.readouterr().out
    page_path = tmp_path / "report" / "index.html"
    assert f"wrote {page_path}" in out
    rows = ms.validate()
    assert status == (1 if (~rows["ok"].astype(bool)).any() else 0)
    _check_page(page_path.read_text(encoding="utf-8"), [str(t) for t in rows.index])
    # the API writes the same page for a subset, to a file name
    written = ms.validate(["L2"]).to_html(tmp_path / "l2.html")
    assert written == tmp_path / "l2.html"
    l2 = ms.validate(["L2"])
    _check_page(written.read_text(encoding="utf-8"), [str(t) for t in l2.index])
    assert report_html(l2).count("<figure") == 1
