#include "query/replication/jetstream.h"

#include <nats/nats.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace newsevents::query::replication {
namespace {

// The client library's own words for the last error on this thread, which
// name the server or the stream where natsStatus_GetText does not.
std::string NatsError(natsStatus s, jsErrCode js_error = static_cast<jsErrCode>(0)) {
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  std::string text = natsStatus_GetText(s);
  if (detail != nullptr && *detail != '\0' && last == s && text != detail) {
    absl::StrAppend(&text, ": ", detail);
  }
  if (js_error != 0) absl::StrAppend(&text, " (JetStream error ", static_cast<int>(js_error), ")");
  return text;
}

std::int64_t Millis(absl::Duration d) {
  return std::max<std::int64_t>(1, absl::ToInt64Milliseconds(d));
}

// Statuses after which another attempt may succeed: no stream leader yet
// (an election after a server died), a reconnect in progress, a lost reply.
bool Transient(natsStatus s) {
  return s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS || s == NATS_CONNECTION_DISCONNECTED ||
         s == NATS_NOT_YET_CONNECTED || s == NATS_IO_ERROR || s == NATS_STALE_CONNECTION;
}

class NatsReader final : public JetStream::Reader {
 public:
  explicit NatsReader(natsSubscription* sub) : sub_(sub) {}
  ~NatsReader() override {
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }

  absl::StatusOr<std::optional<JetStream::Message>> Next(absl::Duration timeout) override {
    natsMsg* msg = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&msg, sub_, Millis(timeout));
    if (s == NATS_TIMEOUT) return std::nullopt;
    if (s != NATS_OK) return absl::UnavailableError(absl::StrCat("reading the stream: ", NatsError(s)));
    jsMsgMetaData* meta = nullptr;
    const natsStatus ms = natsMsg_GetMetaData(&meta, msg);
    if (ms != NATS_OK) {
      natsMsg_Destroy(msg);
      return absl::UnavailableError(
          absl::StrCat("a message without JetStream metadata: ", NatsError(ms)));
    }
    JetStream::Message out;
    out.sequence = meta->Sequence.Stream;
    out.stored_at = absl::FromUnixNanos(meta->Timestamp);
    out.pending = meta->NumPending;
    out.payload.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    jsMsgMetaData_Destroy(meta);
    natsMsg_Destroy(msg);
    return out;
  }

 private:
  natsSubscription* const sub_;
};

class NatsJetStream final : public JetStream {
 public:
  NatsJetStream(JetStreamOptions options, natsConnection* nc, jsCtx* js)
      : options_(std::move(options)), nc_(nc), js_(js) {}
  ~NatsJetStream() override {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(nc_);
  }

  const JetStreamOptions& options() const override { return options_; }

  absl::Status EnsureStream() override {
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js_, options_.stream.c_str(), nullptr, &js_error);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(info);
      return absl::OkStatus();
    }
    if (s != NATS_NOT_FOUND && js_error != JSStreamNotFoundErr) {
      return absl::UnavailableError(absl::StrCat("cannot read stream ", options_.stream, ": ",
                                                 NatsError(s, js_error)));
    }
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    const std::string subject = AllArticlesSubject(options_.stream);
    const char* subjects[] = {subject.c_str()};
    config.Name = options_.stream.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Retention = js_LimitsPolicy;
    config.Replicas = options_.replicas;
    config.Duplicates = absl::ToInt64Nanoseconds(options_.duplicate_window);
    js_error = static_cast<jsErrCode>(0);
    s = js_AddStream(&info, js_, &config, nullptr, &js_error);
    if (s == NATS_OK) {
      jsStreamInfo_Destroy(info);
      return absl::OkStatus();
    }
    if (js_error == JSStreamNameExistErr) return absl::OkStatus();  // another client won
    return absl::UnavailableError(absl::StrCat("cannot create stream ", options_.stream, " with ",
                                               options_.replicas, " replicas: ",
                                               NatsError(s, js_error)));
  }

  absl::StatusOr<Ack> Publish(absl::string_view subject, absl::string_view message_id,
                              absl::string_view payload, absl::Time deadline) override {
    const std::string subject_z(subject);
    const std::string id_z(message_id);
    absl::Duration backoff = absl::Milliseconds(50);
    std::string last_error = "no attempt before the deadline";
    // An attempt whose answer was lost may have stored the message: a
    // later "duplicate" may then be that attempt's own.
    bool maybe_stored = false;
    while (true) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError(absl::StrCat(
            "no acknowledgement from JetStream stream ", options_.stream,
            " before the deadline (", last_error, "); the article may or may not be stored: "
            "sending it again is safe"));
      }
      jsPubOptions po;
      jsPubOptions_Init(&po);
      po.MsgId = id_z.c_str();
      po.ExpectStream = options_.stream.c_str();
      // A short wait per attempt leaves time to retry with a new leader.
      po.MaxWait = Millis(std::min(left, absl::Seconds(2)));
      jsPubAck* ack = nullptr;
      jsErrCode js_error = static_cast<jsErrCode>(0);
      const natsStatus s = js_Publish(&ack, js_, subject_z.c_str(), payload.data(),
                                      static_cast<int>(payload.size()), &po, &js_error);
      if (s == NATS_OK) {
        Ack out{ack->Sequence, ack->Duplicate && !maybe_stored};
        jsPubAck_Destroy(ack);
        return out;
      }
      if (s == NATS_MAX_PAYLOAD) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "the article's message (", payload.size(),
            " bytes) is larger than the NATS servers' max_payload: raise max_payload "
            "in their configuration"));
      }
      if (s == NATS_CONNECTION_CLOSED) {
        return absl::UnavailableError("the NATS connection is closed");
      }
      last_error = NatsError(s, js_error);
      if (s == NATS_TIMEOUT || s == NATS_CONNECTION_DISCONNECTED || s == NATS_IO_ERROR ||
          s == NATS_STALE_CONNECTION) {
        maybe_stored = true;
      }
      if (!Transient(s) && js_error == 0) {
        return absl::UnavailableError(absl::StrCat("publishing to ", subject, ": ", last_error));
      }
      absl::SleepFor(std::min(backoff, std::max(absl::ZeroDuration(), deadline - absl::Now())));
      backoff = std::min(backoff * 2, absl::Seconds(1));
    }
  }

  absl::StatusOr<std::uint64_t> LastSequence() override {
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    const natsStatus s = js_GetStreamInfo(&info, js_, options_.stream.c_str(), nullptr, &js_error);
    if (s != NATS_OK) {
      return absl::UnavailableError(absl::StrCat("cannot read stream ", options_.stream, ": ",
                                                 NatsError(s, js_error)));
    }
    const std::uint64_t last = info->State.LastSeq;
    jsStreamInfo_Destroy(info);
    return last;
  }

  absl::StatusOr<std::unique_ptr<Reader>> Follow(std::uint64_t start_sequence,
                                                 absl::string_view subject_filter) override {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = options_.stream.c_str();
    so.Ordered = true;
    if (start_sequence > 1) {
      so.Config.DeliverPolicy = js_DeliverByStartSequence;
      so.Config.OptStartSeq = start_sequence;
    } else {
      so.Config.DeliverPolicy = js_DeliverAll;
    }
    const std::string filter(subject_filter);
    natsSubscription* sub = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    const natsStatus s = js_SubscribeSync(&sub, js_, filter.c_str(), nullptr, &so, &js_error);
    if (s != NATS_OK) {
      return absl::UnavailableError(absl::StrCat("cannot follow ", filter, " in stream ",
                                                 options_.stream, ": ", NatsError(s, js_error)));
    }
    // Flow control keeps the server within what the client buffers; the
    // byte limit only has to hold a few large articles.
    natsSubscription_SetPendingLimits(sub, -1, 512 << 20);
    return std::unique_ptr<Reader>(new NatsReader(sub));
  }

 private:
  const JetStreamOptions options_;
  natsConnection* const nc_;
  jsCtx* const js_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseEventLogFlag(absl::string_view flag) {
  std::vector<std::string> urls;
  flag = absl::StripAsciiWhitespace(flag);
  if (flag.empty() || flag == "embedded") return urls;
  for (absl::string_view part : absl::StrSplit(flag, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    if (!absl::StartsWith(part, "nats://") && !absl::StartsWith(part, "tls://")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--event_log: '", part,
          "' is neither 'embedded' nor a nats:// URL (e.g. "
          "nats://nats1:4222,nats://nats2:4222)"));
    }
    urls.emplace_back(part);
  }
  if (urls.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--event_log: '", flag, "' names no URL"));
  }
  return urls;
}

std::string ArticleSubject(absl::string_view stream, int shard) {
  return absl::StrCat(absl::AsciiStrToLower(stream), ".articles.", shard);
}

std::string AllArticlesSubject(absl::string_view stream) {
  return absl::StrCat(absl::AsciiStrToLower(stream), ".articles.*");
}

std::uint64_t StableHash(absl::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

int ShardOf(absl::string_view article_id, int shards) {
  if (shards <= 1) return 0;
  return static_cast<int>(StableHash(article_id) % static_cast<std::uint64_t>(shards));
}

absl::StatusOr<std::unique_ptr<JetStream>> JetStream::Connect(const JetStreamOptions& options) {
  if (options.urls.empty()) return absl::InvalidArgumentError("no NATS URL to connect to");
  natsOptions* opts = nullptr;
  if (natsOptions_Create(&opts) != NATS_OK) return absl::InternalError("natsOptions_Create failed");
  std::vector<const char*> servers;
  for (const std::string& url : options.urls) servers.push_back(url.c_str());
  natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  natsOptions_SetName(opts, options.client_name.c_str());
  natsOptions_SetTimeout(opts, Millis(options.connect_timeout));
  natsOptions_SetMaxReconnect(opts, -1);  // forever, once connected
  natsOptions_SetReconnectWait(opts, 250);
  natsConnection* nc = nullptr;
  const natsStatus s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    return absl::UnavailableError(absl::StrCat("cannot reach NATS at ",
                                               absl::StrJoin(options.urls, ","), ": ",
                                               NatsError(s)));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = 5000;  // JetStream API calls
  jsCtx* js = nullptr;
  const natsStatus js_status = natsConnection_JetStream(&js, nc, &js_options);
  if (js_status != NATS_OK) {
    natsConnection_Destroy(nc);
    return absl::UnavailableError(absl::StrCat("no JetStream context: ", NatsError(js_status)));
  }
  return std::unique_ptr<JetStream>(new NatsJetStream(options, nc, js));
}

}  // namespace newsevents::query::replication
