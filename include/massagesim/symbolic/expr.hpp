#pragma once
/// \file expr.hpp
/// \brief A symbolic scalar that records the operations of a templated right-hand side.
///
/// Every model's right-hand side is a template over the scalar type (style.md: AD gives exact
/// Jacobians). Running it with `Expr` instead of `double` records the very same equations as an
/// expression graph, which `codegen.hpp` prints as SBML formulas or Python code: one source of
/// truth for our solver, libRoadRunner and SciPy (issue #6: "the same equations").
///
/// Each node also carries its numeric value at the point being traced (states, parameters and time
/// given values), so code that reads `value()` (overflow guards, smoothing widths taken from
/// parameters) still compiles and runs. A branch on a traced value would silently freeze one side,
/// which is why model helpers branch through `select()` when the scalar is symbolic
/// (`SymbolicScalar`), and why the exporter checks the printed equations against the double
/// right-hand side at states away from the trace point.
///
/// Comparisons of `Expr` give a `Condition`, which is not convertible to bool: a model that writes
/// `if (x < y)` on a symbolic scalar does not compile, instead of exporting one branch.

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "massagesim/core/check.hpp"
#include "massagesim/core/error.hpp"
#include "massagesim/symbolic/scalar_traits.hpp"

namespace massagesim::symbolic {

/// Operation of a node.
enum class Op : unsigned char {
  constant,
  parameter,
  state,
  time,   // leaves
  named,  // an alias with an id (printed as its own variable): args[0]
  add,
  sub,
  mul,
  div,
  neg,
  pow,  // arithmetic (pow: args[0] ^ args[1])
  exp,
  log,
  sqrt,
  cos,
  sin,
  tanh,
  floor,
  abs,
  select,  // args: lhs, rhs, if_true, if_false; `cmp` compares lhs with rhs
};

/// Comparison of a `select` node.
enum class Cmp : unsigned char { lt, le, gt, ge };

struct Node;
using NodePtr = std::shared_ptr<const Node>;

/// One node of an expression graph (immutable, shared).
struct Node {
  Op op = Op::constant;
  Cmp cmp = Cmp::lt;
  double value = 0.0;  ///< value at the traced point (a constant's own value)
  int index = -1;      ///< state index (Op::state)
  std::string id;      ///< parameter, state or alias id
  std::array<NodePtr, 4> args{};
  /// A parameter whose value was read as a number while recording (a smoothing width, a Hill
  /// exponent passed as double): the equations hold its value, not its symbol ("structural").
  mutable bool value_read = false;
  int n_args() const noexcept {
    switch (op) {
      case Op::constant:
      case Op::parameter:
      case Op::state:
      case Op::time:
        return 0;
      case Op::add:
      case Op::sub:
      case Op::mul:
      case Op::div:
      case Op::pow:
        return 2;
      case Op::select:
        return 4;
      default:
        return 1;
    }
  }
};

/// Compares two doubles as `cmp` does.
inline bool compare(Cmp cmp, double a, double b) noexcept {
  switch (cmp) {
    case Cmp::lt:
      return a < b;
    case Cmp::le:
      return a <= b;
    case Cmp::gt:
      return a > b;
    case Cmp::ge:
      return a >= b;
  }
  return false;
}

/// Ids of the parameters whose value was read while a `ValueReadLog` is active on this thread
/// (including those that then appear in no equation at all: only their number was used).
class ValueReadLog {
 public:
  ValueReadLog() : previous_(current()) { current() = this; }
  ~ValueReadLog() { current() = previous_; }
  ValueReadLog(const ValueReadLog&) = delete;
  ValueReadLog& operator=(const ValueReadLog&) = delete;
  const std::vector<std::string>& ids() const noexcept { return ids_; }
  static void record(const std::string& id) {
    if (ValueReadLog* log = current())
      if (std::find(log->ids_.begin(), log->ids_.end(), id) == log->ids_.end()) log->ids_.push_back(id);
  }

 private:
  static ValueReadLog*& current() {
    thread_local ValueReadLog* log = nullptr;
    return log;
  }
  ValueReadLog* previous_;
  std::vector<std::string> ids_;
};

/// A recorded scalar expression. Cheap to copy (a shared pointer).
class Expr {
 public:
  using symbolic_tag = void;  ///< marks the type for `SymbolicScalar`

  Expr() : Expr(0.0) {}
  /// A constant (implicit, so that `S(1.0)`, `S{0}` and mixed arithmetic read as in the models).
  template <class A>
  requires std::is_arithmetic_v<A> Expr(A c) {  // NOLINT(google-explicit-constructor)
    auto n = std::make_shared<Node>();
    n->op = Op::constant;
    n->value = static_cast<double>(c);
    node_ = std::move(n);
  }
  explicit Expr(NodePtr n) : node_(std::move(n)) {}

  /// A named model parameter with its value.
  static Expr parameter(std::string id, double value) {
    auto n = std::make_shared<Node>();
    n->op = Op::parameter;
    n->id = std::move(id);
    n->value = value;
    return Expr(std::move(n));
  }
  /// State `index` (its id for printing) at the traced value.
  static Expr state(int index, std::string id, double value) {
    auto n = std::make_shared<Node>();
    n->op = Op::state;
    n->index = index;
    n->id = std::move(id);
    n->value = value;
    return Expr(std::move(n));
  }
  /// Model time [s] at the traced value.
  static Expr time(double value_s) {
    auto n = std::make_shared<Node>();
    n->op = Op::time;
    n->value = value_s;
    return Expr(std::move(n));
  }
  /// `e` under a name: printed as a variable of its own (an SBML assignment rule, a Python local).
  static Expr named(std::string id, const Expr& e) {
    auto n = std::make_shared<Node>();
    n->op = Op::named;
    n->id = std::move(id);
    n->value = e.traced_value();
    n->args[0] = e.node_;
    return Expr(std::move(n));
  }

  /// Value at the traced point. Reading it marks the parameters below as read (`Node::value_read`):
  /// whatever the caller computes from it no longer follows them.
  double value() const {
    mark_parameters_read(node_.get());
    return node_->value;
  }
  /// Value at the traced point, without marking (for the graph's own bookkeeping).
  double traced_value() const noexcept { return node_->value; }
  const NodePtr& node() const noexcept { return node_; }
  bool is_constant() const noexcept { return node_->op == Op::constant; }
  bool is_constant(double c) const noexcept { return is_constant() && node_->value == c; }

  Expr& operator+=(const Expr& o);
  Expr& operator-=(const Expr& o);
  Expr& operator*=(const Expr& o);
  Expr& operator/=(const Expr& o);

 private:
  static void mark_parameters_read(const Node* n) {
    if (n->op == Op::parameter) {
      n->value_read = true;
      ValueReadLog::record(n->id);
      return;
    }
    if (n->op == Op::constant || n->op == Op::state || n->op == Op::time) return;
    for (int i = 0; i < n->n_args(); ++i) mark_parameters_read(n->args[static_cast<std::size_t>(i)].get());
  }
  NodePtr node_;
};

namespace detail {
inline double apply(Op op, double a, double b = 0.0) noexcept {
  switch (op) {
    case Op::add:
      return a + b;
    case Op::sub:
      return a - b;
    case Op::mul:
      return a * b;
    case Op::div:
      return a / b;
    case Op::neg:
      return -a;
    case Op::pow:
      return std::pow(a, b);
    case Op::exp:
      return std::exp(a);
    case Op::log:
      return std::log(a);
    case Op::sqrt:
      return std::sqrt(a);
    case Op::cos:
      return std::cos(a);
    case Op::sin:
      return std::sin(a);
    case Op::tanh:
      return std::tanh(a);
    case Op::floor:
      return std::floor(a);
    case Op::abs:
      return std::abs(a);
    default:
      return a;
  }
}
inline Expr unary(Op op, const Expr& a) {
  if (a.is_constant()) return Expr(apply(op, a.traced_value()));
  auto n = std::make_shared<Node>();
  n->op = op;
  n->value = apply(op, a.traced_value());
  n->args[0] = a.node();
  return Expr(std::move(n));
}
inline Expr binary(Op op, const Expr& a, const Expr& b) {
  if (a.is_constant() && b.is_constant()) return Expr(apply(op, a.traced_value(), b.traced_value()));
  // Identities that keep printed formulas short (exact in IEEE arithmetic for finite operands).
  switch (op) {
    case Op::add:
      if (a.is_constant(0.0)) return b;
      if (b.is_constant(0.0)) return a;
      break;
    case Op::sub:
      if (b.is_constant(0.0)) return a;
      break;
    case Op::mul:
      if (a.is_constant(1.0)) return b;
      if (b.is_constant(1.0)) return a;
      break;
    case Op::div:
      if (b.is_constant(1.0)) return a;
      break;
    case Op::pow:
      if (b.is_constant(1.0)) return a;
      break;
    default:
      break;
  }
  auto n = std::make_shared<Node>();
  n->op = op;
  n->value = apply(op, a.traced_value(), b.traced_value());
  n->args[0] = a.node();
  n->args[1] = b.node();
  return Expr(std::move(n));
}
}  // namespace detail

inline Expr operator+(const Expr& a, const Expr& b) { return detail::binary(Op::add, a, b); }
inline Expr operator-(const Expr& a, const Expr& b) { return detail::binary(Op::sub, a, b); }
inline Expr operator*(const Expr& a, const Expr& b) { return detail::binary(Op::mul, a, b); }
inline Expr operator/(const Expr& a, const Expr& b) { return detail::binary(Op::div, a, b); }
inline Expr operator-(const Expr& a) { return detail::unary(Op::neg, a); }
inline Expr operator+(const Expr& a) { return a; }
inline Expr& Expr::operator+=(const Expr& o) { return *this = *this + o; }
inline Expr& Expr::operator-=(const Expr& o) { return *this = *this - o; }
inline Expr& Expr::operator*=(const Expr& o) { return *this = *this * o; }
inline Expr& Expr::operator/=(const Expr& o) { return *this = *this / o; }

inline Expr exp(const Expr& a) { return detail::unary(Op::exp, a); }
inline Expr log(const Expr& a) { return detail::unary(Op::log, a); }
inline Expr sqrt(const Expr& a) { return detail::unary(Op::sqrt, a); }
inline Expr cos(const Expr& a) { return detail::unary(Op::cos, a); }
inline Expr sin(const Expr& a) { return detail::unary(Op::sin, a); }
inline Expr tanh(const Expr& a) { return detail::unary(Op::tanh, a); }
inline Expr floor(const Expr& a) { return detail::unary(Op::floor, a); }
inline Expr abs(const Expr& a) { return detail::unary(Op::abs, a); }
inline Expr pow(const Expr& a, const Expr& b) { return detail::binary(Op::pow, a, b); }
inline Expr pow(const Expr& a, double b) { return detail::binary(Op::pow, a, Expr(b)); }

/// A comparison of two expressions; only `select` consumes it (no conversion to bool on purpose).
struct Condition {
  Cmp cmp;
  Expr lhs, rhs;
  bool traced_value() const noexcept { return compare(cmp, lhs.traced_value(), rhs.traced_value()); }
};
inline Condition operator<(const Expr& a, const Expr& b) { return {Cmp::lt, a, b}; }
inline Condition operator<=(const Expr& a, const Expr& b) { return {Cmp::le, a, b}; }
inline Condition operator>(const Expr& a, const Expr& b) { return {Cmp::gt, a, b}; }
inline Condition operator>=(const Expr& a, const Expr& b) { return {Cmp::ge, a, b}; }

/// `c ? if_true : if_false`, recorded (an SBML piecewise). Folds when the condition is constant.
inline Expr select(const Condition& c, const Expr& if_true, const Expr& if_false) {
  if (c.lhs.is_constant() && c.rhs.is_constant()) return c.traced_value() ? if_true : if_false;
  auto n = std::make_shared<Node>();
  n->op = Op::select;
  n->cmp = c.cmp;
  n->value = c.traced_value() ? if_true.traced_value() : if_false.traced_value();
  n->args = {c.lhs.node(), c.rhs.node(), if_true.node(), if_false.node()};
  return Expr(std::move(n));
}

/// min / max through `select` (not smooth: for protocols, whose kinks are listed breakpoints).
inline Expr min(const Expr& a, const Expr& b) { return select(a < b, a, b); }
inline Expr max(const Expr& a, const Expr& b) { return select(a > b, a, b); }

}  // namespace massagesim::symbolic
