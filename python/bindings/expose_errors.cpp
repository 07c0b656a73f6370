#include "expose_errors.hpp"

#include <cstring>
#include <exception>

namespace py = pybind11;

namespace massagesim::python {
namespace {

// Exception types live for the interpreter's lifetime (module attributes keep them alive).
PyObject* g_invalid_argument = nullptr;
PyObject* g_unknown_name = nullptr;
PyObject* g_solver_error = nullptr;
PyObject* g_step_size_underflow = nullptr;
PyObject* g_too_many_steps = nullptr;
PyObject* g_non_finite_state = nullptr;
PyObject* g_out_of_domain = nullptr;
PyObject* g_newton_failure = nullptr;
PyObject* g_cancelled = nullptr;

PyObject* new_type(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("massagesim._core.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));  // the module holds a reference
  return type;
}

// The message as a Python str. C++ messages may quote user input cut at a byte count, which can
// split a UTF-8 sequence: decode with replacement rather than fail (a UnicodeDecodeError would
// hide the real error).
py::str message(const std::exception& e) {
  const char* what = e.what();
  PyObject* s = PyUnicode_DecodeUTF8(what, static_cast<Py_ssize_t>(std::strlen(what)), "replace");
  if (!s) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(s);
}

void raise_plain(PyObject* type, const std::exception& e) { PyErr_SetObject(type, message(e).ptr()); }

void raise_solver_error(PyObject* type, const SolverError& e) {
  py::object exc = py::reinterpret_borrow<py::object>(type)(message(e));
  exc.attr("t_s") = e.t_s();
  exc.attr("dt_s") = e.dt_s();
  exc.attr("state_name") = e.state_name();
  PyErr_SetObject(type, exc.ptr());
}

}  // namespace

void expose_errors(py::module_& m) {
  g_invalid_argument = new_type(m, "InvalidArgument", PyExc_ValueError,
                                "Bad input: the message says what was given and what is allowed.");
  py::tuple unknown_bases = py::make_tuple(py::handle(g_invalid_argument), py::handle(PyExc_KeyError));
  g_unknown_name = new_type(m, "UnknownName", unknown_bases.ptr(),
                            "An unknown parameter, state or observable name; the message lists close matches.");
  g_solver_error =
      new_type(m, "SolverError", PyExc_RuntimeError, "An integration failure. Attributes: t_s, dt_s, state_name.");
  g_step_size_underflow = new_type(m, "StepSizeUnderflow", g_solver_error, "The step size fell below its minimum.");
  g_too_many_steps = new_type(m, "TooManySteps", g_solver_error, "More steps than StepControl.max_steps.");
  g_non_finite_state = new_type(m, "NonFiniteState", g_solver_error, "A state or derivative became NaN or infinite.");
  g_out_of_domain = new_type(m, "OutOfDomain", g_solver_error, "A state left its domain (e.g. a negative volume).");
  g_newton_failure = new_type(m, "NewtonFailure", g_solver_error, "Newton's method did not converge.");
  g_cancelled = new_type(m, "Cancelled", PyExc_RuntimeError,
                         "The run stopped on request (SimulationOptions.cancel set; Ctrl-C in simulate()); not a "
                         "SolverError. Attribute: t_s, the time reached.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UnknownName& e) {
      // KeyError's str() quotes its argument; keep the plain message readable via args[0].
      raise_plain(g_unknown_name, e);
    } catch (const InvalidArgument& e) {
      raise_plain(g_invalid_argument, e);
    } catch (const StepSizeUnderflow& e) {
      raise_solver_error(g_step_size_underflow, e);
    } catch (const TooManySteps& e) {
      raise_solver_error(g_too_many_steps, e);
    } catch (const NonFiniteState& e) {
      raise_solver_error(g_non_finite_state, e);
    } catch (const OutOfDomain& e) {
      raise_solver_error(g_out_of_domain, e);
    } catch (const NewtonFailure& e) {
      raise_solver_error(g_newton_failure, e);
    } catch (const SolverError& e) {
      raise_solver_error(g_solver_error, e);
    } catch (const Cancelled& e) {
      py::object exc = py::reinterpret_borrow<py::object>(g_cancelled)(message(e));
      exc.attr("t_s") = e.t_s();
      PyErr_SetObject(g_cancelled, exc.ptr());
    }
  });
}

}  // namespace massagesim::python
