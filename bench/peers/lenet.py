#!/usr/bin/python3
"""LeNet-5 of `nnlab lenet` in PyTorch (Debian's python3-torch 1.13, CPU), for comparison.

Same data (the raw idx files, pixels normalized with MNIST's mean 0.1307 and std 0.3081), same
network (conv 6@5x5 pad 2, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, fc 120, 84, 10 with
ReLUs, PyTorch's default init), same recipe (Adam 1e-3, batch 64, shuffled, the last epoch at a
tenth of the learning rate).

    /usr/bin/python3 bench/peers/lenet.py --data $NNLAB_MNIST_DIR --epochs 4

Prints one JSON line: test_accuracy, train_ms (training iterations only), iters_per_s.
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
    parser.add_argument("--data", default=os.environ.get("NNLAB_MNIST_DIR"), help="folder of the MNIST idx files")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not args.data:
        raise SystemExit("no MNIST folder: pass --data DIR or set NNLAB_MNIST_DIR")
    return args


ARGS = parse_args()

BATCH = 64
MEAN, STD = 0.1307, 0.3081


def read_idx(path, rank):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != 0x800 + rank:
        raise SystemExit(f"{path}: not an idx{rank} file of bytes")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(split):
    images = read_idx(os.path.join(ARGS.data, f"{split}-images-idx3-ubyte"), 3)
    labels = read_idx(os.path.join(ARGS.data, f"{split}-labels-idx1-ubyte"), 1)
    x = (torch.from_numpy(images.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def main():
    torch.manual_seed(ARGS.seed)
    torch.set_num_threads(ARGS.threads)
    train_x, train_y = load("train")
    test_x, test_y = load("t10k")
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    base_lr = 1e-3
    optimizer = torch.optim.Adam(model.parameters(), lr=base_lr)
    loss_fn = nn.CrossEntropyLoss()

    per_epoch = len(train_x) // BATCH
    iterations = 0
    start = time.perf_counter()
    for epoch in range(ARGS.epochs):
        last_epoch = ARGS.epochs > 1 and epoch == ARGS.epochs - 1
        for group in optimizer.param_groups:
            group["lr"] = base_lr / 10 if last_epoch else base_lr
        order = torch.randperm(len(train_x))
        for b in range(per_epoch):
            index = order[b * BATCH:(b + 1) * BATCH]
            loss = loss_fn(model(train_x[index]), train_y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            iterations += 1
    seconds = time.perf_counter() - start

    with torch.no_grad():
        correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                      for i in range(0, len(test_x), 1000))
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": ARGS.threads,
                      "epochs": ARGS.epochs, "iterations": iterations, "train_ms": seconds * 1000.0,
                      "iters_per_s": iterations / seconds if seconds > 0 else None,
                      "test_accuracy": correct / len(test_x)}))


if __name__ == "__main__":
    main()
