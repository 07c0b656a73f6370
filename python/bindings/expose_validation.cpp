// massagesim._core: the validation report. `validation_rows(prefixes=[])` returns one dict per target
// (the registry record plus model value and status); `validation_report(format="text", prefixes=[])`
// returns the same table that `massagesim_validate` prints ("text", "csv" or "markdown").
#include "expose_validation.hpp"

#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "massagesim/core/error.hpp"
#include "massagesim/validation/targets.hpp"

namespace py = pybind11;

namespace massagesim::python {

namespace {
std::vector<validation::TargetResult> run(const std::vector<std::string>& prefixes) {
  py::gil_scoped_release release;  // the runs take seconds to minutes
  return validation::run_targets(prefixes);
}
}  // namespace

void expose_validation(py::module_& m) {
  m.def(
      "validation_rows",
      [](const std::vector<std::string>& prefixes) {
        const auto rows = run(prefixes);
        py::list out;
        for (const auto& r : rows) {
          const auto& t = r.target;
          py::dict d;
          d["target"] = t.id;
          d["area"] = t.area;
          d["citation"] = t.citation;
          d["quantity"] = t.quantity;
          d["unit"] = t.unit;
          d["data"] = t.data;
          d["data_mean"] = t.data_mean;
          d["data_spread"] = t.data_spread;
          d["model"] = r.model;
          d["error_pct"] = r.error_pct;
          d["band_lo"] = t.band_lo;
          d["band_hi"] = t.band_hi;
          d["band_rule"] = std::string(validation::to_string(t.rule));
          d["status"] = std::string(validation::to_string(r.status));
          d["ok"] = r.ok();
          d["expected_failure_reason"] = t.expected_failure_reason;
          d["error_message"] = r.error_message;
          out.append(d);
        }
        return out;
      },
      py::arg("prefixes") = std::vector<std::string>{},
      "Run the validation targets (all, or those whose id starts with one of `prefixes`) and return one dict per\n"
      "target: target, area, citation, quantity, unit, data, data_mean, data_spread, model, error_pct, band_lo,\n"
      "band_hi, band_rule, status (PASS, EXPECTED-FAIL, FAIL, XPASS), ok, expected_failure_reason, error_message.");
  m.def(
      "validation_report",
      [](const std::string& format, const std::vector<std::string>& prefixes) {
        validation::ReportFormat f = validation::ReportFormat::text;
        if (format == "csv")
          f = validation::ReportFormat::csv;
        else if (format == "markdown")
          f = validation::ReportFormat::markdown;
        else if (format != "text")
          throw InvalidArgument("validation_report: format: expected 'text', 'csv' or 'markdown', got '" + format +
                                "'");
        return validation::format_report(run(prefixes), f);
      },
      py::arg("format") = "text", py::arg("prefixes") = std::vector<std::string>{},
      "The validation table as text (what massagesim_validate prints), CSV or Markdown.");
}

}  // namespace massagesim::python
