// Jacobians coloured by a sparsity pattern (solver/linear/sparsity.hpp, JacobianEvaluator::set_pattern,
// Rodas4::jacobian_pattern): the colouring is valid, the coloured Jacobian equals the dense AD one
// exactly (bitwise) on random-pattern problems and on the limb, and Rodas4 with it gives the same
// solution as without it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "massagesim/models/limb.hpp"
#include "massagesim/simulation/limb_problem.hpp"
#include "massagesim/solver/jacobian.hpp"
#include "massagesim/solver/linear/sparsity.hpp"
#include "massagesim/solver/solve.hpp"
#include "massagesim/solver/steppers/rodas4.hpp"

using namespace massagesim;
using namespace massagesim::models;

namespace {

/// Small portable generator (splitmix64) for patterns and coefficients.
struct Rng {
  std::uint64_t s;
  double uniform() {  // [0, 1)
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }
};

/// f_i = (1 + x_i^2/4) Σ_{j in row i} a_ij sin(x_j + b_ij) + c_i x_i exp(-x_i^2): row i depends on
/// exactly the columns of its row (and the diagonal); nonlinear, so the Jacobian varies with x.
struct RandomPatternSystem {
  std::shared_ptr<const std::vector<std::vector<std::pair<int, double>>>> rows;  // (j, a_ij)
  template <class Vec>
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    using std::exp;
    using std::sin;
    using S = typename Vec::Scalar;
    for (std::size_t i = 0; i < rows->size(); ++i) {
      S acc = S(0.0);
      for (const auto& [j, a] : (*rows)[i]) acc += a * sin(x[j] + 0.1 * j + t);
      const auto ii = static_cast<Eigen::Index>(i);
      dxdt[ii] = (1.0 + x[ii] * x[ii] / 4.0) * acc + (0.5 + 0.01 * ii) * x[ii] * exp(-x[ii] * x[ii]);
    }
  }
};

struct RandomProblem {
  RandomPatternSystem sys;
  SparsityPattern truth;
};

/// n states; each row gets ~density·n random columns; rows >= n - border depend on ~every column,
/// and every block row depends on the border columns (an arrowhead when band >= 0 limits the block
/// part to |i - j| <= band).
RandomProblem random_problem(int n, double density, std::uint64_t seed, int border = 0, int band = -1) {
  Rng rng{seed};
  auto rows = std::make_shared<std::vector<std::vector<std::pair<int, double>>>>(n);
  SparsityPattern truth(n);
  const int nb = n - border;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const bool in_block = i < nb && j < nb;
      bool on;
      if (in_block)
        on = (band < 0 || std::abs(i - j) <= band) && (i == j || rng.uniform() < density);
      else
        on = i >= nb ? rng.uniform() < 0.9 || i == j : rng.uniform() < 0.5;
      if (!on) continue;
      (*rows)[static_cast<std::size_t>(i)].emplace_back(j, 0.5 + rng.uniform());
      truth.add(i, j);
    }
  truth.add_diagonal();  // the c_i x_i exp(-x_i^2) term
  return {RandomPatternSystem{rows}, truth};
}

Eigen::VectorXd random_state(int n, std::uint64_t seed) {
  Rng rng{seed};
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = 2.0 * rng.uniform() - 1.0;
  return x;
}

/// Columns of one colour never share a row that counts.
void expect_valid_colouring(const SparsityPattern& p, const ColumnColouring& c, const std::vector<char>& ignore = {}) {
  for (Eigen::Index i = 0; i < p.n(); ++i) {
    if (!ignore.empty() && ignore[static_cast<std::size_t>(i)]) continue;
    std::vector<int> seen(static_cast<std::size_t>(c.n_colours), 0);
    for (Eigen::Index j = 0; j < p.n(); ++j)
      if (p.contains(i, j)) ++seen[static_cast<std::size_t>(c.colour[static_cast<std::size_t>(j)])];
    for (int k = 0; k < c.n_colours; ++k)
      EXPECT_LE(seen[static_cast<std::size_t>(k)], 1) << "row " << i << " colour " << k;
  }
}

}  // namespace

TEST(PatternJacobian, ColouringIsValidAndNeedsNoMoreThanTheColumns) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto prob = random_problem(60, 0.06, seed);
    const ColumnColouring c = greedy_column_colouring(prob.truth);
    expect_valid_colouring(prob.truth, c);
    EXPECT_GE(c.n_colours, prob.truth.max_row_count());  // the lower bound of any colouring
    EXPECT_LT(c.n_colours, 60);
    std::printf("random n = 60, density 0.06, seed %d: %ld nonzeros, max row %ld, %d colours\n", static_cast<int>(seed),
                static_cast<long>(prob.truth.nnz()), static_cast<long>(prob.truth.max_row_count()), c.n_colours);
  }
  // A diagonal pattern needs one colour; a full one needs n.
  SparsityPattern diag(10), full(10);
  diag.add_diagonal();
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j) full.add(i, j);
  EXPECT_EQ(greedy_column_colouring(diag).n_colours, 1);
  EXPECT_EQ(greedy_column_colouring(full).n_colours, 10);
}

TEST(PatternJacobian, DetectedPatternIsTheStructureOnRandomProblems) {
  const auto prob = random_problem(45, 0.08, 7);
  std::vector<Eigen::VectorXd> xs{random_state(45, 11), random_state(45, 12)};
  const SparsityPattern p = detect_jacobian_pattern(prob.sys, xs, std::vector<double>{0.0, 0.3});
  EXPECT_EQ(p.nnz(), prob.truth.nnz());
  for (int i = 0; i < 45; ++i)
    for (int j = 0; j < 45; ++j) EXPECT_EQ(p.contains(i, j), prob.truth.contains(i, j)) << i << ", " << j;
}

TEST(PatternJacobian, DenseColouredEqualsDenseADExactly) {
  using Sys = RandomPatternSystem;
  using State = Eigen::VectorXd;
  for (std::uint64_t seed : {21u, 22u, 23u, 24u}) {
    const int n = 30 + 10 * static_cast<int>(seed - 21);
    const auto prob = random_problem(n, 0.1, seed);
    auto pattern = std::make_shared<const SparsityPattern>(prob.truth);
    const State x = random_state(n, seed + 100);
    Sys sys = prob.sys;
    State fx(n);
    sys(x, fx, 0.7);
    for (JacobianKind kind : {JacobianKind::automatic, JacobianKind::finite_difference}) {
      JacobianEvaluator<Sys, State> plain(kind, n, n - 1, n - 1), coloured(kind, n, n - 1, n - 1);
      coloured.set_pattern(pattern);
      EXPECT_EQ(coloured.n_pattern_directions(), greedy_column_colouring(*pattern).n_colours);
      EXPECT_LT(coloured.n_pattern_directions(), n);
      Eigen::MatrixXd J0(n, n), J1 = Eigen::MatrixXd::Constant(n, n, 99.0);
      Stats s0, s1;
      plain.dense(sys, x, 0.7, fx, J0, s0);
      coloured.dense(sys, x, 0.7, fx, J1, s1);
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          EXPECT_EQ(J1(i, j), J0(i, j)) << to_string(kind) << " seed " << seed << " (" << i << ", " << j << ")";
      if (kind == JacobianKind::finite_difference) {
        EXPECT_EQ(s0.n_rhs, n);
        EXPECT_EQ(s1.n_rhs, coloured.n_pattern_directions());  // one evaluation per colour
      }
    }
  }
}

TEST(PatternJacobian, MissingEntryIsCaughtByTheComparison) {
  // The exactness checks above can fail: drop one entry from the pattern and the colouring may merge
  // its column with another that shares that row, so the coloured Jacobian differs from the dense one.
  const int n = 40;
  const auto prob = random_problem(n, 0.1, 31);
  Eigen::VectorXd x = random_state(n, 32), fx(n);
  RandomPatternSystem sys = prob.sys;
  sys(x, fx, 0.0);
  const Eigen::MatrixXd J = jacobian_ad(sys, x, 0.0);
  bool any_differs = false;
  for (int i = 0; i < n && !any_differs; ++i)
    for (int j = 0; j < n && !any_differs; ++j) {
      if (i == j || !prob.truth.contains(i, j)) continue;
      SparsityPattern cut(n);
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b)
          if (prob.truth.contains(a, b) && !(a == i && b == j)) cut.add(a, b);
      JacobianEvaluator<RandomPatternSystem, Eigen::VectorXd> ev(JacobianKind::automatic, n, n - 1, n - 1);
      ev.set_pattern(std::make_shared<const SparsityPattern>(cut));
      Eigen::MatrixXd Jc(n, n);
      Stats st;
      ev.dense(sys, x, 0.0, fx, Jc, st);
      any_differs = (Jc - J).cwiseAbs().maxCoeff() > 0.0;
    }
  EXPECT_TRUE(any_differs);
}

TEST(PatternJacobian, BorderedColouredEqualsDenseADExactly) {
  using Sys = RandomPatternSystem;
  using State = Eigen::VectorXd;
  const int n = 50, m = 3, band = 4;
  const auto prob = random_problem(n, 0.4, 41, m, band);
  auto pattern = std::make_shared<const SparsityPattern>(prob.truth);
  const State x = random_state(n, 42);
  Sys sys = prob.sys;
  State fx(n);
  sys(x, fx, 0.0);
  const Eigen::MatrixXd J = jacobian_ad(sys, x, 0.0);
  JacobianEvaluator<Sys, State> ev(JacobianKind::automatic, n, band, band);
  ev.set_pattern(pattern, m);
  BorderedMatrix B(n - m, band, band, m);
  B.band().setZero();
  for (Eigen::Index i = 0; i < n - m; ++i) B.band()(i, i) = 123.0;  // stale values must be overwritten
  Stats st;
  ev.bordered(sys, x, 0.0, fx, B, st);
  const Eigen::MatrixXd D = B.to_dense();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) EXPECT_EQ(D(i, j), J(i, j)) << "(" << i << ", " << j << ")";
  // Fewer directions than band colours + border columns + one per block column for the border rows.
  std::printf("bordered random n = %d, m = %d, band %d: %ld pattern directions (band colouring: %d + %d)\n", n, m, band,
              static_cast<long>(ev.n_pattern_directions()), 2 * band + 1 + m, n - m);
  EXPECT_LT(ev.n_pattern_directions(), 2 * band + 1 + m + (n - m));
  // An entry outside the block's band is refused.
  SparsityPattern wide = prob.truth;
  wide.add(0, band + 2);
  JacobianEvaluator<Sys, State> ev2(JacobianKind::automatic, n, band, band);
  EXPECT_THROW(ev2.set_pattern(std::make_shared<const SparsityPattern>(wide), m), InvalidArgument);
  EXPECT_THROW(ev2.set_pattern(std::make_shared<const SparsityPattern>(SparsityPattern(n - 1)), m), InvalidArgument);
}

namespace {

std::shared_ptr<const Limb> leg4() {
  std::vector<std::string> names{"s0", "s1", "s2", "s3"};
  return std::make_shared<const Limb>(make_limb_params(default_calf_params(), names, {22.5, 22.5, 22.5, 22.5}));
}

}  // namespace

TEST(PatternJacobian, LimbBorderedColouredEqualsDenseADExactly) {
  auto l = leg4();
  ASSERT_GT(l->n_pool_states(), 0);
  const int n = l->n_states(), m = l->n_pool_states(), kl = l->lower_bandwidth(), ku = l->upper_bandwidth();
  using Sys = LimbSystem<ConstantLimbInputs>;
  const Limb::State rest = limb_rest_state(l);
  // Pattern from the rest state and from states and inputs around it ...
  std::vector<Limb::State> xs;
  std::vector<double> ts;
  LimbInputs in = l->rest_inputs();
  for (int k = 0; k < 4; ++k) {
    Limb::State x = rest;
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] *= 1.0 + 0.05 * std::sin(1.0 + k + i);
    xs.push_back(x);
    ts.push_back(0.0);
  }
  for (int i = 0; i < 4; ++i) in.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 15.0 * i;
  in.whole_body_intensity = 0.2;
  Sys det{l, ConstantLimbInputs{std::make_shared<LimbInputs>(in)}, true, true};
  auto pattern = std::make_shared<const SparsityPattern>(detect_jacobian_pattern(det, xs, ts, 2, 0.1));
  // ... checked at a state and inputs it was not measured at.
  LimbInputs in2 = l->rest_inputs();
  for (int i = 0; i < 4; ++i) in2.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 30.0 - 7.0 * i;
  in2.whole_body_intensity = 0.4;
  Sys sys{l, ConstantLimbInputs{std::make_shared<LimbInputs>(in2)}, true, true};
  Limb::State x = rest;
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] *= 1.0 + 0.03 * std::cos(2.0 + 3.0 * i);
  Limb::State fx(n);
  sys(x, fx, 0.0);
  const Eigen::MatrixXd J = jacobian_ad(sys, x, 0.0);
  JacobianEvaluator<Sys, Limb::State> plain(JacobianKind::automatic, n, kl, ku),
      coloured(JacobianKind::automatic, n, kl, ku);
  coloured.set_pattern(pattern, m);
  BorderedMatrix B0(n - m, kl, ku, m), B1(n - m, kl, ku, m);
  Stats s0, s1;
  plain.bordered(sys, x, 0.0, fx, B0, s0);
  coloured.bordered(sys, x, 0.0, fx, B1, s1);
  const Eigen::MatrixXd D0 = B0.to_dense(), D1 = B1.to_dense();
  int differ = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      differ += D1(i, j) != D0(i, j) ? 1 : 0;
      // Against the dense AD Jacobian on every stored position (the bordered matrix holds the band
      // block and the border; the limb's pattern lies inside them).
      if (B1.stored(i, j))
        EXPECT_EQ(D1(i, j), J(i, j)) << "(" << i << ", " << j << ")";
      else
        EXPECT_EQ(J(i, j), 0.0) << "(" << i << ", " << j << ")";
    }
  EXPECT_EQ(differ, 0);
  const int w = kl + ku + 1;
  std::printf("limb (4 segments + pool, n = %d): pattern %ld nonzeros, %ld directions (band colouring: %d + %d)\n", n,
              static_cast<long>(pattern->nnz()), static_cast<long>(coloured.n_pattern_directions()), std::min(w + m, n),
              n - m);
  EXPECT_LT(coloured.n_pattern_directions(), std::min(w + m, n) + (n - m));
}

TEST(PatternJacobian, Rodas4WithPatternGivesTheSameSolutionOnTheLimb) {
  auto l = leg4();
  const int m = l->n_pool_states();
  const Limb::State rest = limb_rest_state(l);
  LimbInputs in = l->rest_inputs();
  for (int i = 0; i < 4; ++i) in.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 40.0;
  in.whole_body_intensity = 0.3;
  using Sys = LimbSystem<ConstantLimbInputs>;
  Sys sys{l, ConstantLimbInputs{std::make_shared<LimbInputs>(in)}, true, true};
  const auto prob = make_problem(sys, rest, 0.0, 120.0);
  std::vector<Limb::State> xs{rest};
  for (int k = 1; k <= 3; ++k) {
    Limb::State x = rest;
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] *= 1.0 + 0.05 * std::sin(k * (1.0 + i));
    xs.push_back(x);
  }
  auto pattern = std::make_shared<const SparsityPattern>(detect_jacobian_pattern(sys, xs, std::vector<double>(4, 0.0)));
  Rodas4 plain{.linear_solver = LinearSolverKind::bordered,
               .lower_bandwidth = l->lower_bandwidth(),
               .upper_bandwidth = l->upper_bandwidth(),
               .border_size = m};
  Rodas4 coloured = plain;
  coloured.jacobian_pattern = pattern;
  const StepControl ctl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 10.0};
  const auto a = solve(prob, plain, ctl, SaveAt{.t1 = true});
  const auto b = solve(prob, coloured, ctl, SaveAt{.t1 = true});
  ASSERT_TRUE(a.ok()) << a.message;
  ASSERT_TRUE(b.ok()) << b.message;
  EXPECT_EQ(a.stats.n_steps, b.stats.n_steps);
  EXPECT_EQ(a.stats.n_jac, b.stats.n_jac);
  const double diff = (a.x_final - b.x_final).cwiseAbs().maxCoeff();
  std::printf("Rodas4 on the limb, 120 s: %ld steps; max |x_pattern - x_band| = %.3e\n",
              static_cast<long>(a.stats.n_steps), diff);
  EXPECT_EQ(diff, 0.0);
}

TEST(PatternJacobian, Rodas4KeepingTheJacobianStaysAccurateOnTheLimb) {
  // Rodas4::jacobian_max_age (experimental): J kept for up to 4 accepted steps. Fewer Jacobians than
  // steps, and the error against a tight solution stays within a small multiple of the tolerance.
  auto l = leg4();
  const Limb::State rest = limb_rest_state(l);
  LimbInputs in = l->rest_inputs();
  for (int i = 0; i < 4; ++i) in.segment[static_cast<std::size_t>(i)].applied_pressure_mmHg = 40.0;
  using Sys = LimbSystem<ConstantLimbInputs>;
  Sys sys{l, ConstantLimbInputs{std::make_shared<LimbInputs>(in)}, true, true};
  const auto prob = make_problem(sys, rest, 0.0, 300.0);
  Rodas4 base{.linear_solver = LinearSolverKind::bordered,
              .lower_bandwidth = l->lower_bandwidth(),
              .upper_bandwidth = l->upper_bandwidth(),
              .border_size = l->n_pool_states()};
  Rodas4 kept = base;
  kept.jacobian_max_age = 4;
  EXPECT_THROW((Rodas4{.jacobian_max_age = 0}.make_cache<Sys, Limb::State>(rest)), InvalidArgument);
  const auto ref = solve(prob, base, StepControl{.rtol = 1e-11, .atol = 1e-14, .dt_max_s = 10.0}, SaveAt{.t1 = true});
  const StepControl ctl{.rtol = 1e-6, .atol = 1e-9, .dt_max_s = 10.0};
  const auto a = solve(prob, kept, ctl, SaveAt{.t1 = true});
  ASSERT_TRUE(ref.ok() && a.ok()) << ref.message << a.message;
  const double err =
      ((a.x_final - ref.x_final).cwiseAbs().array() / (1e-9 + 1e-6 * ref.x_final.cwiseAbs().array())).maxCoeff();
  std::printf("Rodas4, J kept up to 4 steps, 300 s: %ld steps, %ld Jacobians, error %.2f x tolerance\n",
              static_cast<long>(a.stats.n_steps), static_cast<long>(a.stats.n_jac), err);
  EXPECT_LT(a.stats.n_jac, a.stats.n_steps);
  EXPECT_LT(err, 10.0);
}
