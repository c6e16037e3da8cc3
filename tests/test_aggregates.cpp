// Disparity measures (population-weighted) against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "regio/outcomes.hpp"

using namespace regio;

TEST(Disparity, EqualIncomesGiveZero) {
  std::vector<double> y = {3, 3, 3}, w = {1, 5, 2};
  EXPECT_NEAR(theil_index(y, w), 0.0, 1e-15);
  EXPECT_NEAR(gini_index(y, w), 0.0, 1e-15);
  EXPECT_NEAR(coefficient_of_variation(y, w), 0.0, 1e-15);
}

TEST(Disparity, TwoGroupsMatchHandValues) {
  // Half the population at 1, half at 3: mean 2.
  std::vector<double> y = {1, 3}, w = {5, 5};
  EXPECT_NEAR(theil_index(y, w), 0.5 * (0.5 * std::log(0.5)) + 0.5 * (1.5 * std::log(1.5)), 1e-15);
  EXPECT_NEAR(coefficient_of_variation(y, w), 0.5, 1e-15);
  // Lorenz: (0,0) (0.5,0.25) (1,1): area = 0.5·0.25/2 + 0.5·(0.25+1)/2 = 0.375; G = 1 − 2·0.375.
  EXPECT_NEAR(gini_index(y, w), 0.25, 1e-15);
}

TEST(Disparity, WeightsActLikeReplication) {
  std::vector<double> y = {1, 4, 2}, w = {2, 1, 3};
  std::vector<double> yr = {1, 1, 4, 2, 2, 2}, wr(6, 1.0);
  EXPECT_NEAR(theil_index(y, w), theil_index(yr, wr), 1e-14);
  EXPECT_NEAR(gini_index(y, w), gini_index(yr, wr), 1e-14);
  EXPECT_NEAR(coefficient_of_variation(y, w), coefficient_of_variation(yr, wr), 1e-14);
}

TEST(Disparity, GiniOfUnweightedSampleMatchesMeanDifferenceFormula) {
  // For equal weights, G = Σ_i Σ_j |y_i − y_j| / (2 n² ȳ).
  std::vector<double> y = {5, 1, 7, 2, 9}, w(5, 1.0);
  double sum = 0, mean = 0;
  for (double a : y) {
    mean += a / 5;
    for (double b : y) sum += std::abs(a - b);
  }
  EXPECT_NEAR(gini_index(y, w), sum / (2 * 25 * mean), 1e-14);
}
