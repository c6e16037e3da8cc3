// The output schema as text: tools/output_schema.json (`regio schema`) and the column tables of
// docs/outputs.md (`regio schema --markdown`). Both are committed and checked against this
// rendering by CTest (label docs), so the output must be deterministic: fixed order, fixed
// layout, one column per line.
#include <fmt/format.h>

#include "regio/output_schema.hpp"
#include "regio/parameters.hpp"

namespace regio::schema {

namespace {

// A JSON string literal (UTF-8 passes through; quotes, backslashes and control bytes escaped).
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += {'\\', c};
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else
      out += c;
  }
  return out + "\"";
}

const char* flag(bool b) { return b ? "true" : "false"; }

std::string column_json(const Column& c) {
  // "with_intermediates" only where true: written only by scenarios with input–output links.
  return fmt::format(R"({{"name": {}, "unit": {}, "meaning": {}, "symbol": {}, "to_province": {}, )"
                     R"("per_sector": {}, "optional": {}{}}})",
                     quoted(display_name(c)), quoted(c.unit), quoted(c.meaning), quoted(c.symbol),
                     quoted(to_string(c.to_province)), flag(c.per_sector), flag(c.optional),
                     c.with_intermediates ? R"(, "with_intermediates": true)" : "");
}

std::string dataset_json(const Dataset& d) {
  return fmt::format(R"({{"name": {}, "type": {}, "shape": {}, "meaning": {}, "column": {}}})", quoted(d.name),
                     quoted(d.type), quoted(d.shape), quoted(d.meaning),
                     d.column ? quoted(d.column->name) : std::string("null"));
}

// `"key": [` one item per line `]`, indented for a member of a file object.
template <class Item, class Render>
std::string json_list(const char* key, std::span<const Item* const> items, Render render) {
  std::string s = fmt::format(",\n      \"{}\": [", key);
  for (std::size_t k = 0; k < items.size(); ++k) s += (k ? ",\n        " : "\n        ") + render(*items[k]);
  return s + "\n      ]";
}

std::string file_json(const File& f) {
  std::string s = fmt::format("    {{\n      \"name\": {},\n      \"rows\": {}", quoted(f.name), quoted(f.rows));
  if (!f.columns.empty()) s += json_list("columns", f.columns, column_json);
  if (!f.group.empty()) s += fmt::format(",\n      \"group\": {}", quoted(f.group));
  if (!f.datasets.empty()) s += json_list("datasets", f.datasets, dataset_json);
  if (!f.attributes.empty()) s += json_list("attributes", f.attributes, dataset_json);
  if (!f.keyed_rows.empty()) s += json_list("keyed_rows", f.keyed_rows, column_json);
  return s + "\n    }";
}

std::string files_json(std::span<const File* const> all) {
  std::string s;
  for (std::size_t k = 0; k < all.size(); ++k) s += (k ? ",\n" : "") + file_json(*all[k]);
  return s;
}

// ---- Markdown ------------------------------------------------------------------------------------

std::string province_rule_text(ToProvince rule) {
  switch (rule) {
    case ToProvince::key:
      return "key";
    case ToProvince::sum:
      return "sum";
    case ToProvince::mean:
      return "population-weighted mean";
    case ToProvince::ratio:
      return "ratio of the sums";
    case ToProvince::none:
      break;
  }
  return "";
}

std::string columns_markdown(const File& f) {
  bool symbols = false, rules = false;
  for (const Column* c : f.columns) {
    symbols = symbols || !c->symbol.empty();
    rules = rules || c->to_province == ToProvince::sum || c->to_province == ToProvince::mean;
  }
  const bool yaml = f.name.ends_with(".yaml");
  std::string s = fmt::format("| {} | unit | meaning |{}{}\n|---|---|---|{}{}\n", yaml ? "key" : "column",
                              symbols ? " MODEL.md |" : "", rules ? " to province |" : "", symbols ? "---|" : "",
                              rules ? "---|" : "");
  for (const Column* c : f.columns) {
    s += fmt::format("| `{}` | {} | {} |", display_name(*c), markdown_cell(std::string(c->unit)),
                     markdown_cell(std::string(c->meaning)));
    if (symbols) s += fmt::format(" {} |", markdown_cell(std::string(c->symbol)));
    if (rules) s += fmt::format(" {} |", province_rule_text(c->to_province));
    s += "\n";
  }
  return s;
}

// The rows of a long-format file: what its first column names.
std::string keyed_rows_markdown(const File& f) {
  std::string s = fmt::format("\n| `{}` | unit | meaning |\n|---|---|---|\n", f.columns.front()->name);
  for (const Column* c : f.keyed_rows)
    s += fmt::format("| `{}` | {} | {} |\n", c->name, markdown_cell(std::string(c->unit)),
                     markdown_cell(std::string(c->meaning)));
  return s;
}

std::string datasets_markdown(const File& f) {
  std::string s = "| dataset or attribute | type | shape | content |\n|---|---|---|---|\n";
  for (const Dataset* d : f.datasets)
    s += fmt::format("| `/{}/{}` | {} | {} | {} |\n", f.group, d->name, d->type, d->shape,
                     markdown_cell(std::string(d->meaning)));
  for (const Dataset* a : f.attributes)
    s += fmt::format("| attribute `{}` of `/` | {} | {} | {} |\n", a->name, a->type, a->shape,
                     markdown_cell(std::string(a->meaning)));
  return s;
}

}  // namespace

std::string json() {
  return "{\n  \"generated_by\": \"regio schema, from src/io/output_schema.cpp and "
         "src/io/output_schema_counterfactual.cpp and src/io/output_schema_ensemble.cpp (do not edit; CTest "
         "docs_output_schema_current checks it, "
         "tools/output_schema.py regenerates it)\",\n  \"files\": [\n" +
         files_json(files()) + "\n  ],\n  \"counterfactual_files\": [\n" + files_json(counterfactual::files()) +
         "\n  ],\n  \"ensemble_files\": [\n" + files_json(ensemble::files()) + "\n  ]\n}\n";
}

std::string markdown() {
  std::string s;
  auto block = [&](const File* f, std::string_view prefix, std::string_view source) {
    s += fmt::format(
        "<!-- schema {}{}: generated by `regio schema --markdown` from {}; "
        "do not edit -->\n`{}`: {}.\n\n",
        prefix, f->name, source, f->name, f->rows);
    s += f->datasets.empty() ? columns_markdown(*f) : datasets_markdown(*f);
    if (!f->keyed_rows.empty()) s += keyed_rows_markdown(*f);
    s += "<!-- end schema -->\n";
  };
  for (const File* f : files()) block(f, "", "src/io/output_schema.cpp");
  for (const File* f : counterfactual::files()) block(f, "counterfactual/", "src/io/output_schema_counterfactual.cpp");
  for (const File* f : ensemble::files()) block(f, "ensemble/", "src/io/output_schema_ensemble.cpp");
  return s;
}

}  // namespace regio::schema
