// Fluid-side validation targets (validation.md): B1, B4, calf venous emptying, R1/R2, Y1, Y4.
#include <gtest/gtest.h>
