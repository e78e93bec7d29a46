"""A small CNN trained on CPU with PyTorch, for bench/colocate.sh: synthetic
32x32 images of 10 classes (fixed seed), a DataLoader with worker
processes, EPOCHS epochs of BATCHES batches; prints one line per epoch
(epoch=E loss=L secs=S) that sweep's keyvalue parser reads.

Threads as upstream PyTorch sizes them: OMP_NUM_THREADS when set, else
every core (Debian's python3-torch build starts 1 intra-op thread on this
machine, upstream builds as many as there are cores; the trainer sets it so
that the benchmark measures what a user's training does on a server).

usage: colocate_cnn.py EPOCHS BATCHES WORKERS"""
import os
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class Synthetic(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(n, 3, 32, 32, generator=g)
        self.y = torch.randint(0, 10, (n,), generator=g)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        # a little work per sample, as decoding and augmenting images is
        x = self.x[i]
        if i % 2:
            x = torch.flip(x, dims=[2])
        return x + 0.01 * torch.randn_like(x), self.y[i]


def main():
    epochs, batches, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count()))
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    data = DataLoader(Synthetic(batches * 64), batch_size=64, shuffle=True,
                      num_workers=workers, persistent_workers=workers > 0)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        total = 0.0
        for x, y in data:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch={epoch} loss={total / batches:.4f} secs={time.time() - t0:.2f}",
              flush=True)


if __name__ == "__main__":
    main()
