"""PyTorch peer of `transfer bench engine`: the same compact ResNet, data, order, batch size,
optimizer and thread count, timed the same way. Benchmark-only; never a runtime dependency.
Run with Debian's interpreter (/usr/bin/python3), which sees python3-torch."""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return F.relu(out.add_(identity), inplace=True)


class CompactResNet(nn.Module):
    def __init__(self, classes=10, widths=(32, 64, 128)):
        super().__init__()
        self.conv1 = nn.Conv2d(1, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        in_planes = widths[0]
        for i, w in enumerate(widths):
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(in_planes, w, 1 if i == 0 else 2)))
            in_planes = w
        self.fc = nn.Linear(in_planes, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def features(self, x):
        x = F.relu(self.bn1(self.conv1(x)), inplace=True)
        x = self.layer3(self.layer2(self.layer1(x)))
        return F.adaptive_avg_pool2d(x, 1).flatten(1)

    def forward(self, x):
        return self.fc(self.features(x))


def load(directory, prefix, count):
    with gzip.open(f"{directory}/{prefix}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16)[: count * 784]
    with gzip.open(f"{directory}/{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:count]
    x = torch.from_numpy(images.copy()).float().div_(255).sub_(MEAN).div_(STD).reshape(count, 1, 28, 28).contiguous()
    return x, torch.from_numpy(labels.astype(np.int64))


def profile(batch, repeats):
    """Milliseconds per call of every op of the compact ResNet's forward pass at its shapes (EngineOpProfile.cs)."""
    torch.manual_seed(0)
    ops = []

    def conv(cin, cout, k, stride, size):
        w = torch.randn(cout, cin, k, k).mul_(0.05)
        ops.append((f"conv{k}x{k} in{cin} out{cout} s{stride} @{size}", cin, size,
                    lambda x: F.conv2d(x, w, stride=stride, padding=k // 2)))

    conv(1, 32, 3, 1, 28)
    for cin, cout, stride, size in ((32, 32, 1, 28), (32, 64, 2, 28), (64, 128, 2, 14)):
        conv(cin, cout, 3, stride, size)
        conv(cout, cout, 3, 1, size // stride)
        if stride != 1:
            conv(cin, cout, 1, stride, size)
    for c, size in ((32, 28), (64, 14), (128, 7)):
        mean, var, weight, bias = torch.zeros(c), torch.ones(c), torch.ones(c), torch.zeros(c)
        ops.append((f"batch_norm {c} @{size}", c, size, lambda x, m=mean, v=var, w=weight, b=bias: F.batch_norm(x, m, v, w, b, training=False)))
        ops.append((f"relu_ {c} @{size}", c, size, lambda x: x.relu_()))
        other = torch.randn(batch, c, size, size)
        ops.append((f"add_ {c} @{size}", c, size, lambda x, o=other: x.add_(o)))
    ops.append(("adaptive_avg_pool2d 128 @7", 128, 7, lambda x: F.adaptive_avg_pool2d(x, 1)))
    result = {}
    with torch.inference_mode():
        for name, channels, size, run in ops:
            x = torch.randn(batch, channels, size, size)
            for _ in range(2):
                run(x)
            start = time.perf_counter()
            for _ in range(repeats):
                run(x)
            result[name] = round((time.perf_counter() - start) * 1000 / repeats, 3)
    return result


def peak_rss_mb():
    """Peak resident set (VmHWM), read as ours is: ru_maxrss would carry the launching process's peak across exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--train-count", type=int, default=10000)
    parser.add_argument("--extract-count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", type=int, default=0, help="repeats of the per-op profile instead of the epoch (0: no profile)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    if args.profile:
        print(json.dumps({"profile": profile(args.batch, args.profile), "threads": torch.get_num_threads(), "torch": torch.__version__}))
        return
    torch.manual_seed(0)
    x_train, y_train = load(args.data, "train", args.train_count)
    x_test, _ = load(args.data, "t10k", args.extract_count)
    model = CompactResNet()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    for _ in range(args.warmup):
        step(x_train[: args.batch], y_train[: args.batch])
    start = time.perf_counter()
    loss_sum = 0.0
    for i in range(0, args.train_count, args.batch):
        x, y = x_train[i : i + args.batch], y_train[i : i + args.batch]
        loss_sum += step(x, y) * x.shape[0]
    train_s = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        model.features(x_test[: args.batch])
        start = time.perf_counter()
        feats = torch.cat([model.features(x_test[i : i + args.batch]) for i in range(0, args.extract_count, args.batch)])
        extract_s = time.perf_counter() - start
    print(json.dumps({"train_s": train_s, "extract_s": extract_s, "train_loss": loss_sum / args.train_count,
                      "features": list(feats.shape), "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
