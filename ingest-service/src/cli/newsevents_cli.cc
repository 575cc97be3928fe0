// newsevents: command-line client for the ingest and query services.
//
//   newsevents ingest PATH...          bulk-ingest files or folders
//   newsevents extract FILE            dry run: events of one file, as JSON
//   newsevents events [filters]        list events (JSON lines)
//   newsevents event ID                one event
//   newsevents article ID              one article's metadata
//   newsevents aggregate --by=type,week [filters]
//   newsevents figures --counted=country:PRK --place=iso:RU-KRS
//   newsevents quotes [--speaker=ID] [--contains=TEXT]
//   newsevents entities [PREFIX]
//   newsevents watch [filters]         stream new events
//   newsevents stats
//   newsevents health                  health of both services
//
// Run `newsevents help` for the options.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "newsevents/v1/ingest_service.grpc.pb.h"
#include "newsevents/v1/query_service.grpc.pb.h"

namespace {

namespace fs = std::filesystem;
namespace v1 = newsevents::v1;

constexpr char kUsage[] = R"(usage: newsevents COMMAND [OPTIONS] [ARGS]

Commands
  ingest PATH...        ingest files or folders (.txt, .html, .htm, .json)
                        through the bulk stream; prints a line per article and
                        a summary; exits 1 if any article failed
  extract FILE          extract without storing; prints the result as JSON
  events                list events as JSON lines, one per real-world event
                        (its first matching report); --mentions lists every
                        report; --min_articles=N --min_outlets=N keep events
                        reported that widely (filters below)
  event ID              print one event (a report id, or an event id evt_...)
  mentions EVENT_ID     every report (mention) of one event, first stored first
  article ID            print one article's metadata
  aggregate --by=DIMS   count events by one or two of: type mode actor
                        recipient country admin1 place source modality day
                        week month (filters below); --count_mentions counts
                        every report instead
  figures               figures side by side by source, with conflicts
                        [--kind=killed,injured] [--counted=country:PRK]
                        [--format=json|table] (filters below)
  quotes                list quotes [--speaker=ID] [--contains=TEXT]
  entities [PREFIX]     search entities by name prefix [--kind=person|...]
  watch                 stream new events as JSON lines until interrupted
  stats                 store statistics
  health                health of both services (exit 1 if one is not SERVING)

Options
  --ingest=HOST:PORT    ingest service (default localhost:50051, or
                        NEWSEVENTS_INGEST_ADDRESS)
  --query=HOST:PORT     query service (default localhost:50052, or
                        NEWSEVENTS_QUERY_ADDRESS)
  --timeout=SECONDS     deadline of each call (default 30)
  --token=TOKEN         bearer token for secured services (default
                        NEWSEVENTS_AUTH_TOKEN); --token_file=FILE reads it
  --tls_ca=FILE         use TLS; verify the services with this PEM CA
  --tls_cert=FILE --tls_key=FILE
                        client certificate and key, for mutual TLS (also
                        TLS without --tls_ca: the system's roots verify)

Filters (events, aggregate, figures, watch; repeat an option or use commas for OR)
  --type=ASSAULT        event type (AGREE ... OUTCOME)
  --mode=capture        PLOVER mode
  --entity=ID           entity in any role;  --actor=ID  --recipient=ID
  --name=NAME           entity name or alias in any role
  --country=RUS         country of the event's place (ISO alpha-3)
  --place=ID            place id, e.g. iso:RU-KRS (includes places inside)
  --since=YYYY-MM-DD    event time on or after;  --until=YYYY-MM-DD  before
  --article=ID          events of one article
  --source=ID           according to this entity
  --event=EVENT_ID      reports of this event (evt_...)
  --modality=reported   asserted reported alleged estimated denied negated
                        future hypothetical
  --modality=all        every modality (default: asserted, reported, alleged,
                        estimated)
  --limit=N             at most N events (default 50; 0 = all)
  --format=json|table   output of `events` (default json, one per line;
                        --pretty indents it)
  --order=event_desc    event_desc event_asc ingest_desc ingest_asc
)";

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;

  std::optional<std::string> Get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> GetAll(const std::string& name) const {
    std::vector<std::string> out;
    auto [lo, hi] = options.equal_range(name);
    for (auto it = lo; it != hi; ++it) {
      for (absl::string_view part :
           absl::StrSplit(it->second, ',', absl::SkipEmpty())) {
        out.emplace_back(absl::StripAsciiWhitespace(part));
      }
    }
    return out;
  }
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "newsevents: %s\n", message.c_str());
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (absl::StartsWith(a, "--")) {
      std::string name = a.substr(2);
      std::string value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc && !absl::StartsWith(argv[i + 1], "--")) {
        value = argv[++i];
      }
      args.options.emplace(name, value);
    } else if (args.command.empty()) {
      args.command = a;
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

std::string EnvOr(const char* var, const char* fallback) {
  const char* v = std::getenv(var);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::shared_ptr<grpc::ChannelCredentials> g_credentials =
    grpc::InsecureChannelCredentials();
std::string g_token;

std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  grpc::ChannelArguments ch;
  ch.SetMaxReceiveMessageSize(64 << 20);
  ch.SetMaxSendMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, g_credentials, ch);
}

int g_timeout_seconds = 30;

// Sends the bearer token, if any, with the call.
void AddToken(grpc::ClientContext* ctx) {
  if (!g_token.empty()) ctx->AddMetadata("authorization", "Bearer " + g_token);
}

void SetDeadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(g_timeout_seconds));
  AddToken(ctx);
}

std::string ToJson(const google::protobuf::Message& m, bool pretty) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  if (!pretty) return out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int ReportRpcError(const std::string& what, const std::string& address,
                   const grpc::Status& status) {
  std::fprintf(stderr, "newsevents: %s failed: %s: %s\n", what.c_str(),
               absl::StrCat(status.error_code()).c_str(),
               status.error_message().c_str());
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::fprintf(stderr,
                 "  is the service running at %s? Start the pair as the "
                 "README says, or pass --ingest/--query (and --tls_ca if it "
                 "uses TLS).\n",
                 address.c_str());
  } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    std::fprintf(stderr,
                 "  the service wants a bearer token: pass --token or set "
                 "NEWSEVENTS_AUTH_TOKEN.\n");
  }
  return 1;
}

std::string ContentTypeFor(const fs::path& path) {
  std::string ext = absl::AsciiStrToLower(path.extension().string());
  if (ext == ".html" || ext == ".htm") return "text/html";
  if (ext == ".json") return "application/json";
  if (ext == ".txt" || ext == ".text" || ext == ".md") return "text/plain";
  return "";
}

// The whole file, or exits with a message naming `flag`.
std::string ReadFlagFile(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(absl::StrCat("--", flag, ": cannot read '", path, "'"));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --token/--token_file/NEWSEVENTS_AUTH_TOKEN and --tls_* into the globals.
void ConfigureSecurity(const Args& args) {
  if (auto v = args.Get("token")) {
    g_token = *v;
  } else if (auto file = args.Get("token_file")) {
    std::string content = ReadFlagFile("token_file", *file);
    g_token = std::string(absl::StripAsciiWhitespace(
        absl::string_view(content).substr(0, content.find('\n'))));
  } else {
    g_token = EnvOr("NEWSEVENTS_AUTH_TOKEN", "");
  }
  const std::string ca = args.Get("tls_ca").value_or("");
  const std::string cert = args.Get("tls_cert").value_or("");
  const std::string key = args.Get("tls_key").value_or("");
  if (ca.empty() && cert.empty() && key.empty()) return;
  if (cert.empty() != key.empty()) Fail("--tls_cert and --tls_key go together");
  grpc::SslCredentialsOptions options;
  if (!ca.empty()) options.pem_root_certs = ReadFlagFile("tls_ca", ca);
  if (!cert.empty()) {
    options.pem_cert_chain = ReadFlagFile("tls_cert", cert);
    options.pem_private_key = ReadFlagFile("tls_key", key);
  }
  g_credentials = grpc::SslCredentials(options);
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> CollectFiles(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(input, ec)) {
        if (entry.is_regular_file() && !ContentTypeFor(entry.path()).empty()) {
          found.push_back(entry.path());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(input, ec)) {
      files.emplace_back(input);
    } else {
      Fail(absl::StrCat("no such file or folder: ", input));
    }
  }
  return files;
}

v1::Article ArticleFromFile(const fs::path& path) {
  std::optional<std::string> data = ReadFile(path);
  if (!data) Fail(absl::StrCat("cannot read ", path.string()));
  std::string type = ContentTypeFor(path);
  if (type.empty()) type = "text/plain";
  v1::Article article;
  article.set_raw(std::move(*data));
  article.set_content_type(type);
  return article;
}

void DrawProgress(std::size_t done, std::size_t total, std::size_t failed,
                  bool tty) {
  if (!tty) return;
  const int width = 30;
  const int filled = total == 0 ? width : static_cast<int>(width * done / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu articles, %zu failed",
               std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done, total, failed);
  std::fflush(stderr);
}

int Ingest(const Args& args, const std::string& address) {
  if (args.positional.empty()) Fail("ingest needs at least one file or folder");
  std::vector<fs::path> files = CollectFiles(args.positional);
  if (files.empty()) Fail("no .txt, .html, .htm or .json files found");
  auto stub = v1::IngestService::NewStub(Connect(address));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::seconds(g_timeout_seconds * static_cast<long>(1 + files.size() / 8)));
  AddToken(&ctx);
  auto stream = stub->IngestArticles(&ctx);
  const bool tty = isatty(STDERR_FILENO) != 0;

  std::thread writer([&] {
    for (const fs::path& f : files) {
      v1::IngestArticlesRequest request;
      *request.mutable_article() = ArticleFromFile(f);
      if (!stream->Write(request)) break;
    }
    stream->WritesDone();
  });

  std::size_t done = 0, failed = 0, events = 0, quotes = 0, duplicates = 0;
  v1::IngestArticlesResponse response;
  while (stream->Read(&response)) {
    ++done;
    const std::string name = response.index() < static_cast<std::int64_t>(files.size())
                                 ? files[response.index()].string()
                                 : "?";
    if (tty) std::fprintf(stderr, "\r\033[K");
    if (response.status_code() != 0) {
      ++failed;
      std::printf("FAILED %s: %s\n", name.c_str(), response.status_message().c_str());
    } else {
      events += response.event_count();
      quotes += response.quote_count();
      if (response.duplicate()) ++duplicates;
      std::printf("ok     %s: %s, %d events, %d quotes%s\n", name.c_str(),
                  response.article_id().c_str(), response.event_count(),
                  response.quote_count(),
                  response.duplicate() ? " (already stored)" : "");
    }
    std::fflush(stdout);
    DrawProgress(done, files.size(), failed, tty);
  }
  writer.join();
  grpc::Status status = stream->Finish();
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::printf("%zu articles: %zu stored (%zu already stored), %zu failed; %zu events, %zu quotes\n",
              done, done - failed, duplicates, failed, events, quotes);
  if (!status.ok()) return ReportRpcError("ingest stream", address, status);
  if (done < files.size()) {
    std::fprintf(stderr, "newsevents: %zu articles got no answer\n", files.size() - done);
    return 1;
  }
  return failed == 0 ? 0 : 1;
}

int Extract(const Args& args, const std::string& address) {
  if (args.positional.size() != 1) Fail("extract needs exactly one file");
  auto stub = v1::IngestService::NewStub(Connect(address));
  v1::ExtractEventsRequest request;
  *request.mutable_article() = ArticleFromFile(args.positional[0]);
  v1::ExtractEventsResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->ExtractEvents(&ctx, request, &response);
  if (!status.ok()) return ReportRpcError("ExtractEvents", address, status);
  if (!args.Get("with-body")) response.clear_body();
  std::printf("%s\n", ToJson(response, true).c_str());
  return 0;
}

absl::Time ParseDay(const std::string& flag, const std::string& value) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d", value, absl::UTCTimeZone(), &t, &error) ||
      absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    return t;
  }
  Fail(absl::StrCat("--", flag, "='", value, "' is not a date (YYYY-MM-DD)"));
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

template <typename Enum>
Enum ParseEnum(const std::string& flag, const std::string& prefix,
               const std::string& value,
               bool (*parse)(const std::string&, Enum*)) {
  Enum e;
  std::string name = absl::AsciiStrToUpper(value);
  std::replace(name.begin(), name.end(), '-', '_');
  if (parse(name, &e) || parse(prefix + name, &e)) return e;
  Fail(absl::StrCat("--", flag, "='", value, "' is not a known value"));
}

v1::EventFilter FilterFromArgs(const Args& args) {
  v1::EventFilter f;
  for (const auto& v : args.GetAll("type")) {
    f.add_types(ParseEnum<v1::EventType>("type", "EVENT_TYPE_", v, v1::EventType_Parse));
  }
  for (const auto& v : args.GetAll("mode")) f.add_modes(v);
  for (const auto& v : args.GetAll("entity")) f.add_entity_ids(v);
  for (const auto& v : args.GetAll("actor")) f.add_actor_ids(v);
  for (const auto& v : args.GetAll("recipient")) f.add_recipient_ids(v);
  for (const auto& v : args.GetAll("name")) f.add_entity_names(v);
  for (const auto& v : args.GetAll("country")) f.add_countries(absl::AsciiStrToUpper(v));
  for (const auto& v : args.GetAll("place")) f.add_place_ids(v);
  for (const auto& v : args.GetAll("article")) f.add_article_ids(v);
  for (const auto& v : args.GetAll("source")) f.add_source_ids(v);
  for (const auto& v : args.GetAll("event")) f.add_event_ids(v);
  for (const auto& v : args.GetAll("modality")) {
    if (v == "all") {
      for (int m = 1; m <= v1::Modality_MAX; ++m) f.add_modalities(static_cast<v1::Modality>(m));
      continue;
    }
    f.add_modalities(ParseEnum<v1::Modality>("modality", "MODALITY_", v, v1::Modality_Parse));
  }
  if (auto v = args.Get("since")) SetTimestamp(ParseDay("since", *v), f.mutable_start_time());
  if (auto v = args.Get("until")) SetTimestamp(ParseDay("until", *v), f.mutable_end_time());
  return f;
}

int ParseLimit(const Args& args, int fallback) {
  int limit = fallback;
  if (auto v = args.Get("limit"); v && !absl::SimpleAtoi(*v, &limit)) {
    Fail(absl::StrCat("--limit='", *v, "' is not a number"));
  }
  return limit;
}

int Events(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::ListEventsRequest request;
  *request.mutable_filter() = FilterFromArgs(args);
  if (auto v = args.Get("order")) {
    static const std::map<std::string, v1::OrderBy> kOrders = {
        {"event_desc", v1::ORDER_BY_EVENT_TIME_DESC},
        {"event_asc", v1::ORDER_BY_EVENT_TIME_ASC},
        {"ingest_desc", v1::ORDER_BY_INGEST_TIME_DESC},
        {"ingest_asc", v1::ORDER_BY_INGEST_TIME_ASC}};
    auto it = kOrders.find(*v);
    if (it == kOrders.end()) Fail(absl::StrCat("--order='", *v, "' is not known"));
    request.set_order_by(it->second);
  }
  request.set_mentions(args.Get("mentions").has_value());
  for (const auto& [flag, set] :
       {std::pair<const char*, void (v1::ListEventsRequest::*)(std::int32_t)>{
            "min_articles", &v1::ListEventsRequest::set_min_articles},
        {"min_outlets", &v1::ListEventsRequest::set_min_independent_outlets}}) {
    if (auto v = args.Get(flag)) {
      int n = 0;
      if (!absl::SimpleAtoi(*v, &n) || n < 0) {
        Fail(absl::StrCat("--", flag, "='", *v, "' must be a number >= 0"));
      }
      (request.*set)(n);
    }
  }
  const int limit = ParseLimit(args, 50);
  const bool pretty = args.Get("pretty").has_value();
  const std::string format = args.Get("format").value_or("json");
  if (format != "json" && format != "table") {
    Fail(absl::StrCat("--format='", format, "' must be json or table"));
  }
  if (format == "table") {
    std::printf("%-9s %-12s %-12s %-16s %-8s %s\n", "TYPE", "MODE", "DATE", "PLACE", "REPORTS",
                "SUMMARY");
  }
  int printed = 0;
  for (;;) {
    int want = limit == 0 ? 1000 : std::min(1000, limit - printed);
    request.set_page_size(want);
    v1::ListEventsResponse response;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status status = stub->ListEvents(&ctx, request, &response);
    if (!status.ok()) return ReportRpcError("ListEvents", address, status);
    for (const v1::Event& e : response.events()) {
      if (format == "table") {
        std::string type = v1::EventType_Name(e.type());
        if (absl::StartsWith(type, "EVENT_TYPE_")) type = type.substr(11);
        // The start day, or "<=" the last possible day of an open start.
        std::string date = "-";
        if (e.when().has_start() && !e.when().open_start()) {
          date = absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(e.when().start().seconds()),
                                  absl::UTCTimeZone());
        } else if (e.when().has_end()) {
          date = absl::StrCat(
              "<=", absl::FormatTime("%Y-%m-%d",
                                     absl::FromUnixSeconds(e.when().end().seconds() - 1),
                                     absl::UTCTimeZone()));
        }
        // Reports: articles / independent outlets.
        const v1::Corroboration& c = e.identity().corroboration();
        const std::string reports =
            absl::StrCat(c.articles(), "/", c.independent_outlets());
        std::printf("%-9s %-12s %-12s %-16s %-8s %s\n", type.c_str(),
                    e.mode().empty() ? "-" : e.mode().c_str(), date.c_str(),
                    e.place().name().empty() ? "-" : e.place().name().c_str(),
                    reports.c_str(), e.summary().c_str());
      } else {
        std::printf("%s\n", ToJson(e, pretty).c_str());
      }
      ++printed;
    }
    if (response.next_page_token().empty() || (limit != 0 && printed >= limit)) {
      std::fflush(stdout);
      std::fprintf(stderr, "%d of %lld matching events\n", printed,
                   static_cast<long long>(response.total_size()));
      return 0;
    }
    request.set_page_token(response.next_page_token());
  }
}

int GetOne(const Args& args, const std::string& address, bool event) {
  if (args.positional.size() != 1) Fail(absl::StrCat(args.command, " needs one id"));
  auto stub = v1::QueryService::NewStub(Connect(address));
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status;
  std::string json;
  if (event) {
    v1::GetEventRequest request;
    request.set_id(args.positional[0]);
    v1::Event response;
    status = stub->GetEvent(&ctx, request, &response);
    json = ToJson(response, true);
  } else {
    v1::GetArticleRequest request;
    request.set_id(args.positional[0]);
    v1::ArticleInfo response;
    status = stub->GetArticle(&ctx, request, &response);
    json = ToJson(response, true);
  }
  if (!status.ok()) return ReportRpcError(args.command, address, status);
  std::printf("%s\n", json.c_str());
  return 0;
}

int Mentions(const Args& args, const std::string& address) {
  if (args.positional.size() != 1) Fail("mentions needs one event id (evt_...)");
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::ListMentionsRequest request;
  request.set_event_id(args.positional[0]);
  request.set_page_size(1000);
  const bool pretty = args.Get("pretty").has_value();
  for (;;) {
    v1::ListMentionsResponse response;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status status = stub->ListMentions(&ctx, request, &response);
    if (!status.ok()) return ReportRpcError("ListMentions", address, status);
    for (const v1::Event& e : response.mentions()) std::printf("%s\n", ToJson(e, pretty).c_str());
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

int Aggregate(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::AggregateEventsRequest request;
  *request.mutable_filter() = FilterFromArgs(args);
  std::vector<std::string> dims = args.GetAll("by");
  if (dims.empty()) Fail("aggregate needs --by, e.g. --by=type or --by=type,week");
  for (const std::string& d : dims) {
    request.add_group_by(ParseEnum<v1::GroupBy>("by", "GROUP_BY_", d, v1::GroupBy_Parse));
  }
  if (auto v = args.Get("top")) {
    int top = 0;
    if (!absl::SimpleAtoi(*v, &top)) Fail("--top must be a number");
    request.set_top_n(top);
  }
  request.set_count_mentions(args.Get("count_mentions").has_value());
  v1::AggregateEventsResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->AggregateEvents(&ctx, request, &response);
  if (!status.ok()) return ReportRpcError("AggregateEvents", address, status);
  std::printf("%s\n", ToJson(response, true).c_str());
  return 0;
}

int Figures(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::ListFiguresRequest request;
  *request.mutable_filter() = FilterFromArgs(args);
  for (const std::string& k : args.GetAll("kind")) {
    request.add_kinds(ParseEnum<v1::FigureKind>("kind", "FIGURE_KIND_", k, v1::FigureKind_Parse));
  }
  for (const std::string& c : args.GetAll("counted")) request.add_counted_ids(c);
  v1::ListFiguresResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->ListFigures(&ctx, request, &response);
  if (!status.ok()) return ReportRpcError("ListFigures", address, status);
  const std::string format = args.Get("format").value_or("json");
  if (format == "json") {
    std::printf("%s\n", ToJson(response, true).c_str());
    return 0;
  }
  if (format != "table") Fail(absl::StrCat("--format='", format, "' must be json or table"));
  auto kind = [](int k) {
    std::string n = v1::FigureKind_Name(static_cast<v1::FigureKind>(k));
    return absl::AsciiStrToLower(absl::StartsWith(n, "FIGURE_KIND_") ? n.substr(12) : n);
  };
  auto interval = [](const v1::Figure& f) {
    if (!f.has_high()) return absl::StrCat(">= ", f.low());
    if (f.high() == f.low()) return absl::StrCat(f.low());
    return absl::StrCat(f.low(), "..", f.high());
  };
  std::printf("%-32s %-18s %-12s %s\n", "SOURCE", "KIND", "INTERVAL", "TEXT");
  for (const v1::SourceFigures& s : response.sources()) {
    const std::string source = s.source().name().empty() ? "(unattributed)" : s.source().name();
    for (const v1::SourcedFigure& f : s.figures()) {
      std::printf("%-32s %-18s %-12s %s\n", source.c_str(), kind(f.figure().kind()).c_str(),
                  interval(f.figure()).c_str(), f.figure().text().c_str());
    }
  }
  for (const v1::FigureConflict& c : response.conflicts()) {
    std::printf("conflict (%s): %s says %s, %s says %s\n", kind(c.kind()).c_str(),
                c.source_a().empty() ? "(unattributed)" : c.source_a().c_str(),
                interval(c.figure_a().figure()).c_str(),
                c.source_b().empty() ? "(unattributed)" : c.source_b().c_str(),
                interval(c.figure_b().figure()).c_str());
  }
  return 0;
}

int Quotes(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::ListQuotesRequest request;
  for (const auto& v : args.GetAll("speaker")) request.add_speaker_ids(v);
  if (auto v = args.Get("contains")) request.set_text_contains(*v);
  if (auto v = args.Get("article")) request.set_article_id(*v);
  request.set_page_size(ParseLimit(args, 50) == 0 ? 1000 : std::min(1000, ParseLimit(args, 50)));
  v1::ListQuotesResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->ListQuotes(&ctx, request, &response);
  if (!status.ok()) return ReportRpcError("ListQuotes", address, status);
  for (const v1::Quote& q : response.quotes()) std::printf("%s\n", ToJson(q, false).c_str());
  return 0;
}

int Entities(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::SearchEntitiesRequest request;
  if (!args.positional.empty()) request.set_prefix(args.positional[0]);
  if (auto v = args.Get("kind")) {
    request.set_kind(ParseEnum<v1::EntityKind>("kind", "ENTITY_KIND_", *v, v1::EntityKind_Parse));
  }
  if (auto v = args.Get("country")) request.set_country(absl::AsciiStrToUpper(*v));
  request.set_page_size(std::min(1000, std::max(1, ParseLimit(args, 50))));
  v1::SearchEntitiesResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->SearchEntities(&ctx, request, &response);
  if (!status.ok()) return ReportRpcError("SearchEntities", address, status);
  for (const auto& e : response.entities()) std::printf("%s\n", ToJson(e, false).c_str());
  return 0;
}

int Watch(const Args& args, const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::WatchEventsRequest request;
  *request.mutable_filter() = FilterFromArgs(args);
  if (auto v = args.Get("from")) {
    std::int64_t rev = 0;
    if (!absl::SimpleAtoi(*v, &rev)) Fail("--from must be a revision number");
    request.set_from_revision(rev);
  }
  grpc::ClientContext ctx;
  AddToken(&ctx);
  auto reader = stub->WatchEvents(&ctx, request);
  v1::WatchEventsResponse response;
  while (reader->Read(&response)) {
    std::printf("%s\n", ToJson(response, false).c_str());
    std::fflush(stdout);
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportRpcError("WatchEvents", address, status);
  return 0;
}

int Stats(const std::string& address) {
  auto stub = v1::QueryService::NewStub(Connect(address));
  v1::GetStatsResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status status = stub->GetStats(&ctx, v1::GetStatsRequest(), &response);
  if (!status.ok()) return ReportRpcError("GetStats", address, status);
  std::printf("%s\n", ToJson(response, true).c_str());
  return 0;
}

int Health(const std::string& ingest, const std::string& query) {
  int rc = 0;
  for (const auto& [name, address] : {std::pair{"ingest", ingest}, std::pair{"query", query}}) {
    auto stub = grpc::health::v1::Health::NewStub(Connect(address));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&ctx, grpc::health::v1::HealthCheckRequest(), &response);
    const bool serving = status.ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    std::printf("%-6s %-22s %s\n", name, address.c_str(),
                serving ? "SERVING"
                        : (status.ok() ? "NOT_SERVING" : status.error_message().c_str()));
    if (!serving) rc = 1;
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  if (args.command.empty() || args.command == "help" || args.Get("help")) {
    std::fputs(kUsage, args.command.empty() ? stderr : stdout);
    return args.command.empty() ? 2 : 0;
  }
  const std::string ingest =
      args.Get("ingest").value_or(EnvOr("NEWSEVENTS_INGEST_ADDRESS", "localhost:50051"));
  const std::string query =
      args.Get("query").value_or(EnvOr("NEWSEVENTS_QUERY_ADDRESS", "localhost:50052"));
  if (auto v = args.Get("timeout"); v && (!absl::SimpleAtoi(*v, &g_timeout_seconds) ||
                                          g_timeout_seconds <= 0)) {
    Fail(absl::StrCat("--timeout='", *v, "' must be a positive number of seconds"));
  }
  ConfigureSecurity(args);
  const std::string& c = args.command;
  if (c == "ingest") return Ingest(args, ingest);
  if (c == "extract") return Extract(args, ingest);
  if (c == "events") return Events(args, query);
  if (c == "event") return GetOne(args, query, /*event=*/true);
  if (c == "mentions") return Mentions(args, query);
  if (c == "article") return GetOne(args, query, /*event=*/false);
  if (c == "aggregate") return Aggregate(args, query);
  if (c == "figures") return Figures(args, query);
  if (c == "quotes") return Quotes(args, query);
  if (c == "entities") return Entities(args, query);
  if (c == "watch") return Watch(args, query);
  if (c == "stats") return Stats(query);
  if (c == "health") return Health(ingest, query);
  Fail(absl::StrCat("unknown command '", c, "'; run `newsevents help`"));
}
