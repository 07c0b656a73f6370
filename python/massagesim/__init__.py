"""massagesim: mechanistic ODE models of what soft-tissue massage does to the body.

The compiled core (:mod:`massagesim._core`) holds the models, protocols and solvers (C++);
this package adds the Python layer. Heavy optional libraries (pandas, matplotlib, tqdm,
SALib, dask) are imported only by the modules that need them, so ``import massagesim`` is fast.
"""

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

__all__ = [
    "InvalidArgument",
    "NewtonFailure",
    "NonFiniteState",
    "OutOfDomain",
    "SolverError",
    "StepSizeUnderflow",
    "TooManySteps",
    "UnknownName",
    "__version__",
    "solver_demo",
]
