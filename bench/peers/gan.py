#!/usr/bin/python3
"""The MNIST GANs of `nnlab gan --model default|textbook` in PyTorch (Debian's python3-torch 1.13,
CPU), for comparison.

Same data (the raw idx files), same networks (MLPs with PyTorch's default init), same losses (BCE
with logits on D's pre-sigmoid output, non-saturating G loss), same optimizer, k discriminator
steps per generator step on fresh noise (Algorithm 1), and the same arithmetic shortcuts nnlab
takes: D sees real and generated images as one batch, and the generator step does not compute
D's weight gradients. The two models:

    default   G z 100 -> 256 -> 512 -> 784 tanh, D 784 -> 512 -> 256 -> 1, LeakyReLU(0.2),
              pixels in [-1, 1], Adam 2e-4 betas 0.5 / 0.999, batch 64
    textbook  G z 30 -> 100 -> 150 -> 784 sigmoid, D 784 -> 150 -> 100 -> 1, SELU,
              pixels in [0, 1], RMSprop 1e-3 (alpha 0.99, eps 1e-8), batch 32

    /usr/bin/python3 bench/peers/gan.py --data $NNLAB_MNIST_DIR --epochs 3 \\
        --export-samples 1000 build/peer-samples.idx3
    build/native/nnlab gan --score-samples build/peer-samples.idx3 --json

Prints one JSON line: model, iters_per_s (training iterations only), d_loss, g_loss, d_real,
d_fake (means over the last 100 iterations), iterations, train_ms.
"""
import argparse
import json
import os
import struct
import time

from blas import loaded_blas  # bench/peers/blas.py; before numpy and torch, see there
import numpy as np
import torch
from torch import nn


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=("default", "textbook"), default="default")
    parser.add_argument("--data", default=os.environ.get("NNLAB_MNIST_DIR"), help="folder of the MNIST idx files")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--iters", type=int, help="iterations to train for, instead of --epochs")
    parser.add_argument("--k", type=int, default=1, help="discriminator steps per generator step")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=0, help="untimed iterations before the timed ones")
    parser.add_argument("--export-samples", nargs=2, metavar=("N", "FILE"))
    args = parser.parse_args()
    if not args.data:
        raise SystemExit("no MNIST folder: pass --data DIR or set NNLAB_MNIST_DIR")
    return args


ARGS = parse_args()

LOSS_WINDOW = 100  # losses are reported as means over the last iterations, as nnlab does


def read_idx_images(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 0x803 or rows != 28 or cols != 28:
        raise SystemExit(f"{path}: not an idx3 file of 28x28 images")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)


def write_idx_images(path, images):
    """images: (N, 784) uint8."""
    with open(path, "wb") as f:
        f.write(struct.pack(">IIII", 0x803, len(images), 28, 28))
        f.write(images.tobytes())


def mlp(sizes, act, out_act):
    return nn.Sequential(
        nn.Linear(sizes[0], sizes[1]), act(),
        nn.Linear(sizes[1], sizes[2]), act(),
        nn.Linear(sizes[2], sizes[3]), *out_act)


def make_model(name):
    """G, D, their two optimizers, z's size, the batch and the pixel range (lo, hi)."""
    if name == "textbook":
        G = mlp([30, 100, 150, 784], nn.SELU, [nn.Sigmoid()])
        D = mlp([784, 150, 100, 1], nn.SELU, [])  # its sigmoid is inside BCEWithLogitsLoss
        opts = [torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.99, eps=1e-8) for net in (G, D)]
        return G, D, opts, 30, 32, (0.0, 1.0)
    G = mlp([100, 256, 512, 784], lambda: nn.LeakyReLU(0.2), [nn.Tanh()])
    D = mlp([784, 512, 256, 1], lambda: nn.LeakyReLU(0.2), [])
    opts = [torch.optim.Adam(net.parameters(), lr=2e-4, betas=(0.5, 0.999)) for net in (G, D)]
    return G, D, opts, 100, 64, (-1.0, 1.0)


def main():
    args = ARGS
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    G, D, (opt_g, opt_d), z_dim, batch, (lo, hi) = make_model(args.model)
    pixels = read_idx_images(os.path.join(args.data, "train-images-idx3-ubyte"))
    train = torch.from_numpy(pixels.astype(np.float32) * np.float32((hi - lo) / 255.0) + np.float32(lo))
    bce = nn.BCEWithLogitsLoss()
    targets = torch.cat([torch.ones(batch, 1), torch.zeros(batch, 1)])
    ones = torch.ones(batch, 1)

    batches_per_epoch = len(train) // batch
    total = args.iters if args.iters is not None else args.epochs * (batches_per_epoch // args.k)
    order, cursor = torch.randperm(len(train)), 0
    history = {"d_loss": [], "g_loss": [], "d_real": [], "d_fake": []}

    start = time.perf_counter()
    for iteration in range(args.warmup + total):
        if iteration == args.warmup:
            start = time.perf_counter()
        for _ in range(args.k):
            if cursor + batch > len(train):
                order, cursor = torch.randperm(len(train)), 0
            real = train[order[cursor:cursor + batch]]
            cursor += batch
            with torch.no_grad():
                fake = G(torch.randn(batch, z_dim))
            logits = D(torch.cat([real, fake]))
            # The mean over 2B rows is half the sum of the two means.
            d_loss = 2.0 * bce(logits, targets)
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
        D.requires_grad_(False)  # G's step differentiates through D, not D's weights
        fake_logits = D(G(torch.randn(batch, z_dim)))
        g_loss = bce(fake_logits, ones)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        D.requires_grad_(True)
        probs = torch.sigmoid(logits.detach())
        history["d_loss"].append(d_loss.item())
        history["g_loss"].append(g_loss.item())
        history["d_real"].append(probs[:batch].mean().item())
        history["d_fake"].append(probs[batch:].mean().item())
    seconds = time.perf_counter() - start

    if args.export_samples:
        count, path = int(args.export_samples[0]), args.export_samples[1]
        with torch.no_grad():
            images = G(torch.randn(count, z_dim))
        scaled = (images - lo) * (255.0 / (hi - lo))
        write_idx_images(path, torch.round(scaled).clamp(0, 255).to(torch.uint8).numpy())

    result = {"peer": "pytorch", "model": args.model, "torch": torch.__version__, "blas": loaded_blas(),
              "threads": args.threads, "iterations": total, "warmup": args.warmup, "k": args.k, "train_ms": seconds * 1000.0, "iters_per_s": total / seconds if seconds > 0 else None}
    for key, values in history.items():
        window = values[-LOSS_WINDOW:]
        result[key] = sum(window) / len(window) if window else None
    print(json.dumps(result))


if __name__ == "__main__":
    main()
