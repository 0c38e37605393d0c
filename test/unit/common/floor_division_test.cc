#include "common/floor_division.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace braid {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMicrosPerDay = int64_t{86'400'000'000};

// Usable in constant expressions: an overflow there would not compile.
static_assert(floor_div(-1, kMicrosPerDay) == -1);
static_assert(floor_mod(-1, kMicrosPerDay) == kMicrosPerDay - 1);
static_assert(floor_mod(kMin, 7) == 6);

TEST(FloorDivisionTest, RoundsTowardNegativeInfinity) {
  EXPECT_EQ(floor_div(7, 2), 3);
  EXPECT_EQ(floor_div(-7, 2), -4);
  EXPECT_EQ(floor_div(7, -2), -4);
  EXPECT_EQ(floor_div(-7, -2), 3);
  EXPECT_EQ(floor_div(-8, 2), -4);
  EXPECT_EQ(floor_div(0, 5), 0);
}

TEST(FloorDivisionTest, ModuloTakesTheDivisorsSign) {
  EXPECT_EQ(floor_mod(7, 2), 1);
  EXPECT_EQ(floor_mod(-7, 2), 1);
  EXPECT_EQ(floor_mod(7, -2), -1);
  EXPECT_EQ(floor_mod(-7, -2), -1);
  EXPECT_EQ(floor_mod(-8, 2), 0);
  // A day's microsecond just before the epoch is the last of the previous day.
  EXPECT_EQ(floor_div(-1, kMicrosPerDay), -1);
  EXPECT_EQ(floor_mod(-1, kMicrosPerDay), kMicrosPerDay - 1);
}

// At the int64 edges a - floor_div(a, b) * b leaves int64 (undefined behaviour, which the
// sanitizer build of this test reports); floor_mod must not.
TEST(FloorDivisionTest, ExactAtTheInt64Edges) {
  for (int64_t b : {int64_t{2}, int64_t{7}, int64_t{1000}, kMicrosPerDay, kMax}) {
    for (int64_t a : {kMin, kMin + 1, kMax, kMax - 1, int64_t{-1}, int64_t{0}}) {
      const int64_t q = floor_div(a, b);
      const int64_t r = floor_mod(a, b);
      EXPECT_GE(r, 0) << a << " mod " << b;
      EXPECT_LT(r, b) << a << " mod " << b;
      // q * b + r == a, checked in 128 bits so the check itself cannot overflow.
      EXPECT_EQ(static_cast<__int128>(q) * b + r, static_cast<__int128>(a)) << a << " / " << b;
    }
  }
  EXPECT_EQ(floor_div(kMin, kMicrosPerDay), -106'751'992);
  EXPECT_EQ(floor_mod(kMin, kMicrosPerDay), 71'945'224'192);
  EXPECT_EQ(floor_div(kMin, kMax), -2);
  EXPECT_EQ(floor_mod(kMin, kMax), kMax - 1);
  EXPECT_EQ(floor_div(kMin, -1 * kMax), 1);
  EXPECT_EQ(floor_mod(kMin, -1 * kMax), -1);
}

}  // namespace
}  // namespace braid
