#include <doctest/doctest.h>

#include <string>

#include "data/six_sentences.h"

TEST_CASE("six sentences: sorted vocabulary, one-hot inputs, targets") {
  CHECK(nn::six_sentences_word_index("cat") == 0);
  CHECK(nn::six_sentences_word_index("you") == 8);
  CHECK(nn::six_sentences_word_index("tea") == -1);
  for (int i = 1; i < nn::kSixSentencesVocab; i++)
    CHECK(std::string(nn::kSixSentencesVocabulary[i - 1]) < std::string(nn::kSixSentencesVocabulary[i]));

  float inputs[2 * 6 * 9];
  int targets[6];
  nn::six_sentences_batch(inputs, targets);
  // "you hate coffee": step 0 reads "you", step 1 reads "hate", the target is "coffee".
  const int b = 5;
  CHECK(inputs[(0 * 6 + b) * 9 + nn::six_sentences_word_index("you")] == 1.0f);
  CHECK(inputs[(1 * 6 + b) * 9 + nn::six_sentences_word_index("hate")] == 1.0f);
  CHECK(targets[b] == nn::six_sentences_word_index("coffee"));
  float total = 0;
  for (float x : inputs) total += x;
  CHECK(total == 12.0f);  // exactly one hot entry per (step, sentence)
}
