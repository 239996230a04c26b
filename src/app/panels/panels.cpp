#include "app/panels/panels.h"

namespace nn {

const PanelInfo kPanels[kPanelCount] = {
    {PanelId::NextWord, "nextword", "Next-word LSTM", "six sentences, one LSTM"},
    {PanelId::CharRnn, "charrnn", "Char-RNN", "Shakespeare, letter by letter"},
    {PanelId::Gan, "gan", "MNIST GAN", "two networks, one game"},
    {PanelId::About, "about", "About", "build, SIMD, threads"},
};

}  // namespace nn
