// newsevents.v1 messages <-> the store's model (query/store/model.h).
//
// Decode* trust their input to have passed request validation
// (request_codec.h): they copy fields and cast enums. Encode* fill a message
// from scratch (clearing it first). Times round-trip to the microsecond.
#ifndef NEWSEVENTS_QUERY_CODEC_MODEL_CODEC_H_
#define NEWSEVENTS_QUERY_CODEC_MODEL_CODEC_H_

#include <optional>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "newsevents/v1/events.pb.h"
#include "query/store/model.h"

namespace newsevents::query::codec {

// Absent (`present` false, from the parent's has_*()) is std::nullopt.
std::optional<absl::Time> DecodeTime(bool present,
                                     const google::protobuf::Timestamp& t);
void EncodeTime(absl::Time t, google::protobuf::Timestamp* out);

store::Entity DecodeEntity(const v1::Entity& in);
store::Place DecodePlace(const v1::Place& in);
store::TimeSpan DecodeTimeSpan(const v1::TimeSpan& in);
store::Figure DecodeFigure(const v1::Figure& in);
store::Event DecodeEvent(const v1::Event& in);
store::Quote DecodeQuote(const v1::Quote& in);
store::ArticleInfo DecodeArticle(const v1::ArticleInfo& in);

void EncodeEntity(const store::Entity& in, v1::Entity* out);
void EncodePlace(const store::Place& in, v1::Place* out);
void EncodeTimeSpan(const store::TimeSpan& in, v1::TimeSpan* out);
void EncodeFigure(const store::Figure& in, v1::Figure* out);
// The identity too, when it has an event id.
void EncodeEvent(const store::Event& in, v1::Event* out);
void EncodeIdentity(const store::EventIdentity& in, v1::EventIdentity* out);
void EncodeQuote(const store::Quote& in, v1::Quote* out);
void EncodeArticle(const store::ArticleInfo& in, v1::ArticleInfo* out);

}  // namespace newsevents::query::codec

#endif  // NEWSEVENTS_QUERY_CODEC_MODEL_CODEC_H_
