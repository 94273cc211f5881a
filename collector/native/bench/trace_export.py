"""Writes a torch.profiler trace as Kineto JSON, gzipped when the path ends in .gz (the fixtures are kept so)."""
import gzip
import os
import shutil


def export_trace(profiler, path):
    plain = path[:-3] if path.endswith(".gz") else path
    profiler.export_chrome_trace(plain)
    if plain != path:
        with open(plain, "rb") as source, gzip.open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        os.remove(plain)
