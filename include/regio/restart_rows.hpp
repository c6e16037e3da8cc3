#pragma once
// What a restart keeps of a CSV of its run (docs/guarantees.md): the rows of every epoch before
// the checkpoint's, each epoch present and whole, or an InputError that says what is missing.
// Rows of later epochs (written after the checkpoint) and a last line cut by a kill are dropped.
#include <cstddef>
#include <string>
#include <vector>

namespace regio {

// The lines (without '\n') of `path` whose epoch (first field) is < first_epoch, after checking
// that the header is `header` and that each epoch 0 .. first_epoch-1 has exactly
// `rows_per_epoch` rows. Throws InputError naming the file and the first problem.
std::vector<std::string> rows_before_epoch(const std::string& path, const std::string& header, int first_epoch,
                                           std::size_t rows_per_epoch);

}  // namespace regio
