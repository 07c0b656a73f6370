"""Scenario.plot (the protocol before running) and Result.plot_limb (small multiples along the limb):
figure content, checked against the solver's own saved outputs."""

from __future__ import annotations

import numpy as np
import pytest

import massagesim as ms
from massagesim import limb_outputs, protocol_pressures

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def strokes() -> ms.Scenario:
    """Two segments: rest, effleurage strokes, kneading of the distal segment, a sequential cuff."""
    return ms.Scenario.build(
        [
            ms.phase("rest", 10.0),
            ms.phase("massage", 30.0, technique="effleurage", pressure_mmHg=50.0),
            ms.phase("massage", 20.0, technique="petrissage", depth_mmHg=40.0, baseline_mmHg=5.0, to_cm=20.0),
            ms.phase("compression", 40.0, technique="sequential_compression", chamber_pressures_mmHg=[45.0, 35.0]),
        ],
        name="strokes",
        limb={"segment_names": ["calf", "thigh"], "segment_lengths_cm": [20.0, 25.0]},
        save_every_s=0.5,
    )


def test_heat_map_equals_the_applied_pressure_the_solver_saves(strokes: ms.Scenario) -> None:
    fig = strokes.plot(dt_s=0.5)
    t, p = fig.massagesim_t_s, fig.massagesim_pressure_mmHg
    assert p.shape == (2, t.size)
    res = ms.simulate(strokes, outputs=[f"{s}.applied_pressure_mmHg" for s in strokes.segment_names])
    arm = next(iter(res))
    np.testing.assert_allclose(arm.t_s, t)
    saved = np.array([arm.column(f"{s}.applied_pressure_mmHg") for s in strokes.segment_names])
    np.testing.assert_allclose(p, saved, atol=1e-9)
    # the drawn mesh holds the same array
    mesh = fig.axes[1].collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(p.shape), p)
    # and the protocol is not trivially zero: the cuff holds its chamber pressures
    assert p[0].max() == pytest.approx(45.0) and p[1].max() >= 35.0


def test_protocol_figure_labels_carry_units_and_segments(strokes: ms.Scenario) -> None:
    fig = strokes.plot()
    ax_line, ax_map = fig.axes[0], fig.axes[1]
    assert ax_line.get_ylabel() == "applied pressure [mmHg]"
    assert ax_map.get_xlabel() == "time [min]"
    assert [tick.get_text() for tick in ax_map.get_yticklabels()] == ["calf", "thigh"]
    assert fig.axes[2].get_ylabel() == "applied pressure [mmHg]"  # colour bar
    assert [line.get_label() for line in ax_line.get_lines()] == ["calf", "thigh"]
    labels = {txt.get_text() for txt in ax_line.texts}
    assert {"rest", "effleurage", "petrissage", "sequential_compression"} <= labels


def test_protocol_of_the_passive_arm_has_no_massage() -> None:
    sc = ms.Scenario.build(
        [ms.phase("rest", 10.0), ms.phase("massage", 20.0, technique="petrissage", depth_mmHg=30.0)],
        name="arms",
        limb={"segment_names": ["calf"], "segment_lengths_cm": [30.0]},
        arms=[
            {"name": "massage"},
            {"name": "passive", "replace_kinds": ["massage"], "replace_with": "passive_recovery"},
        ],
    )
    t = np.arange(0.0, 30.0, 0.25)
    _, massage = protocol_pressures(sc, t, arm="massage")
    _, passive = protocol_pressures(sc, t, arm="passive")
    assert massage.max() == pytest.approx(30.0) and not passive.any()
    res = ms.simulate(sc, outputs=["calf.applied_pressure_mmHg"], save_every_s=0.25)
    for arm, drawn in (("massage", massage), ("passive", passive)):
        np.testing.assert_allclose(drawn[0], res[arm].column("calf.applied_pressure_mmHg")[: t.size], atol=1e-9)


def test_limb_figure_shows_the_saved_values_at_the_chosen_times(strokes: ms.Scenario) -> None:
    res = ms.simulate(strokes, outputs=limb_outputs(strokes.segment_names))
    arm = next(iter(res))
    fig = res.plot_limb([25.0, 95.2])
    np.testing.assert_allclose(fig.massagesim_t_s, [25.0, 95.0])  # nearest saved times
    k25, k95 = np.searchsorted(arm.t_s, [25.0, 95.0])
    for q, arr in fig.massagesim_values.items():
        want = [[arm.column(f"{s}.{q}")[k] for s in strokes.segment_names] for k in (k25, k95)]
        np.testing.assert_allclose(arr, want)
    titled = {ax.get_title(loc="left"): ax for ax in fig.axes if ax.get_visible()}
    assert titled["venous volume"].get_ylabel() == "mL"
    assert titled["lymph flow"].get_ylabel() == "mL/min"
    assert titled["applied pressure"].get_ylabel() == "mmHg"
    line = titled["applied pressure"].get_lines()[1]  # t = 95 s: the cuff holds 45 / 35 mmHg
    np.testing.assert_allclose(line.get_ydata(), fig.massagesim_values["applied_pressure_mmHg"][1])
    assert line.get_label() == "t = 1.58 min"


def test_limb_figure_errors_say_what_is_missing(strokes: ms.Scenario) -> None:
    res = ms.simulate(strokes, outputs=limb_outputs(strokes.segment_names, ["venous_volume_mL"]))
    with pytest.raises(ValueError, match=r"t_s = 500 s is outside the saved times \[0, 100\] s"):
        res.plot_limb(500.0)
    with pytest.raises(ValueError, match="none of lymph_flow_mL_per_min is saved"):
        res.plot_limb(10.0, quantities=["lymph_flow_mL_per_min"])
