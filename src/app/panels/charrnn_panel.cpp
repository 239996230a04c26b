// The char-RNN demo: a recurrent network learns Shakespeare one character at a time.
#include "app/app.h"
#include "app/panels/widgets.h"

namespace nn {

void charrnn_panel(App& app) {
  panel_header("Char-RNN on tiny Shakespeare",
               "A recurrent network reads Shakespeare one character at a time and learns to guess the "
               "next one. Within a few hundred steps it spells words; within a few thousand it writes "
               "plausible stage directions. Sampling from it, one character at a time, shows what it knows.");
  section("DATA");
  const char* data[] = {
      "corpus", "tiny Shakespeare: 1,115,394 characters, 65 distinct",
      "split", "first 90% for training, last 10% for validation",
      "your text", "any text file can replace it",
  };
  key_value_table("data", data, 3);
  section("DEFAULT MODEL");
  const char* model[] = {
      "input", "one-hot character",
      "recurrent", "1-layer LSTM, hidden 128 (RNN and GRU, up to 3 layers, on request)",
      "output", "Linear to the vocabulary, softmax cross-entropy; loss shown in bits per character",
      "training", "sequence 64, batch 32 random windows, Adam 2e-3, gradient-norm clip 5",
  };
  key_value_table("model", model, 4);
}

}  // namespace nn
