#pragma once
// The files of a `regio counterfactual` output folder (docs/outputs.md), written as the output
// schema says (output_schema.hpp, namespace counterfactual): each CSV is a table whose columns are
// set by their schema column, never by a name spelt out, and whose header and order are the
// schema's; run.yaml takes its keys in the schema's order, `status:` last. Not collective: the
// command gathers the values and calls these on rank 0. Errors are InputErrors naming the file.
#include <string>
#include <utility>
#include <vector>

#include "regio/output_schema.hpp"

namespace regio {

// One CSV file of the schema. Numbers are written with 17 significant digits, NaN as `NA`.
class SchemaTable {
 public:
  explicit SchemaTable(const schema::File& file) : file_(file) {}
  void text(const schema::Column& column, std::vector<std::string> values);
  void numbers(const schema::Column& column, const std::vector<double>& values);
  // The file's text; std::logic_error if a column of the schema is not set or the columns differ
  // in length (a writer out of step with the schema).
  std::string csv() const;

 private:
  const schema::File& file_;
  std::vector<std::pair<const schema::Column*, std::vector<std::string>>> columns_;
};

// A long-format file (national.csv): one row per keyed row of the schema, in its order, with the
// value given for it and the row's unit and meaning. std::logic_error if a row is missing.
std::string keyed_rows_csv(const schema::File& file, const std::vector<std::pair<const schema::Column*, double>>& rows);

// The text of a number as the counterfactual files write it (17 significant digits, NaN: NA).
std::string counterfactual_number(double v);

// run.yaml of a counterfactual folder: keys added in the schema's order (std::logic_error
// otherwise), written whole (write_file_atomically: checked, fsync'd, renamed), `status:` (and
// `error:`) last. The folder's ownership (a lock, no overwrite without --overwrite) is the
// command's (RunFolder).
class CounterfactualRecord {
 public:
  explicit CounterfactualRecord(std::string dir);  // creates the folder (InputError if it cannot)
  // `value`: YAML text; a map's text starts on the next line, indented.
  void add(const schema::Column& key, const std::string& value);
  void write(const std::string& status, const std::string& error = "") const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::pair<const schema::Column*, std::string>> keys_;
};

// `text` into DIR/name of the schema file, whole or not at all (write_file_atomically); InputError
// with the OS's reason if it cannot be written completely.
void write_counterfactual_file(const std::string& dir, const schema::File& file, const std::string& text);

}  // namespace regio
