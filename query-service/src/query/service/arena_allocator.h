// A gRPC message allocator that puts a unary call's request and response on
// one protobuf Arena: building a large response (a page of events) then
// costs a few block allocations instead of one per string and sub-message,
// and the whole call's memory is released at once, by whichever thread
// finishes the call.
//
//   static ArenaAllocator<v1::ListEventsRequest, v1::ListEventsResponse> a;
//   service.SetMessageAllocatorFor_ListEvents(&a);
//
// Thread-safe (stateless); must outlive the server.
#ifndef NEWSEVENTS_QUERY_SERVICE_ARENA_ALLOCATOR_H_
#define NEWSEVENTS_QUERY_SERVICE_ARENA_ALLOCATOR_H_

#include <cstddef>

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace newsevents::query {

template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  // `first_block` is the arena's first block: about one typical response.
  explicit ArenaAllocator(std::size_t first_block = 16 * 1024)
      : first_block_(first_block) {}

  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new Holder(first_block_);
  }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    explicit Holder(std::size_t first_block) : arena_(Options(first_block)) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options(std::size_t first_block) {
      google::protobuf::ArenaOptions o;
      o.start_block_size = first_block;
      o.max_block_size = 8 * first_block;
      return o;
    }
    google::protobuf::Arena arena_;
  };

  const std::size_t first_block_;
};

}  // namespace newsevents::query

#endif  // NEWSEVENTS_QUERY_SERVICE_ARENA_ALLOCATOR_H_
