#include "query/store/text_codec.h"

#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace newsevents::query::store::internal {
namespace {

// Sentences shaped like news: words from a small vocabulary, numbers,
// capitals and punctuation.
std::string Sentence(std::mt19937_64& rng) {
  static const char* const kWords[] = {
      "the",       "of",        "forces",   "said",      "on",        "in",
      "Ukrainian", "Russian",   "region",   "attack",    "killed",    "wounded",
      "village",   "according", "ministry", "officials", "statement", "border",
      "drones",    "overnight", "troops",   "president", "talks",     "and",
      "a",         "to",        "was",      "were",      "at",        "least",
      "people",    "civilians", "military", "Monday",    "Tuesday",   "capital"};
  std::string s;
  const int words = 12 + static_cast<int>(rng() % 20);
  for (int i = 0; i < words; ++i) {
    if (i > 0) s += rng() % 9 == 0 ? ", " : " ";
    if (rng() % 11 == 0) {
      s += std::to_string(rng() % 5000);
    } else {
      s += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
    }
  }
  s += '.';
  return s;
}

// What a caller keeps of an encoded text: the bytes and the flag.
struct Stored {
  std::string bytes;
  bool compressed = false;
};
Stored Encoded(TextCodec& codec, absl::string_view text) {
  Stored out;
  out.bytes = std::string(codec.Encode(text, &out.compressed));
  return out;
}
std::string Decoded(const TextCodec& codec, const Stored& stored) {
  std::string out;
  codec.Decode(stored.bytes, stored.compressed, &out);
  return out;
}

// Offers sentences until the codec asks to be trained, then trains it.
void TrainOnSentences(TextCodec& codec, std::mt19937_64& rng) {
  for (int i = 0; i < 100000; ++i) {
    if (codec.Sample(Sentence(rng))) break;
  }
  ASSERT_TRUE(codec.Train());
  ASSERT_TRUE(codec.trained());
}

TEST(TextCodec, StoresTextAsGivenUntilTrained) {
  TextCodec codec;
  for (const std::string& text :
       {std::string(), std::string("a"), std::string(200, 'x'), std::string("nul\0inside", 10)}) {
    const Stored encoded = Encoded(codec, text);
    // The text itself.
    EXPECT_FALSE(encoded.compressed);
    EXPECT_EQ(encoded.bytes, text);
    EXPECT_EQ(Decoded(codec, encoded), text);
  }
  EXPECT_FALSE(codec.trained());
}

TEST(TextCodec, CompressesTextOnceTrainedAndDecodesItExactly) {
  TextCodec codec(TextCodecOptions{.train_bytes = 32 << 10});
  std::mt19937_64 rng(7);
  std::vector<std::string> before;
  std::vector<Stored> before_encoded;
  for (int i = 0; i < 20; ++i) {
    before.push_back(Sentence(rng));
    before_encoded.push_back(Encoded(codec, before.back()));
  }
  TrainOnSentences(codec, rng);
  std::size_t raw = 0, stored = 0;
  for (int i = 0; i < 500; ++i) {
    const std::string text = Sentence(rng);
    const Stored encoded = Encoded(codec, text);
    raw += text.size();
    stored += encoded.bytes.size();
    ASSERT_EQ(Decoded(codec, encoded), text);
  }
  EXPECT_LT(stored, raw * 3 / 4) << "raw " << raw << " stored " << stored;
  // What was stored before the dictionary existed reads back unchanged.
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(Decoded(codec, before_encoded[i]), before[i]);
  }
}

TEST(TextCodec, KeepsTextThatWouldNotShrinkAsGiven) {
  TextCodec codec(TextCodecOptions{.train_bytes = 32 << 10});
  std::mt19937_64 rng(11);
  TrainOnSentences(codec, rng);
  std::string noise;
  for (int i = 0; i < 300; ++i) noise.push_back(static_cast<char>(rng()));
  for (const std::string& text : {noise, std::string(), std::string("x"),
                                  std::string("\0\xff\x80", 3)}) {
    const Stored encoded = Encoded(codec, text);
    EXPECT_LE(encoded.bytes.size(), text.size());
    if (text == noise) EXPECT_FALSE(encoded.compressed);
    EXPECT_EQ(Decoded(codec, encoded), text);
  }
}

TEST(TextCodec, GivesUpWhenTheSamplesCannotMakeADictionary) {
  // Too few texts to train on (zstd wants more than four), and doubling
  // would pass max_train_bytes: the codec stops asking and keeps storing
  // texts as given.
  TextCodec codec(TextCodecOptions{.train_bytes = 4096, .max_train_bytes = 6144});
  std::mt19937_64 rng(17);
  std::string long_text;
  while (long_text.size() < 1024) long_text += Sentence(rng) + " ";
  long_text.resize(1024);
  int asked = 0;
  for (int i = 0; i < 12; ++i) {
    if (codec.Sample(long_text)) {
      ++asked;
      EXPECT_FALSE(codec.Train());
    }
  }
  EXPECT_EQ(asked, 1);  // at 4 KiB (4 texts); 8 KiB is past the limit
  EXPECT_FALSE(codec.trained());
  EXPECT_FALSE(codec.Sample(long_text)) << "a codec that gave up asks no more";
  const Stored encoded = Encoded(codec, "still stored");
  EXPECT_FALSE(encoded.compressed);
  EXPECT_EQ(Decoded(codec, encoded), "still stored");
}

TEST(TextCodec, VeryLongTextsDoNotKeepItFromTraining) {
  // Only the first KiB of each text is a sample, so that a few huge texts
  // do not make up the whole sample (too few texts to train on).
  TextCodec codec(TextCodecOptions{.train_bytes = 32 << 10, .max_train_bytes = 64 << 10});
  std::mt19937_64 rng(19);
  std::string huge;
  while (huge.size() < (200 << 10)) huge += Sentence(rng) + " ";
  int offered = 0;
  for (int i = 0; i < 1000 && !codec.Sample(i % 2 == 0 ? huge : Sentence(rng)); ++i) ++offered;
  EXPECT_GE(offered, 20) << "a 200 KiB text counts as one KiB of samples";
  EXPECT_TRUE(codec.Train());
  const Stored encoded = Encoded(codec, huge);
  EXPECT_LT(encoded.bytes.size(), huge.size() / 2);
  EXPECT_EQ(Decoded(codec, encoded), huge);
}

TEST(TextCodec, ZeroSampleBytesNeverCompresses) {
  TextCodec codec(TextCodecOptions{.train_bytes = 0});
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) EXPECT_FALSE(codec.Sample(Sentence(rng)));
  EXPECT_FALSE(codec.trained());
}

TEST(TextCodec, DecodesFromManyThreadsAtOnce) {
  TextCodec codec(TextCodecOptions{.train_bytes = 32 << 10});
  std::mt19937_64 rng(13);
  TrainOnSentences(codec, rng);
  std::vector<std::string> texts;
  std::vector<Stored> encoded;
  for (int i = 0; i < 200; ++i) {
    texts.push_back(Sentence(rng));
    encoded.push_back(Encoded(codec, texts.back()));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          if (Decoded(codec, encoded[i]) != texts[i]) ++mismatches[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace newsevents::query::store::internal
