#pragma once
// The course's next-word data set: six three-word sentences over a nine-word vocabulary.
// The model reads the first two words (one-hot) and predicts the third.
namespace nn {

constexpr int kSixSentencesCount = 6;
constexpr int kSixSentencesVocab = 9;
constexpr int kSixSentencesPrefix = 2;  // words read before predicting

extern const char* const kSixSentences[kSixSentencesCount];
extern const char* const kSixSentencesVocabulary[kSixSentencesVocab];  // sorted

// Index of a word in the sorted vocabulary, or -1.
int six_sentences_word_index(const char* word);

// The word indices of every sentence: (6, 3).
void six_sentences_tokens(int tokens[kSixSentencesCount][3]);

// One-hot inputs laid out (T=2, B=6, V=9), time-major as the recurrent layers read them, and
// the targets (6): the index of each sentence's third word.
void six_sentences_batch(float* inputs, int* targets);

}  // namespace nn
