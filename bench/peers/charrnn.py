#!/usr/bin/python3
"""The char-RNN demo in PyTorch, set up exactly as `nnlab charrnn`, to compare speed and quality.

One-hot characters into nn.LSTM (or GRU/RNN), nn.Linear to the vocabulary, cross-entropy; batches
of random windows starting from a zero state, Adam, global gradient-norm clipping at 5; first 90%
of the text for training, validation on 200 windows of the last 10%. The window positions come
from the same PCG32 streams as nnlab's (src/core/rng.cpp), so both train and validate on the very
same text; only the initial weights differ.

Run with Debian's /usr/bin/python3 (python3-torch 1.13, CPU). Prints one JSON line.
"""
import argparse
import json
import math
import os
import time

from blas import loaded_blas  # bench/peers/blas.py; before torch, see there
import torch
import torch.nn.functional as F

MASK64 = (1 << 64) - 1
TRAIN_FRACTION = 0.9
CLIP_NORM = 5.0
VALIDATION_WINDOWS = 200
VALIDATION_SEED = 0x76616C6964  # "valid", as in src/train/charrnn_session.cpp


class Pcg32:
    """nn::Rng: pcg32_srandom_r and rejection sampling below n."""

    def __init__(self, seed, stream=0):
        self.state, self.inc = 0, ((stream << 1) | 1) & MASK64
        self.u32()
        self.state = (self.state + seed) & MASK64
        self.u32()

    def u32(self):
        old = self.state
        self.state = (old * 6364136223846793005 + self.inc) & MASK64
        xorshifted = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & 0xFFFFFFFF

    def below(self, n):
        threshold = ((1 << 32) - n) % n
        while True:
            r = self.u32()
            if r >= threshold:
                return r % n


class CharRnn(torch.nn.Module):
    def __init__(self, cell, vocab, hidden, layers):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.vocab = vocab
        self.rnn = rnn(vocab, hidden, layers)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, inputs, targets):  # (T, B) each
        h, _ = self.rnn(F.one_hot(inputs, self.vocab).float())
        logits = self.head(h)
        return F.cross_entropy(logits.reshape(-1, self.vocab), targets.reshape(-1))


def windows(tokens, starts, seq):
    """Inputs and targets (T, B) for windows of seq + 1 tokens at `starts`."""
    idx = torch.tensor(starts).unsqueeze(0) + torch.arange(seq + 1).unsqueeze(1)
    w = tokens[idx]
    return w[:-1], w[1:]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=os.environ.get("NNLAB_SHAKESPEARE",
                                                      "../shared/data/tinyshakespeare.txt"))
    p.add_argument("--steps", type=int, default=2000, help="timed training steps")
    p.add_argument("--warmup", type=int, default=0,
                   help="untimed steps first (the first calls allocate and pick kernels), as nnlab --warmup")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    with open(a.corpus, encoding="utf-8") as f:
        text = f.read()
    vocabulary = sorted(set(text))
    index = {c: i for i, c in enumerate(vocabulary)}
    tokens = torch.tensor([index[c] for c in text], dtype=torch.long)
    train_size = int(len(tokens) * TRAIN_FRACTION)
    T, B = a.seq, a.batch

    model = CharRnn(a.cell, len(vocabulary), a.hidden, a.layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    train_seconds, losses = 0.0, []
    for step in range(a.warmup + a.steps):
        rng = Pcg32(a.seed, 1 + step)
        inputs, targets = windows(tokens, [rng.below(train_size - T) for _ in range(B)], T)
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(inputs, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
        optimizer.step()
        if step >= a.warmup:
            train_seconds += time.perf_counter() - start
        losses.append(loss.item())

    validation = len(tokens) - train_size
    rng = Pcg32(VALIDATION_SEED)
    starts = [train_size + rng.below(validation - T) for _ in range(VALIDATION_WINDOWS)]
    with torch.no_grad():
        nats = sum(model(*windows(tokens, starts[i:i + B], T)).item() * len(starts[i:i + B])
                   for i in range(0, VALIDATION_WINDOWS, B))
    timed_steps = a.steps
    recent = losses[-100:]
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__,
        "blas": loaded_blas(),
        "cell": a.cell, "layers": a.layers, "hidden": a.hidden, "seq": T, "batch": B,
        "threads": a.threads, "seed": a.seed, "warmup": a.warmup, "steps": a.steps,
        "train_ms": train_seconds * 1e3,
        "chars_per_s": timed_steps * B * T / train_seconds if train_seconds > 0 else 0.0,
        "train_bpc": sum(recent) / len(recent) / math.log(2) if recent else None,
        "val_bpc": nats / VALIDATION_WINDOWS / math.log(2),
    }))


if __name__ == "__main__":
    main()
