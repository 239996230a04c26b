// libFuzzer target: texts for the char-RNN. An accepted text must give a sorted vocabulary of
// 2 to kCorpusMaxVocabulary distinct characters, tokens inside it, a split inside the text, and
// spell the very bytes it came from (after a byte-order mark) when its tokens are written back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "data/text_corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  nn::TextCorpus corpus;
  nn::Status status = nn::corpus_parse(bytes, 0.9, corpus);
  if (!status.ok()) {
    if (status.error.empty() || !corpus.tokens.empty() || !corpus.vocabulary.empty()) __builtin_trap();
    return 0;
  }
  const std::size_t V = corpus.vocabulary.size();
  if (V < 2 || V > nn::kCorpusMaxVocabulary) __builtin_trap();
  if (std::adjacent_find(corpus.vocabulary.begin(), corpus.vocabulary.end(),
                         [](std::uint32_t a, std::uint32_t b) { return a >= b; }) != corpus.vocabulary.end())
    __builtin_trap();
  if (corpus.train_size > corpus.tokens.size()) __builtin_trap();

  std::string spelled;
  for (std::uint16_t token : corpus.tokens) {
    if (token >= V) __builtin_trap();
    spelled += nn::corpus_char_utf8(corpus, token);
  }
  std::size_t start = size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf ? 3 : 0;
  if (spelled.size() != size - start || std::memcmp(spelled.data(), data + start, spelled.size()) != 0) __builtin_trap();
  for (std::size_t i = 0; i < V; i++)
    if (nn::corpus_token(corpus, corpus.vocabulary[i]) != int(i)) __builtin_trap();
  return 0;
}
