// The file-system seam of the durable store: everything the write-ahead log
// and snapshots do to disk goes through this interface, so tests can inject
// a full disk, failed syncs or torn writes.
//
// Thread-safety: implementations are thread-safe; a WritableFile is used by
// one thread at a time.
#ifndef NEWSEVENTS_QUERY_DURABILITY_FILE_SYSTEM_H_
#define NEWSEVENTS_QUERY_DURABILITY_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsevents::query::durability {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data` or fails; on failure some prefix may have been
  // written (the caller truncates back).
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Cuts the file back to `size` bytes.
  virtual absl::Status Truncate(std::uint64_t size) = 0;
  virtual std::uint64_t Size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens `path` for appending, creating it when missing.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> OpenForAppend(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;
  // File names (not paths) in `dir`, sorted.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual absl::Status CreateDir(const std::string& dir) = 0;
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  virtual absl::Status Remove(const std::string& path) = 0;
  virtual absl::Status TruncateFile(const std::string& path, std::uint64_t size) = 0;
  // Makes renames and creations inside `dir` durable (fsync of the folder).
  virtual absl::Status SyncDir(const std::string& dir) = 0;
};

// POSIX files. Errors keep errno's meaning: ENOSPC and EDQUOT become
// RESOURCE_EXHAUSTED, other I/O errors UNAVAILABLE; messages name the path.
FileSystem* PosixFileSystem();

}  // namespace newsevents::query::durability

#endif  // NEWSEVENTS_QUERY_DURABILITY_FILE_SYSTEM_H_
