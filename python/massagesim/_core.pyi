"""Type stubs for massagesim._core (the compiled core)."""

__version__: str

class InvalidArgument(ValueError):
    """Bad input: the message says what was given and what is allowed."""

class UnknownName(InvalidArgument, KeyError):
    """An unknown parameter, state or observable name; the message lists close matches."""

class SolverError(RuntimeError):
    """An integration failure."""

    t_s: float
    dt_s: float
    state_name: str

class StepSizeUnderflow(SolverError): ...
class TooManySteps(SolverError): ...
class NonFiniteState(SolverError): ...
class OutOfDomain(SolverError): ...
class NewtonFailure(SolverError): ...

def solver_demo(rtols: list[float] = ..., t1_s: float = ...) -> list[dict[str, object]]:
    """Solve a pulsed compartment with each stepper at each tolerance; rows of work and error."""
