#include "app/panels/panels.h"

#include "app/app.h"

namespace nn {

const PanelInfo kPanels[kPanelCount] = {
    {PanelId::NextWord, "nextword", "Next-word LSTM", "six sentences, one LSTM"},
    {PanelId::CharRnn, "charrnn", "Char-RNN", "Shakespeare, letter by letter"},
    {PanelId::Gan, "gan", "MNIST GAN", "two networks, one game"},
    {PanelId::About, "about", "About", "build, SIMD, threads"},
};

long panels_publications(const App& app) {
  return app.nextword.worker.publications() + app.charrnn.worker.publications() + app.gan.worker.publications() +
         app.gan.scorer.worker.publications();
}

void panels_autosave(App& app) {
  autosave_tick(app.nextword.autosave, app.nextword.worker);
  autosave_tick(app.charrnn.autosave, app.charrnn.worker);
  autosave_tick(app.gan.autosave, app.gan.worker);
}

}  // namespace nn
