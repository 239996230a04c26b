// The next-word demo: six sentences, the vocabulary, and the one-hot inputs the LSTM reads.
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/panels/widgets.h"
#include "data/six_sentences.h"

namespace nn {

void nextword_panel(App& app) {
  NextWordPanel& panel = app.nextword;
  panel_header("Next-word LSTM",
               "Six sentences over a nine-word vocabulary. An LSTM reads the first two words of each "
               "sentence, one-hot, and learns to predict the third: a whole training run fits in a "
               "fraction of a second, so every gate can be watched.");

  int tokens[kSixSentencesCount][3];
  six_sentences_tokens(tokens);

  section("SENTENCES");
  if (ImGui::BeginTable("sentences", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("reads");
    ImGui::TableSetupColumn("");
    ImGui::TableSetupColumn("should predict");
    ImGui::TableHeadersRow();
    for (int s = 0; s < kSixSentencesCount; s++) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      char prefix[48];
      std::snprintf(prefix, sizeof prefix, "%s %s", kSixSentencesVocabulary[tokens[s][0]], kSixSentencesVocabulary[tokens[s][1]]);
      mono_text(prefix);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("->");
      ImGui::TableNextColumn();
      mono_text(kSixSentencesVocabulary[tokens[s][2]]);
    }
    ImGui::EndTable();
  }

  section("WHAT THE LSTM READS");
  ImGui::TextWrapped("Each row is one sentence; the left block is the one-hot vector of its first word "
                     "(step 1), the right block that of its second word (step 2). Columns follow the sorted vocabulary:");
  char vocabulary[128] = {};
  for (int v = 0; v < kSixSentencesVocab; v++) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%s%d %s", v ? "  " : "", v, kSixSentencesVocabulary[v]);
    std::snprintf(vocabulary + std::strlen(vocabulary), sizeof vocabulary - std::strlen(vocabulary), "%s", entry);
  }
  mono_text(vocabulary);
  if (!panel.ready) {
    // (T, B, V) time-major -> one image row per sentence with both steps side by side.
    float batch[kSixSentencesPrefix * kSixSentencesCount * kSixSentencesVocab];
    int targets[kSixSentencesCount];
    six_sentences_batch(batch, targets);
    float image[kSixSentencesCount][kSixSentencesPrefix * kSixSentencesVocab];
    for (int b = 0; b < kSixSentencesCount; b++)
      for (int t = 0; t < kSixSentencesPrefix; t++)
        for (int v = 0; v < kSixSentencesVocab; v++)
          image[b][t * kSixSentencesVocab + v] = batch[(t * kSixSentencesCount + b) * kSixSentencesVocab + v];
    heatmap_update(panel.inputs, app.heatmap_renderer, &image[0][0], kSixSentencesCount,
                   kSixSentencesPrefix * kSixSentencesVocab, 0.0f, 1.0f, HeatmapScale::Sequential);
    panel.ready = true;
  }
  heatmap_image(panel.inputs, 22.0f);

  section("MODEL");
  const char* model[] = {
      "input", "one-hot word, 9 wide, 2 steps, batch of all 6 sentences",
      "LSTM", "1 layer, hidden 5: gates i, f, o (sigmoid), candidate g (tanh)",
      "output", "logits = h_last W (5x9) + b, softmax cross-entropy",
      "training", "Adam, learning rate 0.01, 500 full-batch epochs",
  };
  key_value_table("model", model, 4);
}

}  // namespace nn
