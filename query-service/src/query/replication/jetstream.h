// NATS JetStream as the replicated event log (--event_log=nats://...).
//
// The log is one JetStream stream (file storage, `replicas` copies, kept
// without limits: it is the source of truth). Each message is one article:
// the serialized AppendArticleRequest, published on the subject of the
// article's shard, "<stream in lower case>.articles.<shard>", with the
// article id as JetStream message id, so a retried publish inside the
// duplicate window is dropped. Query replicas follow the stream in order
// and keep their own position (see query/service/log_follower.h).
//
// Thread-safety: a JetStream connection may be used from many threads; a
// Reader from one thread at a time.
#ifndef NEWSEVENTS_QUERY_REPLICATION_JETSTREAM_H_
#define NEWSEVENTS_QUERY_REPLICATION_JETSTREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace newsevents::query::replication {

// Parses --event_log: "embedded" (or empty) gives no URLs; otherwise a
// comma-separated list of nats:// (or tls://) URLs. INVALID_ARGUMENT names
// the bad entry.
absl::StatusOr<std::vector<std::string>> ParseEventLogFlag(absl::string_view flag);

struct JetStreamOptions {
  std::vector<std::string> urls;
  std::string stream = "NEWSEVENTS";
  // Copies of the stream when this client creates it (1 on a single server).
  int replicas = 3;
  absl::Duration duplicate_window = absl::Minutes(2);
  // Shown in the NATS server's connection list.
  std::string client_name = "newsevents";
  // Per server, when connecting.
  absl::Duration connect_timeout = absl::Seconds(2);
};

// The subject articles of `shard` are published on.
std::string ArticleSubject(absl::string_view stream, int shard);
// The subject filter of every shard.
std::string AllArticlesSubject(absl::string_view stream);
// The shard of an article: a stable hash of its id, modulo `shards`.
int ShardOf(absl::string_view article_id, int shards);
// FNV-1a, 64 bits: fixed across builds and versions, unlike std::hash.
std::uint64_t StableHash(absl::string_view bytes);

class JetStream {
 public:
  struct Ack {
    std::uint64_t sequence = 0;
    // JetStream already held this message id, and no earlier attempt of
    // this call may have stored it.
    bool duplicate = false;
  };
  struct Message {
    std::uint64_t sequence = 0;  // stream sequence
    absl::Time stored_at;        // when the stream stored it
    std::uint64_t pending = 0;   // messages after it in the stream (filtered)
    std::string payload;
  };

  // Follows the stream in order from a sequence (an ordered consumer: the
  // client recreates it after a gap or a lost server, from the last
  // sequence it delivered).
  class Reader {
   public:
    virtual ~Reader() = default;
    // The next message; nullopt when none came within `timeout`. Errors:
    // UNAVAILABLE (connection lost for good; make a new Reader).
    virtual absl::StatusOr<std::optional<Message>> Next(absl::Duration timeout) = 0;
  };

  // Tries each URL once (UNAVAILABLE naming them when none answers); once
  // connected, reconnects on its own forever.
  static absl::StatusOr<std::unique_ptr<JetStream>> Connect(const JetStreamOptions& options);
  virtual ~JetStream() = default;

  // Creates the stream when it does not exist; an existing one is used as
  // it is.
  virtual absl::Status EnsureStream() = 0;
  // Publishes one message and waits for the stream's acknowledgement,
  // retrying while no stream leader answers, until `deadline`
  // (DEADLINE_EXCEEDED: the message may or may not be stored; publishing it
  // again with the same id is safe). RESOURCE_EXHAUSTED: larger than the
  // servers' max_payload.
  virtual absl::StatusOr<Ack> Publish(absl::string_view subject, absl::string_view message_id,
                                      absl::string_view payload, absl::Time deadline) = 0;
  // The stream's last sequence (0 when empty).
  virtual absl::StatusOr<std::uint64_t> LastSequence() = 0;
  virtual absl::StatusOr<std::unique_ptr<Reader>> Follow(std::uint64_t start_sequence,
                                                         absl::string_view subject_filter) = 0;
  virtual const JetStreamOptions& options() const = 0;
};

}  // namespace newsevents::query::replication

#endif  // NEWSEVENTS_QUERY_REPLICATION_JETSTREAM_H_
