#!/usr/bin/python3
"""Side-by-side benchmark: the demos' workloads in nnlab, PyTorch and TensorFlow.js, on this machine.

Every workload runs in every runner that exists here, each run a separate process timed by itself
(training steps only, after untimed warm-up steps); the runs go in rounds of every runner, and each
runner's median is kept. Peak memory is each process's maximum resident set size (GNU time). Prints
a table, the ratios, which speed goals were reached, and writes JSON.

    bench/run.sh                       (installs the peers, builds nnlab, then runs this)
    bench/run.py [--repeats 3] [--only W2A,W3A] [--runners nnlab-native-1t,pytorch-1t] [--quick]

Runners: nnlab-native-1t/2t, nnlab-wasm-1t/2t (node), pytorch-1t/2t, tfjs-wasm and tfjs-cpu (node,
one thread), and in a page of headless Chromium (bench/browser/) nnlab-browser-1t/2t and
tfjs-browser-1t/2t, which are compared with each other only.

Workloads (the same definitions in every runner):
  W1   next-word LSTM: six sentences, LSTM 5, Adam 0.01, 500 full-batch epochs
  W2A  char-RNN: LSTM 1x128, one-hot input, seq 64, batch 32, Adam 2e-3, clip 5
  W2B  char-RNN: GRU 2x128, seq 100, batch 32
  W3A  MNIST GAN: MLPs 100-256-512-784 / 784-512-256-1, LeakyReLU, batch 64, Adam 2e-4
  W3B  the textbook GAN: 30-100-150-784 / 784-150-100-1, SELU, sigmoid, batch 32, RMSprop 1e-3
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("NNLAB_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nnlab")  # as scripts/env.sh
OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
# Untimed steps before the timed ones, the same for every runner of a workload. A next-word epoch
# takes microseconds, and V8 recompiles a wasm function with its optimizing tier only after the
# function has run a while: in nnlab's wasm build that takes about 5000 epochs (measured 250 epochs
# at a time: 11 us per epoch at first, 5.6 from then on), so W1 warms up 5000 epochs, everywhere.
WARMUP = {"W1": 5000, "W2A": 5, "W2B": 5, "W3A": 5, "W3B": 5}
# TF.js's cpu backend is plain JavaScript with nothing to compile or tune on first use, and a
# char-RNN step takes it seconds: one warm-up step is enough there.
WARMUP_FOR = {"tfjs-cpu": {"W2A": 1, "W2B": 1, "W3A": 1, "W3B": 1}}


def warmup_steps(workload, family):
    return WARMUP_FOR.get(family, {}).get(workload, WARMUP[workload])

# name -> (description, what a step is, the JSON key that measures it, per-step units)
WORKLOADS = {
    "W1": ("next-word LSTM, 500 epochs", "epoch", "train_ms", 1),
    "W2A": ("char-RNN LSTM 1x128, seq 64, batch 32", "step", "chars_per_s", 64 * 32),
    "W2B": ("char-RNN GRU 2x128, seq 100, batch 32", "step", "chars_per_s", 100 * 32),
    "W3A": ("MNIST GAN, MLP LeakyReLU, batch 64, Adam", "iteration", "iters_per_s", 1),
    "W3B": ("textbook GAN, SELU, batch 32, RMSprop", "iteration", "iters_per_s", 1),
}

# Steps per run: long enough to time (a second or more), short enough to repeat.
STEPS = {  # runner family -> workload -> steps (W1 is always 500 epochs)
    "nnlab-native": {"W2A": 150, "W2B": 60, "W3A": 400, "W3B": 1000},
    "nnlab-wasm": {"W2A": 80, "W2B": 30, "W3A": 200, "W3B": 500},
    "pytorch": {"W2A": 60, "W2B": 25, "W3A": 200, "W3B": 400},
    "tfjs-wasm": {"W2A": 15, "W2B": 6, "W3A": 60, "W3B": 150},
    "tfjs-cpu": {"W2A": 4, "W2B": 2, "W3A": 20, "W3B": 50},
}
STEPS["nnlab-browser"] = STEPS["nnlab-wasm"]
STEPS["tfjs-browser"] = STEPS["tfjs-wasm"]
# Runners whose programs run in a page of Chromium (bench/browser/): the wasm builds of both as a
# person's browser runs them, and there TensorFlow.js's wasm backend can start threads. They are
# compared only with each other, and their memory is not measured (the page's is not one process's).
BROWSER_FAMILIES = ("nnlab-browser", "tfjs-browser")


def steps_for(family, workload, quick):
    steps = STEPS[family].get(workload, 0)
    return max(2, steps // 3) if quick else steps


def nnlab_args(workload, steps):
    common = ["--warmup", str(warmup_steps(workload, "nnlab")), "--json"]
    return {
        "W1": ["nextword", "--epochs", "500"] + common,
        "W2A": ["charrnn", "--steps", str(steps), "--sample", "0"] + common,
        "W2B": ["charrnn", "--steps", str(steps), "--cell", "gru", "--layers", "2", "--seq", "100",
                "--sample", "0"] + common,
        "W3A": ["gan", "--iters", str(steps), "--no-scores"] + common,
        "W3B": ["gan", "--model", "textbook", "--iters", str(steps), "--no-scores"] + common,
    }[workload]


def peer_args(workload, steps, family):
    common = ["--warmup", str(warmup_steps(workload, family))]
    return {
        "W1": ("nextword", ["--epochs", "500"] + common),
        "W2A": ("charrnn", ["--steps", str(steps)] + common),
        "W2B": ("charrnn", ["--steps", str(steps), "--cell", "gru", "--layers", "2", "--seq", "100"] + common),
        "W3A": ("gan", ["--iters", str(steps)] + common),
        "W3B": ("gan", ["--model", "textbook", "--iters", str(steps)] + common),
    }[workload]


def peer_command(family, workload, steps, head):
    """A peer's command: head(script name) (the interpreter and the script's path), then its options."""
    script, options = peer_args(workload, steps, family)
    return head(script) + options


def cpu_has_avx512():
    """The AVX-512 subsets OpenBLAS's SkylakeX kernels need."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return all(f in flags for f in ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"))


def runners(node_modules_ok):
    """Every runner: name -> (family, threads, command builder, environment, why it is missing or None)."""
    native = os.path.join(ROOT, "build/native/nnlab")
    wasm = os.path.join(ROOT, "build/wasm/nnlab.js")
    torch_ok = subprocess.run(["/usr/bin/python3", "-c", "import torch"], capture_output=True).returncode == 0
    have_openblas = os.path.exists(os.path.join(OPENBLAS_DIR, "libblas.so.3"))
    out = {}
    for threads in (1, 2):
        out[f"nnlab-native-{threads}t"] = (
            "nnlab-native", threads,
            lambda w, s, t=threads: [native] + nnlab_args(w, s) + ["--threads", str(t)], {},
            None if os.access(native, os.X_OK) else f"{native} not built")
    for threads in (1, 2):
        out[f"nnlab-wasm-{threads}t"] = (
            "nnlab-wasm", threads,
            lambda w, s, t=threads: ["node", "--no-experimental-fetch", wasm] + nnlab_args(w, s) + ["--threads", str(t)],
            {}, None if os.path.exists(wasm) else f"{wasm} not built")
    for threads in (1, 2):
        # Debian's torch links the reference BLAS unless told otherwise: OpenBLAS is the fair peer.
        # torch's intra-op pool gets the threads, OpenBLAS's pool one: with two threads in each,
        # the pools spin against each other on two cores (AMD EPYC, 2 threads: the char-RNN LSTM
        # 107 ms a step, 30 with OpenBLAS on one thread; its 1-thread time is 29).
        env = {"LD_LIBRARY_PATH": OPENBLAS_DIR, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": str(threads)}
        if cpu_has_avx512():
            # OpenBLAS 0.3.21 does not know CPUs newer than itself (Zen 5 gets its AVX2 Haswell
            # kernels); nnlab uses AVX-512 there, so PyTorch gets OpenBLAS's AVX-512 kernels too.
            env["OPENBLAS_CORETYPE"] = "SkylakeX"
        missing = None if torch_ok else "python3-torch is not installed"
        if torch_ok and not have_openblas:
            missing = "libopenblas0-pthread is not installed (PyTorch would run on the reference BLAS)"
        out[f"pytorch-{threads}t"] = (
            "pytorch", threads,
            lambda w, s, t=threads: peer_command(
                "pytorch", w, s, lambda script: ["/usr/bin/python3", os.path.join(ROOT, "bench/peers", script + ".py")])
            + ["--threads", str(t)],
            env, missing)
    for backend in ("wasm", "cpu"):
        out[f"tfjs-{backend}"] = (
            f"tfjs-{backend}", 1,
            lambda w, s, b=backend: peer_command(
                f"tfjs-{b}", w, s, lambda script: ["node", os.path.join(ROOT, "bench/peers/tfjs", script + ".mjs")])
            + ["--backend", b],
            {}, None if node_modules_ok else "TensorFlow.js is not installed (bench/peers/tfjs/install.sh)")
    browser = os.path.join(ROOT, "bench/browser/run.mjs")
    modules = os.environ.get("NNLAB_NODE_MODULES", os.path.join(CACHE, "node/node_modules"))
    no_browser = None if os.access("/usr/bin/chromium", os.X_OK) else "Chromium is not installed (scripts/setup.sh)"
    if not no_browser and not os.path.isdir(os.path.join(modules, "playwright-core")):
        no_browser = f"playwright-core is not installed in {modules} (scripts/setup.sh)"
    web_build = os.path.join(ROOT, "build/wasm/bench-web/nnlab.js")
    for threads in (1, 2):
        out[f"nnlab-browser-{threads}t"] = (
            "nnlab-browser", threads,
            lambda w, s, t=threads: ["node", browser, "nnlab"] + nnlab_args(w, s) + ["--threads", str(t)], {},
            no_browser or (None if os.path.exists(web_build) else f"{web_build} not built"))
        out[f"tfjs-browser-{threads}t"] = (
            "tfjs-browser", threads,
            lambda w, s, t=threads: peer_command("tfjs-browser", w, s, lambda script: ["node", browser, "tfjs", script])
            + ["--backend", "wasm", "--threads", str(t)], {},
            no_browser or (None if node_modules_ok else "TensorFlow.js is not installed (bench/peers/tfjs/install.sh)"))
    return out


def run_once(command, env, timeout):
    """Runs one benchmark process; returns (its last JSON line, peak RSS in MB) or raises."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        # The GANs' MNIST, where scripts/setup.sh puts it, also when run.py runs without run.sh.
        # The runner's own settings win over the environment's (which may set OPENBLAS_CORETYPE
        # too); the rest of it is passed on, the machine's OpenBLAS settings included: PyTorch on
        # the MNIST GAN ran 50.4, 45.5 and 45.7 iterations/s with an AMD EPYC's OPENBLAS_L2_SIZE=512
        # and 38.7, 48.5 and 33.1 without, so the peer keeps them.
        full_env = {"NNLAB_MNIST_DIR": os.path.join(CACHE, "mnist"), **os.environ, **env}
        started = time.monotonic()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + command, capture_output=True,
                              text=True, env=full_env, timeout=timeout, cwd=ROOT)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"exit {proc.returncode}: {' | '.join(tail)}")
        lines = [l for l in proc.stdout.strip().splitlines() if l.startswith("{")]
        if not lines:
            raise RuntimeError("no JSON line on stdout")
        peak_kb = int(open(rss.name).read().strip().splitlines()[-1])
        return json.loads(lines[-1]), peak_kb / 1024.0, time.monotonic() - started


def megabytes(value):
    return "-" if value is None else f"{value:.1f}"


def step_ms(workload, result):
    """Milliseconds per step (epoch, iteration) from a runner's JSON."""
    _, _, key, units = WORKLOADS[workload]
    value = result.get(key)
    if value is None or value <= 0:
        raise RuntimeError(f"no '{key}' in {result}")
    if key == "train_ms":
        return value / result.get("epochs", 500)
    return 1000.0 * units / value


# The speed goals the lab holds itself to (issue 6), checked against one run's figures: (what,
# workloads, the ratio's label or a function of the workload's rows, the least it may be).
GOALS = [
    ("native vs PyTorch+OpenBLAS, 1 thread", ["W1"], "nnlab-native-1t vs pytorch-1t", 100),
    ("native vs PyTorch+OpenBLAS, 2 threads", ["W1"], "nnlab-native-2t vs pytorch-2t", 100),
    ("native vs PyTorch+OpenBLAS, 1 thread", ["W2A", "W2B", "W3A", "W3B"], "nnlab-native-1t vs pytorch-1t", 3),
    ("native vs PyTorch+OpenBLAS, 2 threads", ["W2A", "W2B", "W3A", "W3B"], "nnlab-native-2t vs pytorch-2t", 3),
    ("wasm vs TF.js wasm (SIMD, 1 thread), 1 thread", ["W1"], "nnlab-wasm-1t vs tfjs-wasm", 100),
    ("wasm vs TF.js wasm (SIMD, 1 thread), 1 thread", ["W2A", "W2B", "W3A", "W3B"], "nnlab-wasm-1t vs tfjs-wasm", 10),
    # TensorFlow.js's wasm backend cannot start threads under node (bench/peers/tfjs/common.mjs):
    # its one thread against nnlab's two is the most each runs there, reported beside the above.
    ("wasm 2 threads vs TF.js wasm (1 under node)", ["W2A", "W2B", "W3A", "W3B"],
     "nnlab-wasm-2t vs tfjs-wasm", 10),
    # The same programs in a page of Chromium (bench/browser/), where TensorFlow.js's wasm backend
    # runs its threaded SIMD build: each on the same number of threads.
    ("in Chromium: wasm vs TF.js wasm (SIMD), 1 thread each", ["W1"], "nnlab-browser-1t vs tfjs-browser-1t", 100),
    ("in Chromium: wasm vs TF.js wasm (SIMD), 1 thread each", ["W2A", "W2B", "W3A", "W3B"],
     "nnlab-browser-1t vs tfjs-browser-1t", 10),
    ("in Chromium: wasm vs TF.js wasm (SIMD), 2 threads each", ["W2A", "W2B", "W3A", "W3B"],
     "nnlab-browser-2t vs tfjs-browser-2t", 10),
    ("wasm 1 thread / native 1 thread", ["W2A", "W2B", "W3A", "W3B"], "wasm/native 1t", 0.6),
    ("native 2 threads / 1 thread", ["W2B", "W3A", "W3B"], "native 2t/1t", 1.6),
    ("PyTorch's peak memory / nnlab native's, 1 thread", ["W1", "W2A", "W2B", "W3A", "W3B"],
     lambda rows: rows["pytorch-1t"]["peak_rss_mb"] / rows["nnlab-native-1t"]["peak_rss_mb"], 2),
]


def check_goals(report):
    """Each goal's figure per workload, and whether it was reached; missing runners give None."""
    checked = []
    for what, workloads, figure, least in GOALS:
        for workload in workloads:
            entry = report["workloads"].get(workload)
            if entry is None:
                continue
            try:
                value = figure(entry["rows"]) if callable(figure) else entry["ratios"][figure]
            except (KeyError, ZeroDivisionError):
                value = None
            checked.append({"goal": what, "workload": workload, "value": value, "at_least": least,
                            "reached": value is not None and value >= least})
    return checked


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions():
    """The engines the runs depend on, for reading a result file later: node (nnlab's wasm and
    TensorFlow.js under node), Chromium (both in the page), PyTorch."""
    def first_line(command):
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=60)
            return run.stdout.strip().splitlines()[0] if run.returncode == 0 and run.stdout.strip() else None
        except (OSError, subprocess.TimeoutExpired):
            return None
    return {"node": first_line(["node", "--version"]),
            "chromium": first_line(["/usr/bin/chromium", "--headless", "--version"]),
            "torch": first_line(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", help="comma-separated workloads (default: all)")
    parser.add_argument("--runners", help="comma-separated runners (default: all)")
    parser.add_argument("--quick", action="store_true", help="one run each, a third of the steps (a smoke test)")
    parser.add_argument("--out", help="the JSON file (default: build/bench/results.json for a full run, "
                        "build/bench/results-partial.json for a subset or --quick, so as not to replace a full run's)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    if args.out is None:
        full = not (args.only or args.runners or args.quick)
        args.out = os.path.join(ROOT, "build/bench", "results.json" if full else "results-partial.json")
    workloads = args.only.split(",") if args.only else list(WORKLOADS)
    tfjs_ok = os.path.isdir(os.path.join(CACHE, "bench-node/node_modules/@tensorflow/tfjs-backend-wasm"))
    all_runners = runners(tfjs_ok)
    chosen = args.runners.split(",") if args.runners else list(all_runners)
    for name in chosen + workloads:
        if name not in all_runners and name not in WORKLOADS:
            sys.exit(f"unknown runner or workload '{name}' (runners: {', '.join(all_runners)})")

    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "kernel": platform.release(), "versions": versions()}
    print(f"machine: {machine['cpu']}, {machine['cores']} cores; median of {repeats} run(s), "
          f"untimed warm-up steps in every run: {WARMUP} (but {WARMUP_FOR})",
          flush=True)
    print("engines: " + ", ".join(f"{k} {v or 'not found'}" for k, v in machine["versions"].items()), flush=True)
    # Settings of the machine's own that every runner inherits (the PyTorch runners override
    # OPENBLAS_NUM_THREADS, and OPENBLAS_CORETYPE on AVX-512 CPUs).
    machine["openblas_env"] = {k: v for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS_")}
    if machine["openblas_env"]:
        print(f"the machine's OpenBLAS settings: {machine['openblas_env']}", flush=True)
    results = {}
    for workload in workloads:
        runnable = []
        for name in chosen:
            missing = all_runners[name][4]
            if missing:
                results[f"{workload}/{name}"] = {"skipped": missing}
                print(f"  {workload + '/' + name:24s} skipped: {missing}", flush=True)
            else:
                runnable.append(name)
        # Rounds, each running every runner once in a rotated order: a slow spell of a noisy
        # machine (a neighbour on the host, a core that is slower for a while) then lands on every
        # runner's samples rather than on all of one runner's.
        samples = {name: [] for name in runnable}
        peaks = {name: [] for name in runnable}
        last, failed = {}, {}
        for round_index in range(repeats):
            turn = round_index % max(1, len(runnable))
            for name in runnable[turn:] + runnable[:turn]:
                if name in failed:
                    continue
                family, _, build, env, _ = all_runners[name]
                try:
                    last[name], peak, _ = run_once(build(workload, steps_for(family, workload, args.quick)), env,
                                                   args.timeout)
                    samples[name].append(step_ms(workload, last[name]))
                    peaks[name].append(peak)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    failed[name] = str(error)
        for name in runnable:
            key = f"{workload}/{name}"
            if name in failed:
                results[key] = {"failed": failed[name]}
                print(f"  {key:24s} FAILED: {failed[name]}", flush=True)
                continue
            family, threads, _, _, _ = all_runners[name]
            ms = statistics.median(samples[name])
            in_browser = family in BROWSER_FAMILIES
            entry = {"ms_per_step": ms, "steps_per_s": 1000.0 / ms, "runs_ms_per_step": samples[name],
                     "peak_rss_mb": None if in_browser else statistics.median(peaks[name]), "threads": threads,
                     "steps": steps_for(family, workload, args.quick)}
            if WORKLOADS[workload][2] == "chars_per_s":
                entry["chars_per_s"] = WORKLOADS[workload][3] * 1000.0 / ms
            for extra in ("simd", "backend", "blas", "torch"):
                if extra in last[name]:
                    entry[extra] = last[name][extra]
            results[key] = entry
            print(f"  {key:24s} {ms:10.3f} ms/{WORKLOADS[workload][1]}  {megabytes(entry['peak_rss_mb']):>7s} MB", flush=True)

    report = {"machine": machine, "repeats": repeats, "warmup": WARMUP, "warmup_for": WARMUP_FOR, "workloads": {}, "results": results}
    print()
    for workload in workloads:
        description, unit, _, _ = WORKLOADS[workload]
        rows = {n: results.get(f"{workload}/{n}", {}) for n in chosen}
        timed = {n: r for n, r in rows.items() if "ms_per_step" in r}
        ratios = {}
        # Speed-up of each nnlab runner over each peer: the peer's time over ours. The browser's
        # runners against each other only.
        in_browser = lambda n: all_runners[n][0] in BROWSER_FAMILIES
        for ours in (n for n in timed if n.startswith("nnlab")):
            for peer in (n for n in timed if not n.startswith("nnlab") and in_browser(n) == in_browser(ours)):
                ratios[f"{ours} vs {peer}"] = timed[peer]["ms_per_step"] / timed[ours]["ms_per_step"]
        for t in (1, 2):
            native, wasm = timed.get(f"nnlab-native-{t}t"), timed.get(f"nnlab-wasm-{t}t")
            if native and wasm:
                ratios[f"wasm/native {t}t"] = native["ms_per_step"] / wasm["ms_per_step"]
        native1, native2 = timed.get("nnlab-native-1t"), timed.get("nnlab-native-2t")
        if native1 and native2:
            ratios["native 2t/1t"] = native1["ms_per_step"] / native2["ms_per_step"]
        report["workloads"][workload] = {"description": description, "ratios": ratios,
                                         "rows": {n: r for n, r in timed.items()}}
        print(f"{workload}: {description}")
        # The runs' spread beside their median: on a shared machine it is often tens of percent.
        print(f"  {'runner':18s} {'ms/' + unit:>14s} {unit + 's/s':>14s} {'peak MB':>9s}   runs (ms/{unit}, fastest-slowest)")
        for name, r in rows.items():
            if "ms_per_step" in r:
                runs = r["runs_ms_per_step"]
                print(f"  {name:18s} {r['ms_per_step']:14.3f} {r['steps_per_s']:14.1f} {megabytes(r['peak_rss_mb']):>9s}   "
                      f"{min(runs):.4g}-{max(runs):.4g}")
            else:
                print(f"  {name:18s} {r.get('skipped') or r.get('failed', 'not run')}")
        for label, ratio in ratios.items():
            print(f"  {label:38s} {ratio:8.2f}x")
        print()
    report["goals"] = check_goals(report)
    print("goals (one run on this machine; every one reported, reached or not)")
    for g in report["goals"]:
        value = "not measured" if g["value"] is None else f"{g['value']:8.2f}x"
        verdict = "" if g["value"] is None else "reached" if g["reached"] else "NOT reached"
        print(f"  {g['workload']:4s} {g['goal']:50s} {value:>12s}  (>= {g['at_least']}x) {verdict}")
    print("  (GEMM against the FMA peak: `nnlab bench`; the page's first frame, size and frame rate: the"
          " browser test, tests/e2e/)")
    print()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print(f"written: {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
