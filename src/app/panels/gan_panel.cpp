// The GAN demo: a generator learns to draw digits by fooling a discriminator.
#include "app/panels/gan_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/file_transfer.h"
#include "app/local_store.h"
#include "app/plot.h"
#include "app/ui_probe.h"
#include "app/panels/widgets.h"
#include "data/png.h"

namespace nn {

namespace {

constexpr const char* kImagesPurpose = "gan-images";
constexpr const char* kLabelsPurpose = "gan-labels";
constexpr const char* kCheckpointPurpose = "gan-checkpoint";
constexpr const char* kCheckpointName = "gan.ckpt";
constexpr int kInterpolationSteps = 8;

#if defined(NNLAB_DEFAULT_MNIST_DIR)
const std::string kDesktopMnist = NNLAB_DEFAULT_MNIST_DIR;
#else
const std::string kDesktopMnist;
#endif

void draw_endpoints(GanPanel& panel, std::uint64_t seed) {
  const int Z = panel.session.config.z_dim;
  Rng rng = rng_seeded(seed, 11);
  panel.z_a.resize(std::size_t(Z));
  panel.z_b.resize(std::size_t(Z));
  rng_normals(rng, panel.z_a.data(), panel.z_a.size());
  rng_normals(rng, panel.z_b.data(), panel.z_b.size());
}

void publish(GanPanel& panel) {
  GanPanel::View& view = panel.view;
  const GanSession& s = panel.session;
  view.iteration = s.iteration;
  view.epoch = gan_session_epoch(s);
  view.grid.resize(std::size_t(kGanGridPixels) * kGanGridPixels);
  gan_session_grid(s, view.grid.data());
  // One strip: the interpolated digits side by side.
  std::vector<float> images(std::size_t(kInterpolationSteps) * kMnistPixels);
  gan_session_interpolate(s, panel.z_a.data(), panel.z_b.data(), kInterpolationSteps, images.data());
  view.interpolation.resize(images.size());
  for (int i = 0; i < kInterpolationSteps; i++)
    for (int y = 0; y < kMnistSide; y++)
      for (int x = 0; x < kMnistSide; x++)
        view.interpolation[std::size_t(y * kInterpolationSteps * kMnistSide + i * kMnistSide + x)] =
            images[std::size_t(i * kMnistPixels + y * kMnistSide + x)];
  view.d_loss = s.d_loss;
  view.g_loss = s.g_loss;
  view.d_real = s.d_real;
  view.d_fake = s.d_fake;
  view.ready = true;
}

// A new pair of networks from the controls, or (given a saved run) the pair the run stopped at.
Status build_session(GanPanel& panel, const SavedRun* saved = nullptr) {
  GanConfig config;
  config.d_steps = panel.d_steps;
  TrainOptions options = gan_default_options();
  options.seed = std::uint64_t(panel.controls.seed);
  options.optimizer.kind = panel.controls.optimizer;
  options.optimizer.lr = panel.controls.learning_rate;
  if (saved) {
    if (Status status = gan_saved_config(*saved, config); !status.ok()) return status;
    if (Status status = saved_run_get_options(*saved, options); !status.ok()) return status;
  }
  GanSession fresh;
  Status status = gan_session_init(fresh, config, panel.train, options);
  if (status.ok() && saved) status = gan_session_resume(fresh, *saved);
  if (!status.ok()) return status;
  panel.d_steps = config.d_steps;
  panel.controls.seed = int(options.seed);
  panel.controls.optimizer = options.optimizer.kind;
  panel.controls.learning_rate = float(options.optimizer.lr);
  panel.worker.pause();
  panel.worker.with_session([&] {
    panel.session = std::move(fresh);
    draw_endpoints(panel, options.seed);
  });
  panel.has_session = true;
  panel.worker.publish_now();
  return Status::success();
}

void ensure_started(GanPanel& panel) {
  if (panel.started) return;
  panel.started = true;
  TrainOptions defaults = gan_default_options();
  panel.controls.learning_rate = float(defaults.optimizer.lr);
  panel.controls.optimizer = defaults.optimizer.kind;
  panel.worker.start([&panel] { return gan_session_step(panel.session); }, [&panel] { publish(panel); },
                     std::chrono::milliseconds(100));
  file_fetch(kImagesPurpose, "assets/mnist/train-images-idx3-ubyte.gz", kDesktopMnist + "/train-images-idx3-ubyte");
  file_fetch(kLabelsPurpose, "assets/mnist/train-labels-idx1-ubyte.gz", kDesktopMnist + "/train-labels-idx1-ubyte");
}

void take_data(GanPanel& panel) {
  OpenedFile file;
  for (const char* purpose : {kImagesPurpose, kLabelsPurpose}) {
    if (!file_take_opened(purpose, file)) continue;
    if (!file.error.empty()) {
      panel.message = file.error;
      continue;
    }
    (purpose == kImagesPurpose ? panel.images_file : panel.labels_file) = std::move(file.bytes);
  }
  // The saved files decide whether the digits get a new pair of networks or a saved one.
  if (panel.has_session || panel.images_file.empty() || panel.labels_file.empty() || !store_ready()) return;
  Status status = mnist_parse(panel.images_file, panel.labels_file, panel.train);
  panel.images_file.clear();
  panel.labels_file.clear();
  if (!status.ok()) {
    panel.message = "MNIST: " + status.error;
    panel.message_error = true;
    return;
  }
  panel.autosave.name = "gan";
  panel.autosave.unit = "iteration";
  panel.autosave.capture = [&panel] { return gan_session_saved_run(panel.session); };
  SavedRun saved;
  std::string problem;
  if (autosave_saved_run(panel.autosave, saved, problem) && problem.empty()) {
    status = build_session(panel, &saved);
    if (status.ok()) autosave_resumed(panel.autosave, saved);
    else problem = status.error;
  }
  if (panel.autosave.resumed_step < 0) status = build_session(panel);
  if (!status.ok()) {
    panel.message = "MNIST: " + status.error;
    panel.message_error = true;
    return;
  }
  if (!problem.empty()) {
    panel.message = "the run saved in " + store_where() + " could not be resumed (" + problem + "); started afresh";
    panel.message_error = true;
  }
  autosave_enable(panel.autosave, panel.worker);
}

void handle_action(GanPanel& panel, TrainingAction action) {
  TrainingHandlers handlers{
      [&panel] { return build_session(panel); },
      [&panel] {
        GanSession& s = panel.session;
        apply_optimizer_controls(panel.controls, s.options.optimizer,
                                 {{&s.g_optim, s.model.g.value.size()}, {&s.d_optim, s.model.d.value.size()}});
      },
      [&panel] { return gan_session_save(panel.session); },
  };
  handle_training_action(action, panel.worker, {kCheckpointPurpose, kCheckpointName}, handlers, panel.controls.seed,
                         panel.message);
  if (action == TrainingAction::Reset || action == TrainingAction::StartFresh) panel.message_error = false;
  if (action == TrainingAction::Reset) autosave_new_model(panel.autosave);
  if (action == TrainingAction::StartFresh) autosave_clear(panel.autosave, panel.worker);
}

void take_checkpoint(GanPanel& panel) {
  OpenedFile file;
  if (!file_take_opened(kCheckpointPurpose, file) && !file_take_opened("drop", file)) return;
  if (!panel.has_session) {
    panel.message = "wait for MNIST to load before loading a checkpoint";
    panel.message_error = true;
    return;
  }
  bool loaded = take_opened_checkpoint(file, panel.worker, [&panel](std::span<const std::uint8_t> bytes) {
    return gan_session_load(panel.session, bytes);
  }, panel.message);
  panel.message_error = !loaded;
  if (loaded) autosave_new_model(panel.autosave);
}

// ---- scoring -----------------------------------------------------------------------------------

constexpr const char* kTestImagesPurpose = "gan-test-images";
constexpr const char* kTestLabelsPurpose = "gan-test-labels";
constexpr int kScoreSamples = 1000;
constexpr double kScorerSliceMs = 40.0;

// One call of the scorer's worker: a slice of LeNet training, then (once) its accuracy and the
// real digits' feature statistics, then a score whenever one is wanted.
Status scorer_step(GanPanel& panel) {
  GanPanel::Scorer& scorer = panel.scorer;
  if (scorer.lenet.iteration < lenet_session_iterations_per_epoch(scorer.lenet))
    return lenet_session_run_for(scorer.lenet, kScorerSliceMs, nullptr);
  if (!scorer.trained) {
    scorer.view.accuracy = lenet_accuracy(scorer.lenet.model, scorer.test);
    scorer.real = lenet_feature_stats(scorer.lenet.model, scorer.test, kScoreSamples);
    scorer.trained = true;
    return Status::success();
  }
  std::vector<float> images(std::size_t(kScoreSamples) * kMnistPixels);
  long iteration = 0;
  panel.worker.with_session([&] {  // holds the GAN between its steps only for the sampling
    Rng rng = rng_seeded(std::uint64_t(panel.session.iteration), 23);
    gan_session_sample(panel.session, rng, kScoreSamples, images.data());
    iteration = panel.session.iteration;
  });
  GanScores scores{};
  Status status = gan_scores(scorer.lenet.model, images.data(), kScoreSamples, scorer.real, scores);
  scorer.score_wanted = false;
  if (!status.ok()) return status;
  scorer.view.scores = scores;
  scorer.view.scored = true;
  scorer.view.scored_at = iteration;
  return Status::success();
}

void scorer_publish(GanPanel::Scorer& scorer) {
  scorer.view.iteration = scorer.lenet.iteration;
  scorer.view.total = lenet_session_iterations_per_epoch(scorer.lenet);
  scorer.view.trained = scorer.trained;
}

void start_scorer(GanPanel& panel) {
  GanPanel::Scorer& scorer = panel.scorer;
  Status status = mnist_parse(scorer.test_images, scorer.test_labels, scorer.test);
  scorer.test_images.clear();
  scorer.test_labels.clear();
  if (status.ok()) status = lenet_session_init(scorer.lenet, LenetConfig{}, panel.train, lenet_default_options());
  if (!status.ok()) {
    panel.message = "scorer: " + status.error;
    scorer.requested = false;
    return;
  }
  scorer.worker.start([&panel] { return scorer_step(panel); }, [&panel] { scorer_publish(panel.scorer); },
                      std::chrono::milliseconds(100));
  scorer.worker.set_finished([&scorer] { return scorer.trained && !scorer.score_wanted; });
  scorer.worker.run();
}

void scorer_section(GanPanel& panel) {
  GanPanel::Scorer& scorer = panel.scorer;
  section("QUALITY");
  if (!scorer.requested) {
    ImGui::TextWrapped("The inception score and the Frechet distance judge digits with a classifier. Train one "
                       "here: LeNet-5, one epoch over the 60,000 training digits, on a thread of its own.");
    if (ImGui::Button("Train the scorer (LeNet-5)")) {
      scorer.requested = true;
      file_fetch(kTestImagesPurpose, "assets/mnist/t10k-images-idx3-ubyte.gz", kDesktopMnist + "/t10k-images-idx3-ubyte");
      file_fetch(kTestLabelsPurpose, "assets/mnist/t10k-labels-idx1-ubyte.gz", kDesktopMnist + "/t10k-labels-idx1-ubyte");
    }
    ui_probe_item("gan.train_scorer");
    return;
  }
  OpenedFile file;
  for (const char* purpose : {kTestImagesPurpose, kTestLabelsPurpose}) {
    if (!file_take_opened(purpose, file)) continue;
    if (!file.error.empty()) panel.message = file.error;
    (purpose == kTestImagesPurpose ? scorer.test_images : scorer.test_labels) = std::move(file.bytes);
  }
  if (scorer.lenet.model.store.value.size() == 0) {
    if (!scorer.test_images.empty() && !scorer.test_labels.empty()) start_scorer(panel);
    else ImGui::TextDisabled("loading the 10,000 test digits...");
    return;
  }
  training_error_banner(scorer.worker, "gan.scorer");
  scorer.worker.with_snapshot([&] {
    const GanPanel::Scorer::View& view = scorer.view;
    if (!view.trained) {
      char label[64];
      std::snprintf(label, sizeof label, "training LeNet-5: %ld of %ld batches", view.iteration, view.total);
      ImGui::ProgressBar(float(view.iteration) / float(std::max(1L, view.total)), ImVec2(360, 0), label);
      return;
    }
    ImGui::Text("scorer: LeNet-5, %.2f%% right on the 10,000 test digits", 100.0 * view.accuracy);
    ui_probe_value("gan.scorer_accuracy", view.accuracy);
    bool busy = scorer.worker.running();
    ImGui::BeginDisabled(busy);
    if (ImGui::Button(busy ? "Scoring..." : "Score 1000 samples")) {
      scorer.worker.with_session([&] { scorer.score_wanted = true; });
      scorer.worker.run();
    }
    ImGui::EndDisabled();
    ui_probe_item("gan.score");
    if (view.scored) {
      ImGui::SameLine();
      ImGui::Text("at iteration %ld: inception score %.2f (10 is best), Frechet distance %.2f (0 is best)", view.scored_at,
                  view.scores.inception_score, view.scores.frechet_distance);
      ui_probe_value("gan.inception_score", view.scores.inception_score);
      ui_probe_value("gan.frechet_distance", view.scores.frechet_distance);
    }
  });
}

void export_grid(GanPanel& panel) {
  std::vector<std::uint8_t> pixels(panel.view.grid.size());
  for (std::size_t i = 0; i < pixels.size(); i++)
    pixels[i] = std::uint8_t(std::lround(std::clamp((panel.view.grid[i] + 1.0f) * 127.5f, 0.0f, 255.0f)));
  std::string where;
  Status status = file_save("gan-grid.png", png_encode_gray(pixels, kGanGridPixels, kGanGridPixels), where);
  panel.message = status.ok() ? "grid " + where : status.error;
}

}  // namespace

void gan_panel(App& app) {
  GanPanel& panel = app.gan;
  ensure_started(panel);
  take_data(panel);
  take_checkpoint(panel);
  panel_header("MNIST GAN",
               "Two networks play a game. The generator turns random noise into images; the "
               "discriminator tells them from real handwritten digits. Each improves against the "
               "other, and the grid below, always drawn from the same noise, turns into digits.");
  ui_probe_value("gan.ready", panel.has_session);
  if (!panel.has_session) {
    float images = 0.0f, labels = 0.0f;
    bool images_loading = file_progress(kImagesPurpose, images);
    bool labels_loading = file_progress(kLabelsPurpose, labels);
    bool loading = images_loading || labels_loading;
    if (loading) {
      ImGui::ProgressBar(images, ImVec2(300, 0), "loading MNIST (60,000 digits)");
      app_animate(app);
    }
    panel_message("gan", panel.message, panel.message_error);
    return;
  }

  TrainingAction action = training_controls("gan", panel.worker, panel.controls, double(panel.session.config.batch), "images", panel.autosave);
  handle_action(panel, action);
  ImGui::SetNextItemWidth(120);
  if (ImGui::SliderInt("k (D steps per G step)", &panel.d_steps, 1, 5))
    panel.worker.with_session([&] { panel.session.config.d_steps = panel.d_steps; });
  ImGui::SameLine();
  if (ImGui::Button("Export grid as PNG")) export_grid(panel);
  ImGui::SameLine();
  if (ImGui::Button("New interpolation")) {
    panel.worker.with_session([&] { draw_endpoints(panel, std::uint64_t(panel.view.iteration) + 1); });
    panel.worker.publish_now();
  }
  if (training_error_banner(panel.worker, "gan", &panel.controls)) handle_action(panel, TrainingAction::OptimizerChanged);
  panel_message("gan", panel.message, panel.message_error);

  panel.worker.with_snapshot([&] {
    GanPanel::View& view = panel.view;
    if (!view.ready) return;
    double grid_sum = 0.0;
    for (float v : view.grid) grid_sum += v;
    ui_probe_value("gan.iteration", double(view.iteration));
    ui_probe_value("gan.grid_sum", grid_sum);
    ui_probe_value("gan.d_loss", view.d_loss.empty() ? NAN : double(view.d_loss.last()));
    ImGui::Text("iteration %ld   epoch %.2f   D loss %.3f   G loss %.3f   D(x) %.2f   D(G(z)) %.2f", view.iteration,
                view.epoch, double(view.d_loss.last()), double(view.g_loss.last()), double(view.d_real.last()),
                double(view.d_fake.last()));
    heatmap_update(panel.grid_map, app.heatmap_renderer, view.grid.data(), kGanGridPixels, kGanGridPixels, -1.0f, 1.0f,
                   HeatmapScale::Grey);
    ImGui::BeginGroup();
    heatmap_image(panel.grid_map, 1.5f);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    float width = ImGui::GetContentRegionAvail().x;
    PlotSeries losses[2] = {
        {"D loss", view.d_loss.steps.data(), view.d_loss.values.data(), int(view.d_loss.values.size()), plot_color(0)},
        {"G loss", view.g_loss.steps.data(), view.g_loss.values.data(), int(view.g_loss.values.size()), plot_color(1)},
    };
    plot_lines("losses", losses, 2, ImVec2(width, 160), "loss");
    PlotSeries outputs[2] = {
        {"D(x)", view.d_real.steps.data(), view.d_real.values.data(), int(view.d_real.values.size()), plot_color(2)},
        {"D(G(z))", view.d_fake.steps.data(), view.d_fake.values.data(), int(view.d_fake.values.size()), plot_color(3)},
    };
    plot_lines("outputs", outputs, 2, ImVec2(width, 160), "discriminator output");
    ImGui::EndGroup();
    section("LATENT INTERPOLATION");
    ImGui::TextDisabled("G along a straight line between two noise vectors");
    heatmap_update(panel.interpolation_map, app.heatmap_renderer, view.interpolation.data(), kMnistSide,
                   kInterpolationSteps * kMnistSide, -1.0f, 1.0f, HeatmapScale::Grey);
    heatmap_image(panel.interpolation_map, 2.0f);
  });
  scorer_section(panel);
}

void gan_panel_shutdown(GanPanel& panel) {
  panel.scorer.worker.stop();  // it samples from the GAN: stops first
  panel.worker.stop();
  heatmap_destroy(panel.grid_map);
  heatmap_destroy(panel.interpolation_map);
}

}  // namespace nn
