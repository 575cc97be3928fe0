#include "query/store/text_codec.h"

#include <zdict.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace newsevents::query::store::internal {
namespace {

// Every zstd frame starts with these four bytes; they are not stored.
constexpr char kMagic[4] = {'\x28', '\xb5', '\x2f', '\xfd'};

// Never trained on less: zstd 1.5.4's trainer crashes on some inputs of a
// few bytes (eight one-byte samples), and learns nothing useful from them.
constexpr std::size_t kMinTrainBytes = 4096;
// Of each text, at most this much is kept as a sample.
constexpr std::size_t kMaxSampleBytes = 1024;

[[noreturn]] void Corrupt(const char* what) {
  std::fprintf(stderr, "newsevents: stored text does not decode (%s)\n", what);
  std::abort();
}

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  return dctx.get();
}

}  // namespace

struct TextCodec::Dict {
  Dict(const std::string& bytes, int level)
      : size(bytes.size()),
        cdict(ZSTD_createCDict(bytes.data(), bytes.size(), level)),
        ddict(ZSTD_createDDict(bytes.data(), bytes.size())) {}
  ~Dict() {
    ZSTD_freeCDict(cdict);
    ZSTD_freeDDict(ddict);
  }
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  std::size_t size;
  ZSTD_CDict* cdict;
  ZSTD_DDict* ddict;
};

struct TextCodec::Encoder {
  Encoder() : cctx(ZSTD_createCCtx()) {}
  ~Encoder() { ZSTD_freeCCtx(cctx); }
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  ZSTD_CCtx* cctx;
  std::string frame;
};

TextCodec::TextCodec(TextCodecOptions options)
    : options_(options),
      next_train_(std::max(options.train_bytes, kMinTrainBytes)),
      given_up_(options.train_bytes == 0) {}

TextCodec::~TextCodec() = default;

bool TextCodec::Sample(absl::string_view text) {
  if (given_up_ || owned_dict_ != nullptr || text.empty()) return false;
  // A few very long texts must not fill the samples: training needs many.
  text = text.substr(0, kMaxSampleBytes);
  samples_.append(text.data(), text.size());
  sample_sizes_.push_back(text.size());
  return samples_.size() >= next_train_;
}

void TextCodec::DropSamples() {
  samples_ = std::string();  // the memory too, not only the size
  sample_sizes_ = std::vector<std::size_t>();
}

bool TextCodec::Train() {
  if (owned_dict_ != nullptr) return true;
  if (given_up_) return false;
  std::string dict(options_.dictionary_bytes, '\0');
  const std::size_t n =
      ZDICT_trainFromBuffer(dict.data(), dict.size(), samples_.data(), sample_sizes_.data(),
                            static_cast<unsigned>(sample_sizes_.size()));
  if (ZDICT_isError(n)) {
    next_train_ *= 2;
    if (next_train_ > options_.max_train_bytes) {
      given_up_ = true;
      DropSamples();
    }
    return false;
  }
  dict.resize(n);
  auto d = std::make_unique<const Dict>(dict, options_.level);
  if (d->cdict == nullptr || d->ddict == nullptr) {
    given_up_ = true;
    DropSamples();
    return false;
  }
  encoder_ = std::make_unique<Encoder>();
  ZSTD_CCtx_setParameter(encoder_->cctx, ZSTD_c_checksumFlag, 0);
  ZSTD_CCtx_setParameter(encoder_->cctx, ZSTD_c_dictIDFlag, 0);
  ZSTD_CCtx_setParameter(encoder_->cctx, ZSTD_c_contentSizeFlag, 1);
  ZSTD_CCtx_refCDict(encoder_->cctx, d->cdict);
  owned_dict_ = std::move(d);
  dict_.store(owned_dict_.get(), std::memory_order_release);
  DropSamples();
  return true;
}

absl::string_view TextCodec::Encode(absl::string_view text, bool* compressed) {
  *compressed = false;
  if (owned_dict_ == nullptr || text.empty()) return text;
  std::string& frame = encoder_->frame;
  frame.resize(ZSTD_compressBound(text.size()));
  const std::size_t n =
      ZSTD_compress2(encoder_->cctx, frame.data(), frame.size(), text.data(), text.size());
  if (ZSTD_isError(n) || n <= sizeof(kMagic) || n - sizeof(kMagic) >= text.size() ||
      std::memcmp(frame.data(), kMagic, sizeof(kMagic)) != 0) {
    return text;
  }
  *compressed = true;
  return absl::string_view(frame).substr(sizeof(kMagic), n - sizeof(kMagic));
}

void TextCodec::Decode(absl::string_view stored, bool compressed, std::string* out) const {
  if (!compressed) {
    out->assign(stored.data(), stored.size());
    return;
  }
  const Dict* dict = dict_.load(std::memory_order_acquire);
  if (dict == nullptr) Corrupt("compressed text and no dictionary");
  thread_local std::string frame;
  frame.assign(kMagic, sizeof(kMagic));
  frame.append(stored.data(), stored.size());
  const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN) {
    Corrupt("no content size");
  }
  out->resize(static_cast<std::size_t>(content));
  const std::size_t n = ZSTD_decompress_usingDDict(ThreadDCtx(), out->data(), out->size(),
                                                   frame.data(), frame.size(), dict->ddict);
  if (ZSTD_isError(n) || n != out->size()) Corrupt(ZSTD_getErrorName(n));
}

std::size_t TextCodec::bytes() const {
  std::size_t total = samples_.capacity() + sample_sizes_.capacity() * sizeof(std::size_t);
  if (owned_dict_ != nullptr) {
    total += owned_dict_->size + ZSTD_sizeof_CDict(owned_dict_->cdict) +
             ZSTD_sizeof_DDict(owned_dict_->ddict);
  }
  if (encoder_ != nullptr) total += ZSTD_sizeof_CCtx(encoder_->cctx) + encoder_->frame.capacity();
  return total;
}

}  // namespace newsevents::query::store::internal
