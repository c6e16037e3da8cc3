#pragma once
// welfare_terms.csv of a run folder (`regio run --welfare-terms`; welfare_terms.hpp) read back:
// for `regio compare` and the Shapley decomposition of the welfare channels. Serial; errors are
// InputErrors naming the file and line.
#include <map>
#include <string>
#include <vector>

#include "regio/welfare_terms.hpp"

namespace regio {

struct WelfareTable {
  std::string file;
  std::vector<std::string> ids;                       // the regions, in file order (that of every epoch)
  std::map<int, std::vector<WelfareTerms>> by_epoch;  // epoch -> the regions' terms
};

// Whether DIR has a welfare_terms.csv, and the file read.
bool has_welfare_terms(const std::string& dir);
WelfareTable read_welfare_table(const std::string& dir);

}  // namespace regio
