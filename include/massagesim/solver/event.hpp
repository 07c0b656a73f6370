#pragma once
/// \file event.hpp
/// \brief State events: a scalar function whose sign change is located on the dense output.

#include <functional>
#include <string>

namespace massagesim {

/// Which sign changes of an event condition count.
enum class EventDirection { both, rising, falling };

/// An event: `condition(t_s, x)` changes sign. Located to within `tolerance_s` by the Illinois
/// method on the stepper's dense output. A terminal event ends the solve at the located time.
template <class State>
struct Event {
  std::function<double(double, const State&)> condition;
  EventDirection direction = EventDirection::both;
  bool terminal = false;
  double tolerance_s = 1e-10;
  std::string name = "event";
};

/// One located event occurrence.
template <class State>
struct EventHit {
  int index = -1;    ///< position of the event in the list passed to solve()
  double t_s = 0.0;  ///< located time
  State x;           ///< state at that time (dense output)
};

}  // namespace massagesim
