/// Expr and Graph: values, folding, select, printing, evaluation.
#include <gtest/gtest.h>

#include <cmath>
#include <type_traits>

#include "massagesim/symbolic/codegen.hpp"
#include "massagesim/symbolic/expr.hpp"

using namespace massagesim::symbolic;

// A branch on a recorded value must not compile (it would export one side only).
static_assert(!std::is_convertible_v<Condition, bool>);
static_assert(SymbolicScalar<Expr> && !SymbolicScalar<double>);

TEST(Expr, ValuesFollowTheTracedPoint) {
  const Expr x = Expr::state(0, "x", 2.0), k = Expr::parameter("k", 3.0);
  const Expr e = exp(-k * x) + sqrt(x) / pow(x, 2.0) - log(x) * tanh(k);
  EXPECT_DOUBLE_EQ(e.value(), std::exp(-6.0) + std::sqrt(2.0) / 4.0 - std::log(2.0) * std::tanh(3.0));
  EXPECT_DOUBLE_EQ(select(x < k, x, k).value(), 2.0);
  EXPECT_DOUBLE_EQ(select(x >= k, x, k).value(), 3.0);
}

TEST(Expr, FoldsConstantsButNotSymbols) {
  EXPECT_TRUE((Expr(2.0) * Expr(3.0) + 1.0).is_constant(7.0));
  const Expr x = Expr::state(0, "x", 1.0);
  EXPECT_EQ((x * 1.0).node(), x.node());
  EXPECT_EQ((x + 0.0).node(), x.node());
  EXPECT_FALSE((x * 2.0).is_constant());
  EXPECT_TRUE(select(Expr(1.0) < Expr(2.0), Expr(5.0), x).is_constant(5.0));  // constant condition folds
  EXPECT_FALSE(Expr::parameter("p", 1.0).is_constant());
}

TEST(Graph, SharedSubexpressionsAreNamedOnceAndEvaluateExactly) {
  const Expr x = Expr::state(0, "x", 1.0), y = Expr::state(1, "y", 2.0), k = Expr::parameter("k", 0.5);
  const Expr shared = exp(k * (x - y));  // used by both roots
  const Expr r0 = shared * x + select(x > y, x, y);
  const Expr r1 = shared / y - Expr::time(0.0) * k;
  const Graph g({r0, r1});
  ASSERT_EQ(g.parameters().size(), 1u);
  EXPECT_EQ(g.intermediates().size(), 1u);  // `shared`; leaves and once-used nodes stay inline
  const double xs[] = {0.3, -1.2};
  const auto v = g.evaluate(xs, 4.0);
  const double s = std::exp(0.5 * (0.3 + 1.2));
  EXPECT_DOUBLE_EQ(v[0], s * 0.3 + 0.3);
  EXPECT_DOUBLE_EQ(v[1], s / -1.2 - 4.0 * 0.5);
  const double kk[] = {2.0};
  EXPECT_DOUBLE_EQ(g.evaluate(xs, 4.0, kk)[1], std::exp(2.0 * 1.5) / -1.2 - 8.0);
  // Printing: SBML uses ln/piecewise/time, Python math.* / conditional expressions / t.
  const std::string w = g.name_of(g.intermediates()[0]);
  EXPECT_EQ(g.root_formula(1, Dialect::sbml), "((" + w + " / y) - (time * k))");
  EXPECT_EQ(g.root_formula(0, Dialect::python), "((" + w + " * x) + (x if x > y else y))");
  EXPECT_EQ(g.definition(g.intermediates()[0], Dialect::sbml), "exp((k * (x - y)))");
  EXPECT_EQ(g.definition(g.intermediates()[0], Dialect::python), "math.exp((k * (x - y)))");
  EXPECT_EQ(Graph({log(x)}).root_formula(0, Dialect::sbml), "ln(x)");
  EXPECT_EQ(Graph({select(x < y, x, -y)}).root_formula(0, Dialect::sbml), "piecewise(x, x < y, (-y))");
}

TEST(Graph, NumbersReadBackExactly) {
  for (double c : {0.1, 1.0 / 3.0, 6.02214076e23, 1e-300, 2.0}) {
    const std::string s = Graph::number(c, Dialect::python);
    EXPECT_EQ(std::stod(s), c) << s;
  }
  EXPECT_EQ(Graph::number(-0.5, Dialect::sbml), "(-0.5)");
  EXPECT_EQ(Graph::number(2.0, Dialect::python), "2.0");
  EXPECT_THROW(Graph::number(std::nan(""), Dialect::sbml), massagesim::InvalidArgument);
}

TEST(Graph, RejectsTooFewStatesAndAParameterWithTwoValues) {
  const Expr x = Expr::state(3, "x", 1.0);
  const Graph g({x * 2.0});
  const double xs[] = {1.0};
  EXPECT_THROW(g.evaluate(xs, 0.0), massagesim::InvalidArgument);
  EXPECT_THROW(Graph({Expr::parameter("k", 1.0) + Expr::parameter("k", 2.0)}), massagesim::InvalidArgument);
}
