#pragma once
/// \file codegen.hpp
/// \brief An expression graph of several roots (e.g. the rate of every state), with its shared
/// sub-expressions named, printed as SBML Level 3 infix formulas or Python, and evaluated.
///
/// A recorded right-hand side is a DAG: a sub-expression used twice (a pressure read by several
/// flows) is printed once, as an intermediate variable (an SBML assignment rule, a Python local),
/// so that the printed model grows like the graph, not like its unfolded tree.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/symbolic/expr.hpp"

namespace massagesim::symbolic {

/// How formulas are printed.
enum class Dialect {
  sbml,    ///< SBML Level 3 infix (libsbml `parseL3Formula`): ln, piecewise, `time`
  python,  ///< Python with `import math`: math.log, `(a if c else b)`, time is `t`
};

/// The graph of a list of roots.
class Graph {
 public:
  explicit Graph(std::vector<Expr> roots) : roots_(std::move(roots)) {
    // Iterative post-order DFS: children before parents; count each parent edge.
    std::vector<std::pair<const Node*, int>> stack;
    auto visit = [&](const Node* r) {
      if (index_.count(r)) {
        ++uses_[index_.at(r)];
        return;
      }
      stack.emplace_back(r, 0);
      while (!stack.empty()) {
        auto& [n, k] = stack.back();
        if (k < n->n_args()) {
          const Node* c = n->args[static_cast<std::size_t>(k)].get();
          ++k;
          auto it = index_.find(c);
          if (it != index_.end()) {
            ++uses_[it->second];
          } else {
            stack.emplace_back(c, 0);
          }
          continue;
        }
        const Node* done = n;
        stack.pop_back();
        index_.emplace(done, static_cast<int>(order_.size()));
        order_.push_back(done);
        uses_.push_back(stack.empty() ? 0 : 1);  // the edge from the parent still on the stack
      }
      ++uses_[index_.at(r)];  // the root reference
      // The root itself got a use from "stack.empty() ? 0" = 0; add nothing more.
    };
    for (const auto& r : roots_) visit(r.node().get());
    // Names: aliases keep theirs; other shared non-leaf nodes get w<k>.
    names_.resize(order_.size());
    int k = 0;
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const Node* n = order_[i];
      if (n->op == Op::named) {
        names_[i] = n->id;
        intermediates_.push_back(static_cast<int>(i));
      } else if (n->n_args() > 0 && uses_[i] > 1) {
        names_[i] = "w_" + std::to_string(k++);
        intermediates_.push_back(static_cast<int>(i));
      }
      if (n->op == Op::parameter) {
        auto it = param_index_.find(n->id);
        if (it == param_index_.end()) {
          param_index_.emplace(n->id, static_cast<int>(parameters_.size()));
          parameters_.push_back(n);
          parameter_read_.push_back(n->value_read);
        } else {
          parameter_read_[static_cast<std::size_t>(it->second)] =
              parameter_read_[static_cast<std::size_t>(it->second)] || n->value_read;
          MASSAGESIM_CHECK(parameters_[static_cast<std::size_t>(it->second)]->value == n->value,
                           "symbolic graph: parameter '", n->id, "' appears with two values ",
                           parameters_[static_cast<std::size_t>(it->second)]->value, " and ", n->value);
        }
      }
      if (n->op == Op::state) max_state_ = std::max(max_state_, n->index);
    }
  }

  std::size_t n_roots() const noexcept { return roots_.size(); }
  std::size_t n_nodes() const noexcept { return order_.size(); }
  /// Distinct parameters the roots depend on (first occurrence order).
  const std::vector<const Node*>& parameters() const noexcept { return parameters_; }
  /// Whether parameter k's value was read as a number while recording (see `Node::value_read`):
  /// the equations then hold that value in places, and changing the symbol alone is not enough.
  bool parameter_value_read(std::size_t k) const { return parameter_read_.at(k); }
  /// Indices (into the node order) of the named intermediates, children before parents.
  const std::vector<int>& intermediates() const noexcept { return intermediates_; }
  const std::string& name_of(int node_index) const { return names_.at(static_cast<std::size_t>(node_index)); }
  const Node* node(int node_index) const { return order_.at(static_cast<std::size_t>(node_index)); }

  /// The definition of intermediate `node_index` (its children by name or inline).
  std::string definition(int node_index, Dialect d) const {
    const Node* n = node(node_index);
    if (n->op == Op::named) return print(n->args[0].get(), d);
    return print_op(n, d);
  }
  /// The formula of root `i`.
  std::string root_formula(std::size_t i, Dialect d) const { return print(roots_.at(i).node().get(), d); }

  /// Values of every root at states `x` (by state index) and time t_s; parameters at their values
  /// unless `parameter_values` (same order as `parameters()`) is given.
  std::vector<double> evaluate(std::span<const double> x, double t_s,
                               std::span<const double> parameter_values = {}) const {
    MASSAGESIM_CHECK(static_cast<int>(x.size()) > max_state_, "symbolic graph: expected at least ", max_state_ + 1,
                     " state values, got ", x.size());
    MASSAGESIM_CHECK(parameter_values.empty() || parameter_values.size() == parameters_.size(),
                     "symbolic graph: expected ", parameters_.size(), " parameter values, got ",
                     parameter_values.size());
    std::vector<double> v(order_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const Node* n = order_[i];
      auto a = [&](int j) {
        return v[static_cast<std::size_t>(index_.at(n->args[static_cast<std::size_t>(j)].get()))];
      };
      switch (n->op) {
        case Op::constant:
          v[i] = n->value;
          break;  // NOLINT(bugprone-branch-clone)
        case Op::parameter:
          v[i] =
              parameter_values.empty() ? n->value : parameter_values[static_cast<std::size_t>(param_index_.at(n->id))];
          break;
        case Op::state:
          v[i] = x[static_cast<std::size_t>(n->index)];
          break;
        case Op::time:
          v[i] = t_s;
          break;
        case Op::named:
          v[i] = a(0);
          break;
        case Op::select:
          v[i] = compare(n->cmp, a(0), a(1)) ? a(2) : a(3);
          break;
        default:
          v[i] = detail::apply(n->op, a(0), n->n_args() > 1 ? a(1) : 0.0);
          break;
      }
    }
    std::vector<double> out;
    out.reserve(roots_.size());
    for (const auto& r : roots_) out.push_back(v[static_cast<std::size_t>(index_.at(r.node().get()))]);
    return out;
  }

  /// A double printed so that it reads back exactly (shortest round-trip form).
  static std::string number(double c, Dialect d) {
    if (std::isnan(c)) throw InvalidArgument("symbolic graph: a constant is NaN; the model cannot be exported");
    if (std::isinf(c)) {
      if (d == Dialect::sbml) return c > 0 ? "INF" : "(-INF)";
      return c > 0 ? "math.inf" : "(-math.inf)";
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, c);
    std::string s(buf, res.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";  // a float literal in Python too
    return c < 0 ? "(" + s + ")" : s;
  }

 private:
  std::string print(const Node* n, Dialect d) const {
    const int i = index_.at(n);
    if (!names_[static_cast<std::size_t>(i)].empty()) return names_[static_cast<std::size_t>(i)];
    switch (n->op) {
      case Op::constant:
        return number(n->value, d);
      case Op::parameter:
      case Op::state:
        return n->id;
      case Op::time:
        return d == Dialect::sbml ? "time" : "t";
      default:
        return print_op(n, d);
    }
  }
  std::string print_op(const Node* n, Dialect d) const {
    auto a = [&](int j) { return print(n->args[static_cast<std::size_t>(j)].get(), d); };
    const bool py = d == Dialect::python;
    auto fn = [&](const char* sbml, const char* python) { return std::string(py ? python : sbml) + "(" + a(0) + ")"; };
    switch (n->op) {
      case Op::add:
        return "(" + a(0) + " + " + a(1) + ")";
      case Op::sub:
        return "(" + a(0) + " - " + a(1) + ")";
      case Op::mul:
        return "(" + a(0) + " * " + a(1) + ")";
      case Op::div:
        return "(" + a(0) + " / " + a(1) + ")";
      case Op::neg:
        return "(-" + a(0) + ")";
      case Op::pow:
        return py ? "(" + a(0) + " ** " + a(1) + ")" : "pow(" + a(0) + ", " + a(1) + ")";
      case Op::exp:
        return fn("exp", "math.exp");
      case Op::log:
        return fn("ln", "math.log");
      case Op::sqrt:
        return fn("sqrt", "math.sqrt");
      case Op::cos:
        return fn("cos", "math.cos");
      case Op::sin:
        return fn("sin", "math.sin");
      case Op::tanh:
        return fn("tanh", "math.tanh");
      case Op::floor:
        return fn("floor", "math.floor");
      case Op::abs:
        return fn("abs", "abs");
      case Op::select: {
        static constexpr const char* ops[] = {" < ", " <= ", " > ", " >= "};
        const std::string c = a(0) + ops[static_cast<int>(n->cmp)] + a(1);
        if (py) return "(" + a(2) + " if " + c + " else " + a(3) + ")";
        return "piecewise(" + a(2) + ", " + c + ", " + a(3) + ")";
      }
      case Op::named:
        return a(0);
      default:
        break;
    }
    throw InvalidArgument("symbolic graph: cannot print a leaf as an operation");
  }

  std::vector<Expr> roots_;
  std::vector<const Node*> order_;
  std::vector<int> uses_;
  std::unordered_map<const Node*, int> index_;
  std::vector<std::string> names_;
  std::vector<int> intermediates_;
  std::vector<const Node*> parameters_;
  std::vector<bool> parameter_read_;
  std::unordered_map<std::string, int> param_index_;
  int max_state_ = -1;
};

}  // namespace massagesim::symbolic
