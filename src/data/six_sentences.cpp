#include "data/six_sentences.h"

#include <cstring>

namespace nn {

const char* const kSixSentences[kSixSentencesCount] = {
    "i like dog", "i love coffee", "i hate milk", "you like cat", "you love milk", "you hate coffee",
};

const char* const kSixSentencesVocabulary[kSixSentencesVocab] = {
    "cat", "coffee", "dog", "hate", "i", "like", "love", "milk", "you",
};

int six_sentences_word_index(const char* word) {
  for (int i = 0; i < kSixSentencesVocab; i++)
    if (!std::strcmp(kSixSentencesVocabulary[i], word)) return i;
  return -1;
}

void six_sentences_tokens(int tokens[kSixSentencesCount][3]) {
  for (int s = 0; s < kSixSentencesCount; s++) {
    const char* start = kSixSentences[s];
    for (int w = 0; w < 3; w++) {
      const char* end = std::strchr(start, ' ');
      size_t length = end ? size_t(end - start) : std::strlen(start);
      char word[16] = {};
      std::memcpy(word, start, length < sizeof word - 1 ? length : sizeof word - 1);
      tokens[s][w] = six_sentences_word_index(word);
      start = end ? end + 1 : start + length;
    }
  }
}

void six_sentences_batch(float* inputs, int* targets) {
  int tokens[kSixSentencesCount][3];
  six_sentences_tokens(tokens);
  std::memset(inputs, 0, sizeof(float) * kSixSentencesPrefix * kSixSentencesCount * kSixSentencesVocab);
  for (int t = 0; t < kSixSentencesPrefix; t++)
    for (int b = 0; b < kSixSentencesCount; b++)
      inputs[(t * kSixSentencesCount + b) * kSixSentencesVocab + tokens[b][t]] = 1.0f;
  for (int b = 0; b < kSixSentencesCount; b++) targets[b] = tokens[b][2];
}

}  // namespace nn
