// Fuzzes recovery of the durable log: arbitrary bytes as the last segment
// of a data folder must open (truncating a bad tail) or fail with a status,
// never crash; and what opened must accept a new record.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "query/durability/log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = newsevents::query::durability;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)d::ScanRecords(bytes, [](std::uint64_t, absl::string_view) { return absl::OkStatus(); });

  static const std::string dir =
      (std::filesystem::temp_directory_path() / ("log-fuzz-" + std::to_string(getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/wal-00000000000000000001.log", std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  d::LogOptions options;
  options.dir = dir;
  auto log = d::Log::Open(options, [](absl::string_view) { return absl::OkStatus(); });
  if (log.ok()) {
    (void)(*log)->Commit("after", [] { return absl::OkStatus(); });
  }
  return 0;
}
