#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "data/text_corpus.h"

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("corpus: vocabulary, tokens and the train/validation split") {
  nn::TextCorpus corpus;
  REQUIRE(nn::corpus_parse(bytes_of("hello world\n"), 0.75, corpus).ok());
  // Distinct characters, sorted: '\n', ' ', d, e, h, l, o, r, w.
  CHECK(corpus.vocabulary.size() == 9);
  CHECK(corpus.vocabulary[0] == '\n');
  CHECK(corpus.tokens.size() == 12);
  CHECK(corpus.train_size == 9);
  CHECK(nn::corpus_char_utf8(corpus, corpus.tokens[0]) == "h");
  CHECK(nn::corpus_token(corpus, 'z') == -1);
}

TEST_CASE("corpus: UTF-8 characters are single tokens") {
  nn::TextCorpus corpus;
  REQUIRE(nn::corpus_parse(bytes_of("na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82"), 0.9, corpus).ok());
  CHECK(corpus.tokens.size() == 14);
  int smile = nn::corpus_token(corpus, 0x1f642);
  REQUIRE(smile >= 0);
  CHECK(nn::corpus_char_utf8(corpus, smile) == "\xf0\x9f\x99\x82");
}

TEST_CASE("corpus: bad text gets a message and the loaded corpus stays") {
  nn::TextCorpus corpus;
  REQUIRE(nn::corpus_parse(bytes_of("keep me"), 0.9, corpus).ok());
  const auto tokens = corpus.tokens;
  auto rejected = [&](const std::vector<std::uint8_t>& text, const char* expected_words) {
    nn::Status status = nn::corpus_parse(text, 0.9, corpus);
    CAPTURE(status.error);
    CHECK_FALSE(status.ok());
    CHECK(status.error.find(expected_words) != std::string::npos);
    CHECK(corpus.tokens == tokens);
  };
  rejected({}, "the text is empty");
  rejected({0xef, 0xbb, 0xbf}, "the text is empty");  // a byte-order mark and nothing else
  rejected(bytes_of("a"), "the text uses a single character; there is nothing to predict");
  rejected(bytes_of("aaaaaaa"), "single character");
  rejected({'P', 'K', 3, 4}, "the file looks binary (control character 0x03 at offset 2)");  // a zip archive
  rejected({'a', 'b', 0x7f}, "control character 0x7f at offset 2");
  rejected({'a', 'b', 0xe9, 't', 0xe9}, "the file is not UTF-8 text (invalid byte 0xe9 at offset 2)");  // Latin-1
  rejected({0xf4, 0x90, 0x80, 0x80}, "not UTF-8");   // past U+10FFFF
  rejected({'a', 0x80, 'b'}, "invalid byte 0x80 at offset 1");  // a continuation byte alone
  rejected({'a', 'b', 0, 'c'}, "binary");
  rejected({'a', 0xff, 'b'}, "not UTF-8");
  rejected({'a', 0xc3}, "not UTF-8");                // cut inside a character
  rejected({0xc0, 0xaf}, "not UTF-8");               // overlong '/'
  rejected({0xed, 0xa0, 0x80}, "not UTF-8");         // a surrogate
  std::vector<std::uint8_t> many;
  for (std::uint32_t c = 0x4e00; c < 0x4e00 + 600; c++)
    many.insert(many.end(), {std::uint8_t(0xe0 | (c >> 12)), std::uint8_t(0x80 | ((c >> 6) & 0x3f)), std::uint8_t(0x80 | (c & 0x3f))});
  rejected(many, "the text uses 600 distinct characters; the limit is 512");
  rejected(std::vector<std::uint8_t>(nn::kCorpusMaxBytes + 1, 'a'),
           "the text has 67108865 bytes, more than the limit of 64 MB");
}
