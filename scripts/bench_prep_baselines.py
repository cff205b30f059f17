#!/usr/bin/env python3
"""Python baselines for `cvbench prep`, and the report that compares them.

    bench_prep_baselines.py run <folder> --limit N --label NAME   one JSON line per baseline (single thread)
    bench_prep_baselines.py report results.jsonl                  the table of images/s and ratios vs targets
    bench_prep_baselines.py make-large <src-folder> <dst-folder> --count N
        the large-photo stand-in: images upscaled (LANCZOS) to >= 12 MP, re-encoded at quality 92
    bench_prep_baselines.py make-big-png <dst-folder>
        two 10,000x10,000 PNGs (8-bit RGB; 16-bit RGBA) and a palette GIF, each in a one-image folders dataset
        <dst>/<kind>/big/ (kinds rgb8, rgba16, gif)
    bench_prep_baselines.py pillow-one <file>         the Pillow baseline on one file (for peak memory)

Baselines, on the same files as ImagePrep (read file -> 256x256 RGB JPEG q90 in memory):
  pillow:            Image.open -> convert('RGB') -> resize((256, 256)) -> save JPEG
  simplejpeg+opencv: simplejpeg.decode_jpeg(min_width/min_height=256: libjpeg-turbo DCT-scaled decode)
                     -> cv2.resize(INTER_AREA) -> simplejpeg.encode_jpeg; OpenCV limited to one thread
"""
import argparse
import io
import json
import math
import os
import sys
import time

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
SIZE = 256
QUALITY = 90


def files(folder, limit):
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTENSIONS))[:limit]
    return [os.path.join(folder, n) for n in names]


def pillow_prepare(path):
    from PIL import Image
    with Image.open(path) as im:
        out = im.convert("RGB").resize((SIZE, SIZE))
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=QUALITY)
        return buf.getvalue()


def simplejpeg_prepare(path):
    import cv2
    import simplejpeg
    with open(path, "rb") as f:
        data = f.read()
    img = simplejpeg.decode_jpeg(data, colorspace="RGB", min_width=SIZE, min_height=SIZE)
    small = cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    return simplejpeg.encode_jpeg(small, quality=QUALITY, colorspace="RGB", colorsubsampling="420")


def run(folder, limit, label, repeats):
    import cv2
    cv2.setNumThreads(1)
    paths = files(folder, limit)
    for tool, fn in [("pillow", pillow_prepare), ("simplejpeg+opencv", simplejpeg_prepare)]:
        for p in paths[:5]:  # warm-up
            fn(p)
        seconds, cpu = math.inf, math.inf
        for _ in range(repeats):  # best of N, as cvbench prep: the machine is shared
            start, cpu_start = time.perf_counter(), time.process_time()
            for p in paths:
                fn(p)
            wall = time.perf_counter() - start
            if wall < seconds:
                seconds, cpu = wall, time.process_time() - cpu_start
        print(json.dumps({"tool": tool, "label": label, "threads": 1, "images": len(paths), "seconds": seconds,
                          "imagesPerSecond": len(paths) / seconds, "cpuSeconds": cpu,
                          "imagesPerCPUSecond": len(paths) / cpu}, sort_keys=True), flush=True)


def make_large(src, dst, count):
    from PIL import Image
    os.makedirs(dst, exist_ok=True)
    for path in files(src, count):
        with Image.open(path) as im:
            im = im.convert("RGB")
            scale = math.sqrt(12.3e6 / (im.width * im.height))
            big = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
            big.save(os.path.join(dst, os.path.basename(path)), "JPEG", quality=92)


def make_big_png(dst):
    """Synthetic 100-megapixel PNGs: a 64-pixel pattern repeated along each row, filter 0, zlib level 1, so they
    are small on disk (2-10 MB) and quick to make, yet every pixel must be inflated and converted."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    size = 10_000
    for kind, depth, color_type, samples in [("rgb8", 8, 2, 3), ("rgba16", 16, 6, 8)]:
        folder = os.path.join(dst, kind, "big")
        path = os.path.join(folder, "big.png")
        if os.path.exists(path):
            continue
        os.makedirs(folder, exist_ok=True)
        period = bytes((i * 7 + j * 3) & 0xFF for i in range(64) for j in range(samples))
        row = b"\x00" + (period * (size // 64 + 1))[: size * samples]
        z = zlib.compressobj(1)
        data = b"".join(z.compress(row) for _ in range(size)) + z.flush()
        header = struct.pack(">IIBBBBB", size, size, depth, color_type, 0, 0, 0)
        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    # And a palette GIF of the same size (Pillow writes it): a stripe every 50 rows on a plain ground.
    path = os.path.join(dst, "gif", "big", "big.gif")
    if not os.path.exists(path):
        from PIL import Image
        os.makedirs(os.path.dirname(path), exist_ok=True)
        image = Image.new("P", (size, size))
        image.putpalette([i % 256 for i in range(768)])
        stripe = Image.new("P", (size, 1))
        stripe.putdata([(x // 37) % 256 for x in range(size)])
        for y in range(0, size, 50):
            image.paste(stripe, (0, y))
        image.save(path)


def pillow_one(path):
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None  # 100 MP is over Pillow's bomb warning; the point here is its memory
    pillow_prepare(path)


TARGETS = {  # label kind -> (vs simplejpeg+opencv, vs pillow), single thread
    "large": (1.2, 3.0),
    "neu": (1.0, 1.5),
}
THREAD_SCALING_TARGET = 1.8


def report(path):
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    labels = sorted({r["label"] for r in rows})
    failures = 0
    for label in labels:
        by = {(r["tool"], r["threads"]): r for r in rows if r["label"] == label}
        rows_here = [r for r in rows if r["label"] == label]
        print(f"\n== {label} ({rows_here[0]['images']} images; images/s, best of the runs) ==")
        for (tool, threads), r in sorted(by.items()):
            print(f"  {tool:20s} threads={threads}  {r['imagesPerSecond']:9.1f} images/s  ({r['seconds']:.3f} s wall)"
                  f"  {r['imagesPerCPUSecond']:9.1f} images/CPU-s  (parallelism {r['cpuSeconds'] / r['seconds']:.2f})")
        kind = "large" if "large" in label else "neu"
        t_sj, t_pil = TARGETS[kind]
        for ours in ["imageprep", "imageprep+mallopt"]:
            single = by.get((ours, 1))
            if not single:
                continue
            checks = []
            for base, target in [("simplejpeg+opencv", t_sj), ("pillow", t_pil)]:
                if (base, 1) in by:
                    other = by[(base, 1)]
                    checks.append((f"1 thread vs {base}", single["imagesPerSecond"] / other["imagesPerSecond"], target))
                    per_cpu = single["imagesPerCPUSecond"] / other["imagesPerCPUSecond"]
                    checks.append(("  same, per CPU-second", per_cpu, target))
            if (ours, 2) in by:
                scaling = by[(ours, 2)]["imagesPerSecond"] / single["imagesPerSecond"]
                checks.append(("2 threads vs own 1 thread", scaling, THREAD_SCALING_TARGET))
                # On a shared machine wall time hides the scaling; 2 x (per-CPU-second ratio) is what 2 idle cores
                # would give, as long as the workers do not serialize (parallelism near 2 shows they do not).
                per_cpu = 2 * by[(ours, 2)]["imagesPerCPUSecond"] / single["imagesPerCPUSecond"]
                checks.append(("  same, projected from CPU time", per_cpu, THREAD_SCALING_TARGET))
            print(f"  {ours}:")
            for name, ratio, target in checks:
                ok = ratio >= target
                failures += not ok
                print(f"    {name:30s} {ratio:5.2f}x  (target >= {target}x)  {'met' if ok else 'NOT MET'}")
    return failures


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("folder")
    r.add_argument("--limit", type=int, default=300)
    r.add_argument("--label", default="")
    r.add_argument("--repeat", type=int, default=3)
    rep = sub.add_parser("report")
    rep.add_argument("results")
    m = sub.add_parser("make-large")
    m.add_argument("src")
    m.add_argument("dst")
    m.add_argument("--count", type=int, default=20)
    b = sub.add_parser("make-big-png")
    b.add_argument("dst")
    o = sub.add_parser("pillow-one")
    o.add_argument("file")
    args = parser.parse_args()
    if args.command == "run":
        run(args.folder, args.limit, args.label or os.path.basename(args.folder.rstrip("/")), args.repeat)
    elif args.command == "make-large":
        make_large(args.src, args.dst, args.count)
    elif args.command == "make-big-png":
        make_big_png(args.dst)
    elif args.command == "pillow-one":
        pillow_one(args.file)
    else:
        report(args.results)


if __name__ == "__main__":
    sys.exit(main())
