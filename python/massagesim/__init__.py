"""massagesim: mechanistic ODE models of what soft-tissue massage does to the body.

The compiled core (:mod:`massagesim._core`) holds the models, protocols and solvers (C++);
this package adds the Python layer. Heavy optional libraries (pandas, matplotlib, tqdm,
xarray, SALib, dask) are imported only by the functions that need them, so ``import massagesim``
is fast.

Main entry points: :func:`simulate` (a :class:`Result` with ``to_pandas``, ``to_xarray``,
``metrics``, ``plot``), :func:`sweep`, :func:`sobol`, :func:`morris`, :func:`local_sensitivity`,
:func:`fit`, :class:`Scenario`, :func:`parameters`; the equations as SBML or a SciPy right-hand
side, and libRoadRunner runs of them: :mod:`massagesim.sbml` (:func:`model_graph`,
:func:`graph_to_sbml`, :func:`graph_to_python`, :func:`load_sbml`, :func:`simulate_roadrunner`).
"""

from ._core import Cancelled as Cancelled
from ._core import InvalidArgument as InvalidArgument
from ._core import NewtonFailure as NewtonFailure
from ._core import NonFiniteState as NonFiniteState
from ._core import OutOfDomain as OutOfDomain
from ._core import SolverError as SolverError
from ._core import StepSizeUnderflow as StepSizeUnderflow
from ._core import TooManySteps as TooManySteps
from ._core import UnknownName as UnknownName
from ._core import __version__ as __version__
from ._core import solver_demo as solver_demo
from ._fitting import FitResult as FitResult
from ._fitting import fit as fit
from ._parameters import Parameters as Parameters
from ._parameters import parameters as parameters
from ._plotting import limb_outputs as limb_outputs
from ._plotting import plot_limb as plot_limb
from ._plotting import plot_result as plot_result
from ._plotting import plot_scenario as plot_scenario
from ._plotting import protocol_pressures as protocol_pressures
from ._result import ArmTrace as ArmTrace
from ._result import Result as Result
from ._scenario import Scenario as Scenario
from ._scenario import phase as phase
from ._scenario import phase_kinds as phase_kinds
from ._scenario import technique_defaults as technique_defaults
from ._scenario import technique_names as technique_names
from ._sensitivity import local_sensitivity as local_sensitivity
from ._sensitivity import morris as morris
from ._sensitivity import sobol as sobol
from ._simulate import Simulator as Simulator
from ._simulate import available_outputs as available_outputs
from ._simulate import metric_names as metric_names
from ._simulate import simulate as simulate
from ._sweep import parameter_table as parameter_table
from ._sweep import sweep as sweep
from ._units import unit_of as unit_of
from ._validation import validate as validate
from ._validation import validation_report as validation_report
from .sbml import SBMLExportError as SBMLExportError
from .sbml import graph_to_python as graph_to_python
from .sbml import graph_to_sbml as graph_to_sbml
from .sbml import load_sbml as load_sbml
from .sbml import model_graph as model_graph
from .sbml import simulate_roadrunner as simulate_roadrunner

__all__ = [
    "ArmTrace",
    "Cancelled",
    "FitResult",
    "InvalidArgument",
    "NewtonFailure",
    "NonFiniteState",
    "OutOfDomain",
    "Parameters",
    "Result",
    "SBMLExportError",
    "Scenario",
    "Simulator",
    "SolverError",
    "StepSizeUnderflow",
    "TooManySteps",
    "UnknownName",
    "__version__",
    "available_outputs",
    "fit",
    "graph_to_python",
    "graph_to_sbml",
    "load_sbml",
    "local_sensitivity",
    "metric_names",
    "model_graph",
    "morris",
    "parameter_table",
    "parameters",
    "phase",
    "phase_kinds",
    "limb_outputs",
    "plot_limb",
    "plot_result",
    "plot_scenario",
    "protocol_pressures",
    "simulate",
    "simulate_roadrunner",
    "sobol",
    "solver_demo",
    "sweep",
    "technique_defaults",
    "technique_names",
    "unit_of",
    "validate",
    "validation_report",
]
