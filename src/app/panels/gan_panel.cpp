// The GAN demo: a generator and a discriminator play against each other on MNIST digits.
#include "app/app.h"
#include "app/panels/widgets.h"

namespace nn {

void gan_panel(App& app) {
  panel_header("MNIST GAN",
               "Two networks play a game. The generator turns random noise into images; the "
               "discriminator tells them from real handwritten digits. Each improves against the "
               "other until the generator's digits are hard to tell apart from the real ones.");
  section("GENERATOR");
  const char* generator[] = {
      "input", "z: 100 numbers drawn from N(0, 1)",
      "hidden", "256 LeakyReLU(0.2), then 512 LeakyReLU(0.2)",
      "output", "784 = 28x28 pixels, tanh, in [-1, 1]",
  };
  key_value_table("generator", generator, 3);
  section("DISCRIMINATOR");
  const char* discriminator[] = {
      "input", "784 pixels in [-1, 1], real or generated",
      "hidden", "512 LeakyReLU(0.2), then 256 LeakyReLU(0.2)",
      "output", "1 logit: how real the image looks",
  };
  key_value_table("discriminator", discriminator, 3);
  section("TRAINING");
  const char* training[] = {
      "loss", "binary cross-entropy with logits; the generator maximizes log D(G(z))",
      "optimizer", "Adam, learning rate 2e-4, beta1 0.5, batch 64",
      "schedule", "k discriminator steps per generator step (k = 1)",
      "score", "inception score and Frechet distance under a LeNet-5 trained on MNIST",
  };
  key_value_table("training", training, 4);
}

}  // namespace nn
