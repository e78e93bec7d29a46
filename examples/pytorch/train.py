#!/usr/bin/python3
"""A small PyTorch trainer for GPU packing (examples/pytorch/sweep.yaml):
a convolutional net on random images, one line per epoch:

    epoch 3/5 loss=1.2345 gpu_mem=0.42G

It honours the memory budget sweep gives it: SWEEP_GPU_MEM_FRACTION goes to
torch.cuda.set_per_process_memory_fraction, so a trial that needs more than
its share fails with CUDA's out-of-memory error (which sweep then requeues
with a larger estimate) instead of crowding the trials beside it. Without a
GPU it runs on the CPU (and gpu_mem is not printed).

Usage: train.py --width N --batch N --lr F --epochs N [--steps N]
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20, help="batches per epoch")
    ap.add_argument("--size", type=int, default=64, help="image side")
    a = ap.parse_args()

    cuda = torch.cuda.is_available()
    dev = torch.device("cuda:0" if cuda else "cpu")
    frac = os.environ.get("SWEEP_GPU_MEM_FRACTION")
    print("device=%s CUDA_VISIBLE_DEVICES=%s fraction=%s" % (
        torch.cuda.get_device_name(0) if cuda else "cpu",
        os.environ.get("CUDA_VISIBLE_DEVICES", "unset"), frac or "none"), flush=True)
    if cuda and frac:
        torch.cuda.set_per_process_memory_fraction(float(frac), 0)

    torch.manual_seed(0)
    w = a.width
    net = nn.Sequential(
        nn.Conv2d(3, w, 3, padding=1), nn.ReLU(),
        nn.Conv2d(w, 2 * w, 3, padding=1, stride=2), nn.ReLU(),
        nn.Conv2d(2 * w, 4 * w, 3, padding=1, stride=2), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, 10)).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.9)
    x = torch.randn(a.batch * 4, 3, a.size, a.size, device=dev)
    y = torch.randint(0, 10, (a.batch * 4,), device=dev)
    for e in range(1, a.epochs + 1):
        t0 = time.time()
        total = 0.0
        for s in range(a.steps):
            i = (s % 4) * a.batch
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x[i:i + a.batch]), y[i:i + a.batch])
            loss.backward()
            opt.step()
            total += loss.item()
        line = "epoch %d/%d loss=%.4f secs=%.2f" % (e, a.epochs, total / a.steps, time.time() - t0)
        if cuda:
            line += " gpu_mem=%.2fG" % (torch.cuda.max_memory_reserved(0) / 2**30)
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
