// The format a file's name says it holds, for the commands and pipeline sources that take a path
// without a format: one rule, so `braid cat x.pq` and a pipeline source `x.pq` agree.
#pragma once

#include <string_view>

#include "common/ascii.h"

namespace braid {

enum class FileFormat {
  kUnknown,  // the name does not say: the caller asks for the format
  kParquet,  // .parquet, .parq, .pq
  kCsv,      // .csv, .txt
  kTsv,      // .tsv, .tab: CSV separated by tabs
};

// By the name's last extension, without regard to case.
inline FileFormat format_from_extension(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return FileFormat::kUnknown;
  const std::string ext = ascii::lower(name.substr(dot + 1));
  if (ext == "parquet" || ext == "parq" || ext == "pq") return FileFormat::kParquet;
  if (ext == "csv" || ext == "txt") return FileFormat::kCsv;
  if (ext == "tsv" || ext == "tab") return FileFormat::kTsv;
  return FileFormat::kUnknown;
}

// "parquet", "csv", "tsv"; "" for kUnknown.
constexpr std::string_view format_name(FileFormat format) {
  switch (format) {
    case FileFormat::kParquet: return "parquet";
    case FileFormat::kCsv: return "csv";
    case FileFormat::kTsv: return "tsv";
    case FileFormat::kUnknown: break;
  }
  return "";
}

}  // namespace braid
