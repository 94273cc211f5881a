"""Bridge crossings in the shapes the agent has to get right, for the H200 runs (run_on_h200.sh, part `workload`).

Segments, each prepared and run from 0.5 s into a window of its own (WINDOW_S, aligned to the epoch like the pipeline's windows), so
that every run puts the same segment in the same window and per-window figures compare across runs:

  two-streams   pinned H2D on one stream and pinned D2H on another, issued back to back: the copy engines overlap them
  one-stream    the same copies on one stream: serialized
  copy-compute  pinned H2D on one stream while matrix products run on another
  threads       four Python threads, each copying both ways on its own stream
  graph         a captured CUDA graph (pinned H2D, kernels, pinned D2H) replayed: its copies never pass the API
  sizes         64 B to 64 MiB (powers of two and 1.5x each), both directions, pinned and pageable

Prints one JSON line: per segment its window, its wall time, and the copies issued through the API per (direction,
host memory) with their bytes (graph-internal copies apart), which is what the traces must show.
"""
import argparse
import collections
import json
import os
import threading
import time

import torch
from torch.profiler import ProfilerActivity, profile, record_function

from trace_export import export_trace

WINDOW_S = 10
MIB = 1 << 20


class Issued:
    """Copies issued through the API, per (direction, host memory): the ground truth of a segment."""

    def __init__(self):
        self.lock = threading.Lock()
        self.copies = collections.Counter()
        self.bytes = collections.Counter()

    def add(self, direction, pinned, nbytes, count=1):
        key = f"{direction} {'PINNED' if pinned else 'PAGEABLE'}"
        with self.lock:
            self.copies[key] += count
            self.bytes[key] += nbytes * count

    def as_dict(self):
        return {key: {"copies": self.copies[key], "bytes": self.bytes[key]} for key in sorted(self.copies)}


def wait_for_window():
    now = time.time()
    start = (int(now // WINDOW_S) + 1) * WINDOW_S + 0.5
    time.sleep(start - now)


def pinned(n, value=0.0):
    return torch.full((n,), value, dtype=torch.float32).pin_memory()


def overlapping_copies(issued, first, second, iterations, nbytes):
    n = nbytes // 4
    host_in, host_out = pinned(n, 1.0), pinned(n)
    device_in, device_out = torch.empty(n, device="cuda"), torch.ones(n, device="cuda")
    torch.cuda.synchronize()

    def run():
        for _ in range(iterations):
            with torch.cuda.stream(first):
                device_in.copy_(host_in, non_blocking=True)
            with torch.cuda.stream(second):
                host_out.copy_(device_out, non_blocking=True)
            first.synchronize()
            second.synchronize()
        issued.add("H2D", True, nbytes, iterations)
        issued.add("D2H", True, nbytes, iterations)
    return run


def copy_beside_compute(issued, iterations, nbytes):
    n = nbytes // 4
    host_in, device_in = pinned(n, 1.0), torch.empty(n, device="cuda")
    a = torch.randn(4096, 4096, device="cuda", dtype=torch.bfloat16)
    copies, compute = torch.cuda.Stream(), torch.cuda.Stream()
    torch.cuda.synchronize()

    def run():
        for _ in range(iterations):
            with torch.cuda.stream(compute):
                a.matmul(a)
            with torch.cuda.stream(copies):
                device_in.copy_(host_in, non_blocking=True)
            copies.synchronize()
            compute.synchronize()
        issued.add("H2D", True, nbytes, iterations)
    return run


def threaded_copies(issued, threads, iterations, nbytes):
    n = nbytes // 4
    buffers = [(torch.cuda.Stream(), pinned(n, float(i)), torch.empty(n, device="cuda"), pinned(n))
               for i in range(threads)]
    torch.cuda.synchronize()

    def worker(stream, host_in, device, host_out):
        with torch.cuda.stream(stream):
            for _ in range(iterations):
                device.copy_(host_in, non_blocking=True)
                host_out.copy_(device, non_blocking=True)
                stream.synchronize()

    def run():
        workers = [threading.Thread(target=worker, args=b, name=f"copier-{i}") for i, b in enumerate(buffers)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        issued.add("H2D", True, nbytes, threads * iterations)
        issued.add("D2H", True, nbytes, threads * iterations)
    return run


def graph_replays(issued, replays, nbytes, report):
    """A CUDA graph with two pinned copies and kernels; the copies are graph nodes, launched by cuGraphLaunch."""
    n = nbytes // 4
    host_in, host_out = pinned(n, 1.0), pinned(n)
    device_in = torch.empty(n, device="cuda")
    graph = torch.cuda.CUDAGraph()
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm-up outside the capture, as torch.cuda.graphs asks
        device_in.copy_(host_in, non_blocking=True)
        host_out.copy_(device_in * 2 + 1, non_blocking=True)
    torch.cuda.synchronize()
    issued.add("H2D", True, nbytes)
    issued.add("D2H", True, nbytes)
    try:
        with torch.cuda.graph(graph):
            device_in.copy_(host_in, non_blocking=True)
            result = torch.nn.functional.silu(device_in * 2 + 1)
            host_out.copy_(result, non_blocking=True)
        report["graph_copies_per_replay"] = {"H2D PINNED": 1, "D2H PINNED": 1}
    except Exception as error:  # capture refused: say so, replay nothing
        report["graph_error"] = repr(error)
        return lambda: None
    torch.cuda.synchronize()

    def run():
        for _ in range(replays):
            graph.replay()
            torch.cuda.current_stream().synchronize()
        report["graph_replays"] = replays
        report["graph_check"] = float(host_out[0])  # silu(3) if the graph's copies ran
    return run


def size_sweep(issued, reps):
    sizes = [64 << k for k in range(21)] + [96 << k for k in range(20)]  # 64 B .. 64 MiB, and 96 B .. 48 MiB
    largest = max(sizes)
    host_pinned = torch.ones(largest, dtype=torch.uint8).pin_memory()
    host_pageable = torch.ones(largest, dtype=torch.uint8)
    device = torch.ones(largest, dtype=torch.uint8, device="cuda")
    stream = torch.cuda.current_stream()
    torch.cuda.synchronize()

    def run():
        for direction in ("H2D", "D2H"):
            for is_pinned, host in ((True, host_pinned), (False, host_pageable)):
                for size in sizes:
                    for _ in range(reps):
                        if direction == "H2D":
                            device[:size].copy_(host[:size], non_blocking=is_pinned)
                        else:
                            host[:size].copy_(device[:size], non_blocking=is_pinned)
                        stream.synchronize()
                    issued.add(direction, is_pinned, size, reps)
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", help="run under torch.profiler and write the Kineto trace here (.json.gz)")
    parser.add_argument("--label", default="")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every segment's iterations")
    args = parser.parse_args()
    scaled = lambda count: max(1, int(count * args.scale))

    torch.cuda.init()
    report = {"label": args.label, "segments": []}
    one = torch.cuda.Stream()
    segments = [
        ("two-streams", lambda issued: overlapping_copies(issued, torch.cuda.Stream(), torch.cuda.Stream(),
                                                          scaled(400), 8 * MIB)),
        ("one-stream", lambda issued: overlapping_copies(issued, one, one, scaled(400), 8 * MIB)),
        ("copy-compute", lambda issued: copy_beside_compute(issued, scaled(400), 8 * MIB)),
        ("threads", lambda issued: threaded_copies(issued, 4, scaled(200), 4 * MIB)),
        ("graph", lambda issued: graph_replays(issued, scaled(200), 1 * MIB, report)),
        ("sizes", lambda issued: size_sweep(issued, scaled(10))),
    ]
    profiler = profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) if args.profile else None
    if profiler:
        profiler.start()
    for name, prepare in segments:
        issued = Issued()
        wait_for_window()
        started = time.time()
        run = prepare(issued)  # in the window: the graph's warm-up copies count as the segment's
        with record_function(f"segment_{name}"):
            run()
        torch.cuda.synchronize()
        report["segments"].append({"name": name, "window_start_s": int(started // WINDOW_S) * WINDOW_S,
                                   "started_s": started, "seconds": time.time() - started,
                                   "issued": issued.as_dict()})
    if profiler:
        profiler.stop()
        export_trace(profiler, args.profile)
    report["preloaded"] = os.environ.get("LD_PRELOAD", "")
    report["injection"] = os.environ.get("CUDA_INJECTION64_PATH", "")
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
