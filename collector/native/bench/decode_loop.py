"""A decode-like serving loop on the GPU, for the agent's accuracy and overhead runs on the H200.

Like the loop behind shared/data/h200-decode-trace.json.gz: batches of 1, 8 and 64 sequences; every step builds
small input tensors from Python lists and copies them to the GPU (two pageable copies and one through a pinned
buffer), runs 8 linear layers and an LM head, and reads the sampled token ids back (a synchronous D2H copy).
Prints one JSON line: tokens, seconds, tokens/s (warm-up excluded).

    python decode_loop.py --steps 300                 # untraced (or with the agent preloaded)
    python decode_loop.py --steps 60 --profile t.json.gz   # under torch.profiler, trace written
"""
import argparse
import contextlib
import json
import os
import statistics
import time

import torch
from torch.profiler import ProfilerActivity, profile, record_function

from trace_export import export_trace


def build(hidden, vocab):
    device = "cuda"
    torch.manual_seed(0)
    layers = [torch.nn.Linear(hidden, hidden, device=device, dtype=torch.bfloat16) for _ in range(8)]
    head = torch.nn.Linear(hidden, vocab, device=device, dtype=torch.bfloat16)
    embedding = torch.randn(vocab, hidden, device=device, dtype=torch.bfloat16)
    return layers, head, embedding


def step(layers, head, embedding, ids, position, pinned):
    batch = len(ids)
    token_ids = torch.tensor(ids, dtype=torch.long).to("cuda")               # pageable H2D
    positions = torch.tensor([position] * batch, dtype=torch.long).to("cuda")  # pageable H2D
    pinned[:batch].fill_(position)
    scale = pinned[:batch].to("cuda", non_blocking=True)                      # pinned H2D
    h = embedding[token_ids] * (1 + (positions + scale).unsqueeze(-1).to(torch.bfloat16) * 1e-3)
    for layer in layers:
        h = torch.nn.functional.silu(layer(h))
    return head(h).argmax(dim=-1).tolist()                                  # synchronous D2H


STEP_TIMES = {}


def loop(model, steps, batches, annotate):
    """Runs the steps; each step's wall time (it ends with a synchronous copy) goes to STEP_TIMES[batch]."""
    layers, head, embedding = model
    pinned = torch.empty(max(batches), dtype=torch.long).pin_memory()
    tokens = 0
    ranges = record_function if annotate else (lambda name: contextlib.nullcontext())
    for batch in batches:
        ids = [1] * batch
        times = STEP_TIMES.setdefault(batch, [])
        with ranges(f"batch_{batch}"):
            for position in range(steps):
                start = time.perf_counter()
                with ranges("decode_step"):
                    ids = step(layers, head, embedding, ids, position, pinned)
                times.append(time.perf_counter() - start)
                tokens += batch
    torch.cuda.synchronize()
    return tokens


def robust_tokens_per_s():
    """Tokens per second from each batch size's median step time: insensitive to the host's noise spikes."""
    medians = {b: statistics.median(t) for b, t in STEP_TIMES.items()}
    return sum(medians) / sum(medians.values()), {b: m * 1e3 for b, m in medians.items()}


def micro(calls):
    """Per-call host cost of the smallest launches and copies (what an agent adds shows here, undiluted)."""
    x = torch.zeros(1, device="cuda")
    pinned = torch.ones(2, dtype=torch.float32).pin_memory()
    target = torch.empty(2, device="cuda")
    for _ in range(1000):
        x.add_(1)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(calls):
        x.add_(1)
    torch.cuda.synchronize()
    launch = (time.perf_counter() - start) / calls
    start = time.perf_counter()
    for _ in range(calls):
        target.copy_(pinned, non_blocking=True)
    torch.cuda.synchronize()
    copy = (time.perf_counter() - start) / calls
    return {"launch_us": launch * 1e6, "pinned_h2d_us": copy * 1e6, "calls": calls}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300, help="decode steps per batch size")
    parser.add_argument("--batches", default="1,8,64")
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--profile", help="run under torch.profiler and write the Kineto trace here (.json.gz)")
    parser.add_argument("--label", default="")
    parser.add_argument("--micro", type=int, default=0, help="instead: per-call cost of N launches and N copies")
    parser.add_argument("--profile-first", action="store_true",
                        help="start the profiler before CUDA is initialized (it takes CUPTI first)")
    args = parser.parse_args()
    if args.micro:
        print(json.dumps({"label": args.label, **micro(args.micro),
                          "preloaded": os.environ.get("LD_PRELOAD", "")}), flush=True)
        return
    batches = [int(b) for b in args.batches.split(",")]
    if args.profile and args.profile_first:
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            model = build(args.hidden, args.vocab)
            start = time.perf_counter()
            tokens = loop(model, args.steps, batches, annotate=True)
            seconds = time.perf_counter() - start
        prof.export_chrome_trace(args.profile)
        cuda_events = sum(1 for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA)
        print(json.dumps({"label": args.label, "tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds,
                          "profiler_cuda_events": cuda_events, "profiled": True}), flush=True)
        return
    model = build(args.hidden, args.vocab)
    loop(model, 5, batches, annotate=False)  # warm-up: allocator, kernels, cuBLAS handles
    STEP_TIMES.clear()

    if args.profile:
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            start = time.perf_counter()
            tokens = loop(model, args.steps, batches, annotate=True)
            seconds = time.perf_counter() - start
        export_trace(prof, args.profile)
    else:
        start = time.perf_counter()
        tokens = loop(model, args.steps, batches, annotate=False)
        seconds = time.perf_counter() - start
    robust, median_step_ms = robust_tokens_per_s()
    print(json.dumps({"label": args.label, "tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds,
                      "median_step_tokens_per_s": robust, "median_step_ms": median_step_ms,
                      "preloaded": os.environ.get("LD_PRELOAD", ""),
                      "injection": os.environ.get("CUDA_INJECTION64_PATH", ""),
                      "profiled": bool(args.profile)}), flush=True)


if __name__ == "__main__":
    main()
