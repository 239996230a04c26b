#!/usr/bin/python3
"""The next-word LSTM in PyTorch: the peer of `nnlab nextword --json` for the benchmarks.

The same setup: the six sentences over their sorted nine-word vocabulary, one-hot inputs laid
out (T=2, B=6, V=9), nn.LSTM(9, 5) and nn.Linear(5, 9) with PyTorch's default initialization,
mean softmax cross-entropy, full-batch epochs, and torch.optim with nnlab's hyper-parameters
(Adam lr 0.01 by default). Only the training loop is timed, as nnlab times it; `--warmup N`
trains N epochs before the timed ones, as `nnlab nextword --warmup N` does.

Run with Debian's Python and torch: /usr/bin/python3 bench/peers/nextword.py --threads 1
"""
import argparse
import json
import time

from blas import loaded_blas  # bench/peers/blas.py; before torch, see there
import torch
from torch import nn

SENTENCES = ["i like dog", "i love coffee", "i hate milk",
             "you like cat", "you love milk", "you hate coffee"]


class NextWord(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.lstm = nn.LSTM(vocab, hidden)  # time-major (T, B, V), as nnlab lays it out
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(h_n[-1])


def make_batch():
    words = [s.split() for s in SENTENCES]
    vocab = sorted({w for ws in words for w in ws})
    index = {w: i for i, w in enumerate(vocab)}
    x = torch.zeros(2, len(SENTENCES), len(vocab))
    for b, ws in enumerate(words):
        for t in range(2):
            x[t, b, index[ws[t]]] = 1.0
    targets = torch.tensor([index[ws[2]] for ws in words])
    return vocab, x, targets


def make_optimizer(name, params, lr):
    # nnlab's OptimizerConfig defaults: momentum 0.9, RMSprop alpha 0.99, eps 1e-8, Adam betas
    # (0.9, 0.999); torch.optim's own defaults where they agree.
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--optimizer", default="adam",
                        choices=["sgd", "momentum", "nesterov", "rmsprop", "adam"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=0, help="untimed epochs before the timed ones")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    vocab, x, targets = make_batch()
    model = NextWord(len(vocab), 5)
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        optimizer.zero_grad()
        loss = loss_fn(model(x), targets)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        epoch()
    start = time.perf_counter()
    for _ in range(args.epochs):
        loss = epoch()
    train_ms = (time.perf_counter() - start) * 1e3

    with torch.no_grad():
        predicted = model(x).argmax(dim=1)
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "blas": loaded_blas(), "command": "nextword",
        "epochs": args.epochs, "warmup": args.warmup, "seed": args.seed, "optimizer": args.optimizer, "lr": args.lr,
        "threads": torch.get_num_threads(),
        "loss": loss.item(), "train_ms": train_ms,
        "predictions": [vocab[i] for i in predicted.tolist()],
        "correct": int((predicted == targets).sum()),
    }))


if __name__ == "__main__":
    main()
