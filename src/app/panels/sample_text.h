#pragma once
// Text a model generated, one character at a time, that remembers for every character how likely
// the model found it and what else it weighed. Drawn wrapped in the monospace font, each
// character tinted by its surprise; the mouse over a character shows the model's choice there.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "imgui.h"

namespace nn {

constexpr int kSampleAlternatives = 8;  // likeliest characters kept per position

struct SampledChar {
  std::uint16_t token;
  float p;  // probability of `token` when it was drawn; negative for text the user typed (primer)
  std::uint16_t top[kSampleAlternatives];  // the likeliest tokens there, most likely first
  float top_p[kSampleAlternatives];
  int top_count;
};

struct SampleText {
  std::deque<SampledChar> chars;
};

// Appends `token`; `probs` (V of them) is the distribution it was drawn from, or null for primer text.
void sample_text_append(SampleText& text, int token, const float* probs, int V);
void sample_text_clear(SampleText& text);
// Keeps the newest `limit` characters.
void sample_text_trim(SampleText& text, std::size_t limit);

// Draws the text in a child window of `size`; token_text[t] is token t as UTF-8. The view follows
// new text while it is scrolled to the bottom. Returns the index of the character under the mouse,
// or -1.
int sample_text_view(const char* id, SampleText& text, const std::vector<std::string>& token_text, ImVec2 size,
                     bool tint_by_surprise);

// The k likeliest of V tokens under `probs`, most likely first; returns how many (min(k, V)).
int sample_top_k(const float* probs, int V, std::uint16_t* tokens, float* top_p, int k);

// A character as a label: invisible ones get names ("space", "\\n").
std::string sample_char_label(const std::string& utf8);

// One line of bars: the alternatives at a position, `chosen` (or -1) highlighted.
void sample_alternatives_bars(const std::uint16_t* tokens, const float* probs, int count, int chosen,
                              const std::vector<std::string>& token_text);

}  // namespace nn
