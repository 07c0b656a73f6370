"""Scenarios from JSON/YAML files, dicts, or built in code; all validated by the C++ loader."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Union

from . import _core, _safe_io

ScenarioLike = Union["Scenario", _core.Scenario, Mapping[str, Any], str, "os.PathLike[str]", None]


class Scenario:
    """A validated scenario: subject, limb, parameter overrides, protocol, arms, outputs, solver.

    Immutable: the ``with_*`` methods return new scenarios. Every constructor goes through the
    C++ loader, so errors name the field (``protocol[2].pressure_mmHg: ...``) and are
    :class:`massagesim.InvalidArgument` / :class:`massagesim.UnknownName`. Picklable.

    Parameters
    ----------
    cpp : massagesim._core.Scenario
        The compiled scenario (use the class methods instead of calling this directly).
    """

    __slots__ = ("_cpp",)

    def __init__(self, cpp: _core.Scenario) -> None:
        if not isinstance(cpp, _core.Scenario):
            raise TypeError(f"Scenario(): expected a massagesim._core.Scenario, got {type(cpp).__name__}")
        self._cpp = cpp

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Scenario:
        """Return the embedded default scenario (post-exercise leg recovery, massage vs passive)."""
        return cls(_core.Scenario.default())

    @classmethod
    def from_json(cls, text: str, source_name: str = "<string>") -> Scenario:
        """Parse scenario JSON text; ``source_name`` prefixes error messages."""
        if not isinstance(text, str):
            raise TypeError(f"Scenario.from_json: expected a str, got {type(text).__name__}")
        _safe_io.check_json_text(text, source_name)
        return cls(_core.Scenario.from_json(text, source_name))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source_name: str = "<dict>") -> Scenario:
        """Build a scenario from its JSON form as a dict (the layout of ``schemas/scenario.schema.json``).

        Raises
        ------
        InvalidArgument
            For a non-finite number (JSON has none) or anything the loader rejects.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"Scenario.from_dict: expected a mapping, got {type(data).__name__}")
        # Depth, cycles, key and value types checked without recursion, before json.dumps recurses.
        plain = _safe_io.check_data(data, source_name)
        try:
            text = json.dumps(plain, allow_nan=False)
        except (ValueError, TypeError) as exc:  # check_data should have caught it; say what anyway
            raise _core.InvalidArgument(f"{source_name}: not representable as JSON: {exc}") from None
        return cls.from_json(text, source_name)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario file: ``.json``, or ``.yaml``/``.yml`` (PyYAML; converted to the JSON form).

        Raises
        ------
        InvalidArgument
            For an unreadable file, malformed YAML, or anything the loader rejects.
        """
        p = Path(path)
        # Regular files only, bounded size, UTF-8 (BOM allowed): see _safe_io.
        text = _safe_io.decode_text(_safe_io.read_scenario_bytes(p), str(p))
        if p.suffix.lower() in (".yaml", ".yml"):
            data = _safe_io.load_yaml(text, str(p))
            if not isinstance(data, Mapping):
                raise _core.InvalidArgument(f"{p}: expected a mapping at the top level, got {type(data).__name__}")
            return cls.from_dict(data, str(p))
        return cls.from_json(text, str(p))

    load = from_file

    @classmethod
    def build(
        cls,
        protocol: Iterable[Mapping[str, Any]],
        *,
        name: str = "scenario",
        description: str = "",
        arms: Iterable[Mapping[str, Any]] | None = None,
        subject: Mapping[str, Any] | None = None,
        limb: Mapping[str, Any] | None = None,
        parameters: Mapping[str, float] | None = None,
        outputs: Iterable[str] | None = None,
        save_every_s: float | None = None,
        solver: Mapping[str, Any] | None = None,
    ) -> Scenario:
        """Build a scenario in code; sections not given come from the default scenario.

        Parameters
        ----------
        protocol : list of dict
            Phases, e.g. from :func:`phase`.
        name, description : str
        arms : list of dict, optional
            Comparison arms (default: none, the protocol as written).
        subject, limb : dict, optional
            ``{"preset", "initial_posture", "initial_posture_by_side", "body_mass_kg",
            "VO2max_mL_per_min_per_kg"}`` (``initial_posture_by_side``, e.g. ``{"right": "limb_raised"}``: sides
            of ``limb.sides`` that start in a posture of their own; the last two only convert a phase's
            ``intensity_W``; defaults 75 kg and 45 mL/min/kg),
            ``{"segment_names", "segment_lengths_cm"}``, optionally with ``"segment_tissue"`` (one preset per
            segment: foot, calf, thigh, forearm, upper_arm; its mass per cm from anthropometric tables) or
            ``"segment_mass_g"`` (one mass per segment [g]), and ``"sides"`` (e.g. ``["left", "right"]``: two
            limbs of these segments sharing the systemic pool; segments are then ``"left_distal_calf"`` ...,
            and a phase's ``"sides"`` chooses the limbs it acts on).
        parameters : dict, optional
            Overrides ``{name: value}`` (range-checked).
        outputs : list of str, optional
        save_every_s : float, optional
        solver : dict, optional
            ``{"stepper", "rtol", "atol", "dt_max_s"}`` (missing keys keep the default's).

        Returns
        -------
        Scenario
        """
        base = cls.default().to_dict()
        d: dict[str, Any] = {
            "format_version": base["format_version"],
            "name": name,
            "subject": dict(subject) if subject is not None else base["subject"],
            "limb": dict(limb) if limb is not None else base["limb"],
            "parameters": [{"name": k, "value": float(v)} for k, v in (parameters or {}).items()],
            "protocol": [dict(p) for p in protocol],
            "arms": [dict(a) for a in arms] if arms is not None else [],
            "outputs": {
                "names": list(outputs) if outputs is not None else base["outputs"]["names"],
                "save_every_s": save_every_s if save_every_s is not None else base["outputs"]["save_every_s"],
            },
            "solver": {**base["solver"], **(solver or {})},
        }
        if description:
            d["description"] = description
        return cls.from_dict(d, f"<scenario {name}>")

    # --- views ----------------------------------------------------------------------------------
    def to_json(self) -> str:
        """Return the scenario as JSON text (fields in schema order)."""
        return str(self._cpp.to_json())

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario's JSON form as a (new) dict."""
        out: dict[str, Any] = json.loads(self.to_json())
        return out

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the scenario as JSON, or YAML for a ``.yaml``/``.yml`` suffix; returns the path."""
        p = Path(path)
        if p.suffix.lower() in (".yaml", ".yml"):
            import yaml

            text = yaml.safe_dump(self.to_dict(), sort_keys=False)
        else:
            text = self.to_json()
        return _safe_io.atomic_write(p, lambda tmp: tmp.write_text(text))  # never half-written

    @property
    def name(self) -> str:
        """Scenario name."""
        return str(self._cpp.name)

    @property
    def description(self) -> str:
        """Free-text description."""
        return str(self._cpp.description)

    @property
    def arm_names(self) -> list[str]:
        """Names of the comparison arms (empty: the protocol as written)."""
        return list(self._cpp.arm_names)

    @property
    def output_names(self) -> list[str]:
        """Outputs the scenario asks for."""
        return list(self._cpp.output_names)

    @property
    def segment_names(self) -> list[str]:
        """The model's segments, distal to proximal, as outputs and overrides name them: the limb's
        ``segment_names``, or with ``limb.sides`` ``"<side>_<segment>"`` limb after limb."""
        return list(self._cpp.segment_names)

    @property
    def segment_lengths_cm(self) -> list[float]:
        """Lengths of the model's segments [cm], distal to proximal (limb after limb with sides)."""
        return list(self._cpp.segment_lengths_cm)

    @property
    def sides(self) -> list[str]:
        """Names of the limbs that share the limb's geometry (``limb.sides``, e.g. left and right leg);
        empty: one limb."""
        return list(self._cpp.sides)

    @property
    def segment_masses_g(self) -> list[float]:
        """Tissue mass of each segment [g] as a run builds it: the subject preset's mass per cm (default_calf
        100 g/cm), or the limb's ``segment_tissue`` presets (foot, calf, thigh, forearm, upper_arm) or
        ``segment_mass_g``, then the parameter overrides (e.g. ``"distal_calf.tissue_mass_g"``)."""
        return list(self._cpp.segment_masses_g)

    @property
    def duration_s(self) -> float:
        """Duration of the protocol [s]."""
        return float(self._cpp.duration_s)

    @property
    def save_every_s(self) -> float:
        """Output interval [s]."""
        return float(self._cpp.save_every_s)

    @property
    def solver(self) -> dict[str, Any]:
        """Solver options: stepper, rtol, atol, dt_max_s."""
        return {
            "stepper": self._cpp.stepper,
            "rtol": self._cpp.rtol,
            "atol": self._cpp.atol,
            "dt_max_s": self._cpp.dt_max_s,
        }

    @property
    def parameter_overrides(self) -> dict[str, float]:
        """The scenario's parameter overrides (later ones win)."""
        return dict(self._cpp.parameter_overrides)

    # --- modified copies ------------------------------------------------------------------------
    def replace(self, **sections: Any) -> Scenario:
        """Return a copy with top-level sections replaced (``protocol=[...]``, ``outputs={...}``, ...)."""
        d = self.to_dict()
        unknown = set(sections) - set(d) - {"description"}
        if unknown:
            raise _core.InvalidArgument(
                f"Scenario.replace: unknown section(s) {sorted(unknown)}; expected some of {sorted(d)}"
            )
        d.update(copy.deepcopy(sections))
        return Scenario.from_dict(d, f"<scenario {self.name}>")

    def with_parameters(
        self, values: Mapping[str, float] | None = None, *, allow_out_of_range: bool = False, **kw: float
    ) -> Scenario:
        """Return a copy with parameter overrides appended (range-checked unless ``allow_out_of_range``)."""
        merged = {**(values or {}), **kw}
        d = self.to_dict()
        for k, v in merged.items():
            entry: dict[str, Any] = {"name": k, "value": float(v)}
            if allow_out_of_range:
                entry["allow_out_of_range"] = True
            d["parameters"].append(entry)
        return Scenario.from_dict(d, f"<scenario {self.name}>")

    def with_protocol(self, phases: Iterable[Mapping[str, Any]]) -> Scenario:
        """Return a copy with another protocol (a list of phases, e.g. from :func:`phase`)."""
        return self.replace(protocol=[dict(p) for p in phases])

    def with_outputs(self, names: Iterable[str], save_every_s: float | None = None) -> Scenario:
        """Return a copy saving other outputs (and optionally at another interval)."""
        return self.replace(
            outputs={"names": list(names), "save_every_s": self.save_every_s if save_every_s is None else save_every_s}
        )

    def with_solver(self, **options: Any) -> Scenario:
        """Return a copy with solver options changed (``stepper``, ``rtol``, ``atol``, ``dt_max_s``)."""
        solver = {k: v for k, v in self.to_dict()["solver"].items()}
        solver.update(options)
        return self.replace(solver=solver)

    def plot(self, **kwargs: Any) -> Any:
        """Draw the protocol before running: pressure vs time per segment and as a heat map along
        the limb. See :func:`massagesim._plotting.plot_scenario` (``arm=``, ``dt_s=``)."""
        from ._plotting import plot_scenario

        return plot_scenario(self, **kwargs)

    # --- protocol ------------------------------------------------------------------------------
    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (Scenario.from_json, (self.to_json(), "<pickle>"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        arms = ", ".join(self.arm_names) or "as written"
        return f"<Scenario {self.name!r}: {self.duration_s:g} s, arms: {arms}>"


def as_scenario(obj: ScenarioLike) -> Scenario:
    """Coerce ``obj`` to a :class:`Scenario`.

    Parameters
    ----------
    obj : Scenario, massagesim._core.Scenario, dict, str, os.PathLike or None
        None gives the default scenario; a str or path is read as a file.

    Raises
    ------
    TypeError
        For anything else.
    """
    if obj is None:
        return Scenario.default()
    if isinstance(obj, Scenario):
        return obj
    if isinstance(obj, _core.Scenario):
        return Scenario(obj)
    if isinstance(obj, Mapping):
        return Scenario.from_dict(obj)
    if isinstance(obj, (str, os.PathLike)):
        return Scenario.from_file(obj)
    raise TypeError(f"expected a Scenario, dict, path or None, got {type(obj).__name__}")


def technique_names() -> list[str]:
    """Return the names of the techniques (manual ones for ``massage``, devices for ``compression``)."""
    return list(_core.technique_names())


def phase_kinds() -> list[str]:
    """Return the names of the phase kinds."""
    return list(_core.phase_kinds())


def technique_defaults(name: str) -> dict[str, Any]:
    """Return the default parameters of a technique, as the fields of a protocol phase.

    Parameters
    ----------
    name : str
        A name from :func:`technique_names`.

    Returns
    -------
    dict
        Field name (unit-suffixed) -> default value; fields defaulting to the limb (e.g. ``to_cm``) are absent.

    Raises
    ------
    UnknownName
        For an unknown technique.
    """
    ph = json.loads(_core.technique_defaults_json(name))["protocol"][0]
    return {k: v for k, v in ph.items() if k not in ("kind", "duration_s", "technique")}


def phase(kind: str, duration_s: float, *, technique: str | None = None, **fields: Any) -> dict[str, Any]:
    """Return one protocol phase in the scenario's JSON form.

    Parameters
    ----------
    kind : str
        A phase kind (:func:`phase_kinds`): ``rest``, ``exercise``, ``massage``, ...
    duration_s : float
        Duration [s].
    technique : str, optional
        For ``massage`` / ``compression`` phases; technique defaults fill unspecified fields.
    **fields
        Other phase or technique fields (``intensity_fraction_VO2max``, ``pressure_mmHg``, ...). Exercise and
        active-recovery phases take the intensity as ``intensity_fraction_VO2max``, as
        ``intensity_fraction_lactate_threshold`` (a multiple of the subject's lactate threshold, the parameter
        ``production_threshold_intensity``; an override of it moves the intensity) or, for a whole-body
        effort, as cycling power ``intensity_W`` (ACSM leg-cycling O2 cost over the subject's VO2max),
        ``muscle_group``,
        ``working_segments`` and ``contractions``, a dict
        ``{"cadence_per_min": 50, "duty_cycle": 0.4, "pressure_mmHg": 87}`` of rhythmic contractions (the
        muscle pump; every key optional, these are the defaults). Exercise, active-recovery, massage,
        compression and posture-change phases take ``sides`` (e.g. ``["left"]``): the limbs of ``limb.sides``
        they act on (default: every limb); a posture change with ``sides`` moves those limbs only. Any phase
        takes ``muscle_flow_multiplier`` (0.25-4, default 1): a prescribed factor on the blood-flow conductance of
        all the model's muscle while the phase lasts, for sensitivity analyses of a mechanism the model lacks
        (e.g. 0.76, massage lowering muscle inflow as Wiltshire 2010 measured); not a mechanism.

    Returns
    -------
    dict
        Validated when the scenario is built.
    """
    out: dict[str, Any] = {"kind": kind, "duration_s": float(duration_s)}
    if technique is not None:
        out["technique"] = technique
    out.update(fields)
    return out
