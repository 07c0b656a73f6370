// massagesim._bench: benchmark and peer-comparison helpers (benchmarks/python/compare_peers.py, the asv
// suite). Private: not part of the modelling API, which is massagesim._core.
#include <pybind11/pybind11.h>

namespace py = pybind11;
namespace massagesim::python {
void expose_benchmarks(py::module_& m);
}  // namespace massagesim::python

PYBIND11_MODULE(_bench, m) {
  m.doc() = "massagesim benchmark helpers (private; may change without notice).";
  py::module_::import("massagesim._core");  // registers the types the helpers take (PreparedArm)
  massagesim::python::expose_benchmarks(m);
}
