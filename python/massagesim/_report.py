"""The validation report as one self-contained HTML page: the summary table and, per target, a figure
of the model's value against the published data (mean, error bar, band), embedded as base64 PNG.

Imported only by :func:`massagesim.validate` (it needs pandas and matplotlib).
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Colour of each status (model marker, table badge).
STATUS_COLOURS = {"PASS": "#1a7f37", "EXPECTED-FAIL": "#b35900", "FAIL": "#c62828", "XPASS": "#6a1b9a"}


def family_of(target: str) -> str:
    """The study a target row belongs to: its id up to the first dot (``"L2.passive"`` -> ``"L2"``)."""
    return target.split(".", 1)[0]


def _finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _fmt(x: Any) -> str:
    if not _finite(x):
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else ("∞" if float(x) > 0 else "−∞")
    return f"{float(x):.4g}"


def _draw_row(ax: Axes, target: str, row: pd.Series) -> None:
    lo, hi, mean, spread, model = (row.get(k) for k in ("band_lo", "band_hi", "data_mean", "data_spread", "model"))
    status = str(row.get("status", ""))
    known = [float(v) for v in (lo, hi, model, mean) if _finite(v)]
    if _finite(mean) and _finite(spread):
        known += [float(mean) - float(spread), float(mean) + float(spread)]
    if not known:
        known = [0.0, 1.0]
    a, b = min(known), max(known)
    pad = 0.18 * (b - a) if b > a else max(abs(a) * 0.2, 1.0)
    x0, x1 = a - pad, b + pad
    ax.set_xlim(x0, x1)
    ax.set_ylim(-1.0, 1.0)
    band_lo = float(lo) if _finite(lo) else x0
    band_hi = float(hi) if _finite(hi) else x1
    ax.axvspan(band_lo, band_hi, color="#9ecae1", alpha=0.55, label="pass band")
    for bound, edge, arrow in ((lo, x0, "←"), (hi, x1, "→")):
        if not _finite(bound):
            ax.text(
                edge, 0.62, f"{arrow} band open", ha="left" if arrow == "←" else "right", fontsize=7, color="#31688e"
            )
    if _finite(mean):
        err = float(spread) if _finite(spread) else None
        ax.errorbar(
            [float(mean)],
            [0.3],
            xerr=err,
            fmt="o",
            color="black",
            markersize=5,
            capsize=4,
            label="published" + (" ± spread" if err is not None else " mean"),
        )
    if _finite(model):
        ax.plot(
            [float(model)],
            [-0.3],
            marker="D",
            markersize=8,
            linestyle="none",
            color=STATUS_COLOURS.get(status, "black"),
            label="model",
        )
    else:
        ax.text(
            0.5,
            -0.3,
            "no model value: " + str(row.get("error_message", "") or "not computed"),
            transform=ax.get_yaxis_transform(),
            ha="center",
            va="center",
            fontsize=7,
            color="#c62828",
        )
    ax.set_yticks([])
    ax.set_title(f"{target}: {row.get('quantity', '')}", loc="left", fontsize=8.5)
    ax.set_title(status, loc="right", fontsize=8.5, color=STATUS_COLOURS.get(status, "black"), fontweight="bold")
    unit = str(row.get("unit", "") or "")
    ax.set_xlabel(f"{unit}  (band: {row.get('band_rule', '')}; published: {row.get('data', '')})", fontsize=7.5)
    ax.tick_params(labelsize=7.5)


def family_figure(rows: pd.DataFrame, family: str | None = None, width_in: float = 8.0) -> Figure:
    """One figure for the rows of one study: a panel per row (model vs published value and band).

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows of :func:`massagesim.validate` (index ``target``), usually those of one family.
    family : str, optional
        Title (default: the family of the first row).
    width_in : float

    Returns
    -------
    matplotlib.figure.Figure
        The panels' left titles start with the row ids.
    """
    from matplotlib.figure import Figure

    n = len(rows)
    if n == 0:
        raise ValueError("family_figure: no rows")
    fig = Figure(figsize=(width_in, 1.05 * n + 0.75), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, (target, row) in zip(axes, rows.iterrows()):
        _draw_row(ax, str(target), row)
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=7.5, frameon=False)
    first = rows.iloc[0]
    fam = family or family_of(str(rows.index[0]))
    fig.suptitle(f"{fam}: {first.get('citation', '')}", fontsize=10)
    return fig


def _png_base64(fig: Figure, dpi: int = 96) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;max-width:1300px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin:1.6em 0 .3em}
p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;font-size:.82em;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:.05em .45em;border-radius:.3em;color:#fff;font-weight:600;font-size:.9em;white-space:nowrap}
.counts span{margin-right:1em}
figure{margin:.4em 0 1em;border:1px solid #e3e3e3;padding:.5em;border-radius:.3em}
figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#444}
a{color:#0b57d0}
"""


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#555")
    return f'<span class="badge" style="background:{colour}">{html.escape(status)}</span>'


def report_html(rows: pd.DataFrame, *, title: str = "massagesim validation report", dpi: int = 96) -> str:
    """Return the validation report as one self-contained HTML page.

    Parameters
    ----------
    rows : pandas.DataFrame
        The table of :func:`massagesim.validate` (index ``target``).
    title : str
    dpi : int
        Resolution of the embedded PNG figures.

    Returns
    -------
    str
        HTML with the summary table (target, citation, data, model, band, status and reason) and
        one figure per study, each ``<figure id="fig-<study>" data-targets="...">`` holding a base64
        PNG; every row's target links to its study's figure. No external assets.
    """
    from . import __version__

    esc = html.escape
    counts = rows["status"].value_counts()
    families: dict[str, list[str]] = {}
    for target in map(str, rows.index):
        families.setdefault(family_of(target), []).append(target)

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">massagesim {esc(str(__version__))}, {len(rows)} targets from {len(families)} studies '
        "(design/validation.md). A target passes when the model lies inside the band; EXPECTED-FAIL marks a "
        "published result the model does not reach yet, with the reason. Click a target for its figure.</p>",
        '<p class="counts">' + "".join(f"<span>{_badge(s)} {int(n)}</span>" for s, n in counts.items()) + "</p>",
        "<table><thead><tr><th>target</th><th>citation</th><th>quantity</th><th>data</th><th>model</th>"
        "<th>unit</th><th>band</th><th>band rule</th><th>status</th><th>reason</th></tr></thead><tbody>",
    ]
    for target, row in rows.iterrows():
        t = str(target)
        reason = str(row.get("expected_failure_reason", "") or row.get("error_message", "") or "")
        band = f"[{_fmt(row.get('band_lo'))}, {_fmt(row.get('band_hi'))}]"
        out.append(
            f'<tr id="row-{esc(t)}"><td><a href="#fig-{esc(family_of(t))}">{esc(t)}</a></td>'
            f"<td>{esc(str(row.get('citation', '')))}</td><td>{esc(str(row.get('quantity', '')))}</td>"
            f'<td>{esc(str(row.get("data", "")))}</td><td class="num">{_fmt(row.get("model"))}</td>'
            f'<td>{esc(str(row.get("unit", "")))}</td><td class="num">{esc(band)}</td>'
            f"<td>{esc(str(row.get('band_rule', '')))}</td><td>{_badge(str(row.get('status', '')))}</td>"
            f"<td>{esc(reason)}</td></tr>"
        )
    out.append("</tbody></table>")
    for fam, targets in families.items():
        sub = rows.loc[targets]
        fig = family_figure(sub, fam)
        data = _png_base64(fig, dpi)
        statuses = ", ".join(f"{t}: {s}" for t, s in zip(targets, sub["status"]))
        out += [
            f"<h2>{esc(fam)} — {esc(str(sub.iloc[0].get('citation', '')))}</h2>",
            f'<figure id="fig-{esc(fam)}" data-targets="{esc(" ".join(targets))}">',
            f'<img src="data:image/png;base64,{data}" alt="{esc(fam)}: model against published data for '
            f'{esc(", ".join(targets))}">',
            f"<figcaption>Shaded: the pass band. Black: the published value with its spread. Diamond: the "
            f"model, coloured by status ({esc(statuses)}). "
            + "".join(f'<a href="#row-{esc(t)}">{esc(t)}</a> ' for t in targets)
            + "</figcaption></figure>",
        ]
    out.append("</body></html>")
    return "\n".join(out)


def write_report(rows: pd.DataFrame, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Write :func:`report_html` to ``path``: a ``.html``/``.htm`` file, or a directory (created;
    the page is its ``index.html``). Returns the file written."""
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        p.mkdir(parents=True, exist_ok=True)
        p = p / "index.html"
    else:
        p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(report_html(rows, **kwargs), encoding="utf-8")
    return p


class ValidationTable(pd.DataFrame):
    """The table of :func:`massagesim.validate` (a DataFrame, index ``target``) that also writes the
    visual report: ``to_html()`` returns the page, ``to_html(path)`` writes it.

    pandas' plain HTML table stays available as ``pandas.DataFrame.to_html(table)``.
    """

    @property
    def _constructor(self) -> type[ValidationTable]:
        return ValidationTable

    def to_html(self, path: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        """Return the self-contained validation page, or write it to ``path`` (a ``.html`` file or a
        directory, which gets ``index.html``) and return the file's path.

        Parameters
        ----------
        path : str or os.PathLike, optional
        **kwargs
            ``title``, ``dpi`` (see :func:`massagesim._report.report_html`).
        """
        if path is None:
            return report_html(self, **kwargs)
        return write_report(self, path, **kwargs)
