"""
massagesim compiled core: models, protocols and solvers implemented in C++.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import os
import typing
__all__: list[str] = ['ArmResult', 'CancelFlag', 'Cancelled', 'InvalidArgument', 'NewtonFailure', 'NonFiniteState', 'OutOfDomain', 'ParameterInfo', 'PreparedArm', 'RunEstimate', 'Scenario', 'SimulationOptions', 'SimulationResult', 'SolverError', 'StepSizeUnderflow', 'TooManySteps', 'UnknownName', 'available_outputs', 'canonical_parameter_id', 'check_parameter', 'check_run', 'default_scenario_json', 'estimate_run', 'is_device_technique', 'known_output_names', 'metric_info', 'metric_names', 'model_graph_json', 'output_beat_means', 'output_bounds', 'output_catalogue', 'parameter_info', 'phase_kinds', 'posture_catalogue', 'prepare_arm', 'preset_names', 'preset_parameters', 'segment_tissue_presets', 'simulate', 'simulate_batch', 'solver_demo', 'state_catalogue', 'stepper_names', 'subject_parameters', 'technique_defaults_json', 'technique_names', 'tolerance_problem', 'validation_report', 'validation_rows']
class InvalidArgument(ValueError):
    """
    Bad input: the message says what was given and what is allowed.
    """
class UnknownName(InvalidArgument, KeyError):
    """
    An unknown parameter, state or observable name; the message lists close matches.
    """
class SolverError(RuntimeError):
    """
    An integration failure. Attributes: t_s, dt_s, state_name.
    """
class StepSizeUnderflow(SolverError):
    """
    The step size fell below its minimum.
    """
class TooManySteps(SolverError):
    """
    More steps than StepControl.max_steps.
    """
class NonFiniteState(SolverError):
    """
    A state or derivative became NaN or infinite.
    """
class OutOfDomain(SolverError):
    """
    A state left its domain (e.g. a negative volume).
    """
class NewtonFailure(SolverError):
    """
    Newton's method did not converge.
    """
class Cancelled(RuntimeError):
    """
    The run stopped on request (SimulationOptions.cancel set; Ctrl-C in simulate()); not a SolverError. Attribute: t_s, the time reached.
    """
class ParameterInfo:
    """
    Metadata of one model parameter: unit, default, physiological range, source.
    """
    def __repr__(self) -> str:
        ...
    @property
    def default_value(self) -> float:
        """
        Default (healthy adult, supine).
        """
    @property
    def description(self) -> str:
        """
        One line: what it is.
        """
    @property
    def level(self) -> str:
        """
        'segment' (bare name: every segment; '<segment>.<name>': one) or 'limb' ('<module>.<name>').
        """
    @property
    def max(self) -> float:
        """
        Upper end of the physiological range.
        """
    @property
    def min(self) -> float:
        """
        Lower end of the physiological range.
        """
    @property
    def module(self) -> str:
        """
        Model module that owns it.
        """
    @property
    def name(self) -> str:
        """
        Unit-suffixed identifier.
        """
    @property
    def source(self) -> str:
        """
        Citation or 'calibrated to <target>'.
        """
    @property
    def unit(self) -> str:
        """
        Unit, e.g. 'mL/mmHg'.
        """
class Scenario:
    """
    A validated scenario (subject, limb, parameter overrides, protocol,
    arms, outputs, solver options). Immutable from Python: build a new one from JSON to change it.
    Picklable (through its JSON form).
    """
    @staticmethod
    def default() -> Scenario:
        """
        The embedded default scenario (post-exercise leg recovery, massage vs passive).
        """
    @staticmethod
    def from_json(text: str, source_name: str = '<string>') -> Scenario:
        """
        Parse and validate scenario JSON; ``source_name`` prefixes error messages. Raises InvalidArgument / UnknownName.
        """
    @staticmethod
    def load(path: os.PathLike | str | bytes) -> Scenario:
        """
        Read and validate a scenario JSON file. Raises InvalidArgument / UnknownName.
        """
    def __getstate__(self) -> str:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, arg0: str) -> None:
        ...
    def to_json(self) -> str:
        """
        The scenario as JSON text (parse_scenario(to_json(s)) gives s back).
        """
    @property
    def arm_names(self) -> list[str]:
        ...
    @property
    def atol(self) -> float:
        ...
    @property
    def description(self) -> str:
        ...
    @property
    def dt_max_s(self) -> float:
        ...
    @property
    def duration_s(self) -> float:
        """
        Duration of the protocol [s].
        """
    @property
    def name(self) -> str:
        ...
    @property
    def output_names(self) -> list[str]:
        ...
    @property
    def parameter_overrides(self) -> list[tuple[str, float]]:
        """
        (name, value) overrides applied to the subject preset, in order.
        """
    @property
    def preset(self) -> str:
        ...
    @property
    def rtol(self) -> float:
        ...
    @property
    def save_every_s(self) -> float:
        ...
    @property
    def segment_lengths_cm(self) -> list[float]:
        ...
    @property
    def segment_masses_g(self) -> list[float]:
        """
        Tissue mass of each segment [g] as a run builds it: the subject preset's mass per cm, or limb.segment_tissue / limb.segment_mass_g, then the parameter overrides.
        """
    @property
    def segment_names(self) -> list[str]:
        ...
    @property
    def sides(self) -> list[str]:
        ...
    @property
    def stepper(self) -> str:
        ...
class CancelFlag:
    """
    A flag that stops a run when set: give it as SimulationOptions.cancel, then call set() from any thread.
    """
    def __init__(self) -> None:
        ...
    def set(self) -> None:
        """
        Ask the run to stop at its next solver step: simulate() then raises Cancelled.
        """
    @property
    def is_set(self) -> bool:
        """
        Whether set() was called.
        """
class SimulationOptions:
    """
    Overrides of a scenario's solver and output sections; unset fields (None) keep the scenario's values.
    """
    def __getstate__(self) -> tuple[str | None, float | None, float | None, float | None, float | None, list[str] | None, list[tuple[str, float]], list[str], bool, bool]:
        ...
    def __init__(self) -> None:
        ...
    def __setstate__(self, arg0: tuple) -> None:
        ...
    @property
    def arms(self) -> list[str]:
        """
        Arms to run ([] = all).
        """
    @arms.setter
    def arms(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def atol(self) -> float | None:
        """
        Absolute tolerance > 0, or None.
        """
    @atol.setter
    def atol(self, arg0: typing.SupportsFloat | typing.SupportsIndex | None) -> None:
        ...
    @property
    def cancel(self) -> CancelFlag:
        """
        A CancelFlag that stops the run when set, or None. Not pickled (a flag belongs to one process).
        """
    @cancel.setter
    def cancel(self, arg1: CancelFlag) -> None:
        ...
    @property
    def dt_max_s(self) -> float | None:
        """
        Largest step [s] > 0, or None.
        """
    @dt_max_s.setter
    def dt_max_s(self, arg0: typing.SupportsFloat | typing.SupportsIndex | None) -> None:
        ...
    @property
    def keep_traces(self) -> bool:
        """
        False: metrics only (bounded memory).
        """
    @keep_traces.setter
    def keep_traces(self, arg0: bool) -> None:
        ...
    @property
    def outputs(self) -> list[str] | None:
        """
        Output names; [] = all; None = the scenario's.
        """
    @outputs.setter
    def outputs(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def parameter_overrides(self) -> list[tuple[str, float]]:
        """
        (name, value) pairs applied after the scenario's overrides (range-checked).
        """
    @parameter_overrides.setter
    def parameter_overrides(self, arg0: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex]]) -> None:
        ...
    @property
    def rtol(self) -> float | None:
        """
        Relative tolerance in (0, 1), or None.
        """
    @rtol.setter
    def rtol(self, arg0: typing.SupportsFloat | typing.SupportsIndex | None) -> None:
        ...
    @property
    def save_every_s(self) -> float | None:
        """
        Output interval [s] > 0, or None.
        """
    @save_every_s.setter
    def save_every_s(self, arg0: typing.SupportsFloat | typing.SupportsIndex | None) -> None:
        ...
    @property
    def stepper(self) -> str | None:
        """
        'rodas4' | 'rodas4p2' | 'bdf' | 'dopri5' | 'dop853' | 'fehlberg78' (stepper_names()) or None.
        """
    @stepper.setter
    def stepper(self, arg0: str | None) -> None:
        ...
    @property
    def throw_on_failure(self) -> bool:
        """
        False: failures set status/message per arm instead of raising.
        """
    @throw_on_failure.setter
    def throw_on_failure(self, arg0: bool) -> None:
        ...
class ArmResult:
    """
    One arm of a run: output series (NumPy views, no copy) and metrics.
    """
    @property
    def arm(self) -> str:
        ...
    @property
    def message(self) -> str:
        ...
    @property
    def metrics(self) -> list[tuple[str, float]]:
        """
        (name, value) summary metrics, unit-suffixed, fixed order.
        """
    @property
    def output_names(self) -> list[str]:
        ...
    @property
    def stats(self) -> dict:
        ...
    @property
    def status(self) -> str:
        ...
    @property
    def t_s(self) -> numpy.ndarray:
        """
        Output times [s] (read-only view into the C++ result).
        """
    @property
    def values(self) -> numpy.ndarray:
        """
        n_times x n_outputs (read-only view into the C++ result).
        """
    @property
    def wall_time_s(self) -> float:
        ...
class SimulationResult:
    """
    All arms of one scenario run.
    """
    @property
    def arms(self) -> list:
        """
        The ArmResult of each arm, in the order run.
        """
    @property
    def error(self) -> str:
        """
        simulate_batch only: the error that stopped this run before any arm ran; empty on success.
        """
    @property
    def scenario_name(self) -> str:
        ...
class RunEstimate:
    """
    What a run will cost, estimated before it starts.
    """
    @property
    def duration_s(self) -> float:
        ...
    @property
    def memory_MB(self) -> float:
        """
        Memory of the saved results [MB].
        """
    @property
    def n_arms(self) -> int:
        ...
    @property
    def n_saves(self) -> float:
        """
        Save points per arm.
        """
    @property
    def n_segments(self) -> int:
        ...
    @property
    def n_values(self) -> int:
        """
        Values per save point (states and outputs).
        """
    @property
    def save_every_s(self) -> float:
        ...
    @property
    def solver_steps(self) -> float:
        """
        Solver steps over all arms.
        """
    @property
    def work_steps(self) -> float:
        """
        Solver steps x segments (what MASSAGESIM_MAX_STEPS bounds).
        """
class PreparedArm:
    """
    One arm of a scenario as `simulate` builds it: limb, rest state, schedule.
    """
    @property
    def arm(self) -> str:
        ...
    @property
    def breakpoints_s(self) -> list[float]:
        ...
    @property
    def n_states(self) -> int:
        ...
    @property
    def rest_state(self) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]:
        ...
def available_outputs(scenario: Scenario) -> list[str]:
    """
    Output names available for a scenario (states and derived signals, per segment, plus inputs).
    """
def canonical_parameter_id(name: str) -> str:
    """
    The catalogue id a name resolves to (``mean_arterial_pressure_mmHg`` ->
    ``systemic.mean_arterial_pressure_mmHg``; ``distal_calf.tissue_mass_g`` stays as it is).
    
    Raises
    ------
    UnknownName
        For an unknown name (the message lists the nearest ids).
    """
def check_parameter(name: str, value: typing.SupportsFloat | typing.SupportsIndex, allow_out_of_range: bool = False, segment_names: collections.abc.Sequence[str] = []) -> None:
    """
    Validate a parameter value as a scenario override or a run's ``parameters`` is checked (the one
    catalogue, models/parameter_space.hpp). ``segment_names``: the limb's segments, for
    ``<segment>.<name>`` ids (empty: any segment name is accepted).
    
    Raises
    ------
    UnknownName
        For an unknown name (the message lists the nearest names).
    InvalidArgument
        For a non-finite value, or one outside [min, max] unless ``allow_out_of_range``.
    """
def check_run(scenario: Scenario, options: SimulationOptions = ...) -> None:
    """
    What simulate() checks before it starts (sane values; memory and work against MASSAGESIM_MAX_OUTPUT_MB and MASSAGESIM_MAX_STEPS); raises InvalidArgument.
    """
def default_scenario_json() -> str:
    """
    The JSON text of the embedded default scenario (identical to scenarios/default.json).
    """
def estimate_run(scenario: Scenario, options: SimulationOptions = ...) -> RunEstimate:
    """
    Memory and work of simulate(scenario, options), estimated before running (simulation/run_estimate.hpp).
    """
def is_device_technique(name: str) -> bool:
    """
    True for techniques applied by a device (phase kind 'compression'), False for manual ones ('massage').
    """
def known_output_names() -> list[str]:
    """
    Names accepted in outputs.names: segment states, segment observables and schedule inputs.
    """
def metric_info() -> list[tuple[str, str, str]]:
    """
    The summary metrics as (name, unit, description), in the order runs list them.
    """
def metric_names() -> list[str]:
    """
    Names of the summary metrics, in the order runs list them.
    """
def model_graph_json(scenario: Scenario, arm: str = '', kind: str = 'limb', t1_s: typing.SupportsFloat | typing.SupportsIndex | None = None) -> str:
    """
    The equations of one arm of a scenario, recorded from the C++ right-hand side, as JSON.
    
    Parameters
    ----------
    scenario : Scenario
    arm : str
        Arm name; empty: the first arm (or the protocol as written when there are no arms).
    kind : {"limb", "segment"}
        "limb": the scenario's limb with the whole-body lactate pool; "segment": its first segment alone.
    t1_s : float, optional
        End time [s]; default the end of the protocol.
    
    Returns
    -------
    str
        JSON ("massagesim-model-graph", version 1): states (initial values, rates per second as SBML
        infix and Python), parameters (value, unit, range, source), assignments in dependency order,
        output ids and the protocol's breakpoints. `massagesim.sbml` turns it into SBML or a SciPy
        right-hand side.
    """
def output_beat_means() -> list[tuple[str, str, float]]:
    """
    The outputs the envelope judges on their beat mean, as (output, cumulative output, window_s): the rise
    of the segment's cumulative output over the window before each saved time, per minute (per 100 g for a per-100 g
    output), where a sample lies one window earlier (models/output_bounds.hpp).
    """
def output_bounds() -> list[tuple[str, str, str, str, float, float, str]]:
    """
    The physiological envelope as (name, unit, level, basis, min, max, source): every output's bound
    in catalogue order (states from their module's state table), then its bound per kg of segment tissue
    (basis 'per_kg', unit '<unit>/kg') when it has one. An infinite bound means none was published
    (models/output_bounds.hpp).
    """
def output_catalogue() -> list[tuple[str, str, str, str]]:
    """
    Every quantity a run can record, as (name, unit, level, description): segment states, outputs
    and inputs (level 'segment': columns '<segment>.<name>'), then limb-level quantities (level 'limb').
    Units of result columns come from here (models/output_catalogue.hpp).
    """
def parameter_info() -> list[ParameterInfo]:
    """
    Metadata of every parameter a run can set (models/parameter_space.hpp): segment parameters by
    their bare name, then the limb-level modules' as ``<module>.<name>``.
    
    Returns
    -------
    list of ParameterInfo
        Id, unit, default, physiological range [min, max], source, description, module, level.
    """
def phase_kinds() -> list[str]:
    """
    Names of the phase kinds a protocol is made of.
    """
def posture_catalogue() -> list[tuple[str, str]]:
    """
    Every posture as (name, description): what `subject.initial_posture` and a posture_change phase take.
    """
def prepare_arm(scenario: Scenario, arm: str = '') -> PreparedArm:
    """
    Prepares one arm (empty: the first) as `simulate` would: for benchmarks and exports.
    """
def preset_names() -> list[str]:
    """
    Names of the subject presets (scenario field subject.preset).
    """
def preset_parameters(preset: str = 'default_calf') -> list[tuple[str, float]]:
    """
    Parameter values of a subject preset.
    
    Parameters
    ----------
    preset : str
        A name from :func:`preset_names`.
    
    Returns
    -------
    list of (str, float)
        (id, value) pairs in the order of :func:`parameter_info` (limb-level values are the defaults; the
        lumped working muscle's mass is set from the limb's own mass when a limb is built).
    
    Raises
    ------
    UnknownName
        For an unknown preset.
    """
def segment_tissue_presets() -> list[dict]:
    """
    The tissue presets of limb.segment_tissue (models/segment_tissue.hpp): name, mass per cm of a reference adult of 75 kg and 175 cm [g/cm], segment mass / body mass, segment length / height, description.
    """
def simulate(scenario: Scenario, options: SimulationOptions = ...) -> SimulationResult:
    """
    Run every requested arm of a scenario (the GIL is released while it runs).
    
    Parameters
    ----------
    scenario : Scenario
    options : SimulationOptions
    
    Returns
    -------
    SimulationResult
    
    Raises
    ------
    InvalidArgument, UnknownName
        On bad options, unknown outputs or parameters.
    SolverError
        A subclass, on a failed integration when ``options.throw_on_failure``.
    """
def simulate_batch(scenario: Scenario, runs: collections.abc.Sequence[SimulationOptions], n_threads: typing.SupportsInt | typing.SupportsIndex = 0, progress: collections.abc.Callable | None = None, progress_interval_s: typing.SupportsFloat | typing.SupportsIndex = 0.1) -> list[SimulationResult]:
    """
    Run variants of one scenario on C++ threads (GIL released).
    
    Parameters
    ----------
    scenario : Scenario
    runs : list of SimulationOptions
        One per run.
    n_threads : int
        Worker threads; 0 = all cores. Results do not depend on it.
    progress : callable(int) or None
        Called with the number of finished runs, from worker threads holding the GIL only for the
        call, at most every ``progress_interval_s`` seconds and once at the end.
    progress_interval_s : float
        Throttle of the progress callback [s].
    
    Returns
    -------
    list of SimulationResult
        In input order. Failures are recorded per arm (status, message), not raised.
    """
def solver_demo(rtols: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex] = [0.0001, 1e-06, 1e-08], t1_s: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> list:
    """
    Solve a pulsed compartment (1 Hz square pressure pulses, exact solution known) with each
    stepper at each relative tolerance.
    
    Parameters
    ----------
    rtols : list of float
        Relative tolerances, each in (0, 1).
    t1_s : float
        Simulated time [s], in (0, 86400].
    
    Returns
    -------
    list of dict
        One row per (stepper, rtol): steps, rejected, rhs_evals, breakpoints, max_error_mmHg.
    """
def state_catalogue() -> list[tuple[str, str, float, float, str]]:
    """
    Every state as (name, unit, min, max, description): a segment's, then the limb-level modules'.
    """
def stepper_names() -> list[str]:
    """
    Names of the steppers a scenario's solver.stepper and simulate(stepper=...) take.
    """
def subject_parameters(scenario: Scenario) -> list[tuple[str, float]]:
    """
    Parameter values the scenario's subject runs with (preset plus overrides): segment parameters by name, then the limb-level modules' ('<module>.<name>'), in the order of parameter_info().
    """
def technique_defaults_json(name: str) -> str:
    """
    Default parameters of a technique as scenario JSON (a one-phase protocol).
    
    Parameters
    ----------
    name : str
        A name from :func:`technique_names`.
    
    Returns
    -------
    str
        Scenario JSON whose ``protocol[0]`` holds the technique and its default fields (unset
        optional fields, e.g. a site end that defaults to the limb end, are left out).
    
    Raises
    ------
    UnknownName
        For an unknown technique (the message lists the known ones).
    """
def technique_names() -> list[str]:
    """
    Names of the techniques (manual and device), in a fixed order.
    """
def tolerance_problem(which: str, value: typing.SupportsFloat | typing.SupportsIndex) -> str | None:
    """
    What is wrong with a tolerance ('rtol' or 'atol') for every route (scenario/limits.hpp), or None.
    """
def validation_report(format: str = 'text', prefixes: collections.abc.Sequence[str] = []) -> str:
    """
    The validation table as text (what massagesim_validate prints), CSV or Markdown.
    """
def validation_rows(prefixes: collections.abc.Sequence[str] = []) -> list:
    """
    Run the validation targets (all, or those whose id starts with one of `prefixes`) and return one dict per
    target: target, area, citation, quantity, unit, data, data_mean, data_spread, model, error_pct, band_lo,
    band_hi, band_rule, status (PASS, EXPECTED-FAIL, FAIL, XPASS), ok, expected_failure_reason, error_message.
    """
__version__: str = '0.1.0'
