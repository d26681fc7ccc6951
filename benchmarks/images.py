"""Time the image pipeline on realistic 12 MP phone photos and check its goals.

Goals (issue 22): <= 0.25 s CPU per 12 MP JPEG for every preset (all platforms and the thumbnail), and <= 0.7x
the CPU of Pillow's own route (one draft() decode, then thumbnail(reducing_gap=2) per preset), measured side
by side in this run; no preset enlarged beyond the decoded photo; Snapdeal's picture of a phone photo
>= 100 KB; a 100-photo batch within 400 MB peak memory (run with 8 workers, as on a 4-core/8-thread laptop).

Usage: python benchmarks/images.py [--photos N] [--runs N] [--workers N] [--compare-processes]
Prints each figure beside its goal and exits with status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.images.batch import MemoryBudget, estimated_memory, make_variants  # noqa: E402
from core.images.geometry import plan  # noqa: E402
from core.images.presets import Preset, load_presets, resolve  # noqa: E402
from core.images.variants import decode_scale, render  # noqa: E402

CPU_GOAL = 0.25  # seconds per photo, all presets
RATIO_GOAL = 0.7  # of Pillow's draft + thumbnail(reducing_gap=2) route
MEMORY_GOAL = 400  # MB peak for the batch
SNAPDEAL_MIN = 100_000  # bytes
BATCH_WORKERS = 8  # a 4-core/8-thread laptop: the memory budget, not the core count, must bound the batch


def make_photo() -> bytes:
    """A 4000x3000 JPEG like a phone's: gradients, sensor noise, shapes, stored sideways (EXIF 6)."""
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:3000, 0:4000].astype(np.float32)
    pixels = np.stack([x / 4000 * 255, y / 3000 * 255, (x + y) / 7000 * 255], axis=-1)
    pixels += 12 * rng.standard_normal(pixels.shape, dtype=np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x0, y0 = int(rng.integers(0, 3600)), int(rng.integers(0, 2600))
        size = rng.integers(50, 400, 2)
        draw.ellipse(
            (x0, y0, x0 + int(size[0]), y0 + int(size[1])),
            fill=tuple(int(c) for c in rng.integers(0, 256, 3)),
        )
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def pillow_route(data: bytes, presets: list[Preset]) -> None:
    """Pillow's own way, for comparison: one draft() decode covering every preset, turned upright, then per
    preset the same box cut out, thumbnail(reducing_gap=2), padded onto the canvas and saved."""
    image = Image.open(io.BytesIO(data))
    raw = image.size
    photo = (raw[1], raw[0]) if image.getexif().get(0x0112, 1) >= 5 else raw
    need = decode_scale(presets, photo)
    image.draft("RGB", (int(raw[0] * need) + 1, int(raw[1] * need) + 1))
    image = ImageOps.exif_transpose(image)
    scale = image.width / photo[0]
    for preset in presets:
        layout = plan(preset, photo, None, None, scale)
        part = image.crop(tuple(round(v * scale) for v in layout.box))
        part.thumbnail(layout.size, reducing_gap=2.0)
        if part.size != layout.canvas:
            canvas = Image.new("RGB", layout.canvas, preset.background)
            canvas.paste(part, layout.offset)
            part = canvas
        part.save(io.BytesIO(), "JPEG", quality=preset.quality)


def side_by_side(data: bytes, presets: list[Preset], runs: int) -> tuple[list[float], list[float]]:
    """CPU seconds of our render and of Pillow's route, alternated run by run (after one warm-up each)."""
    ours: list[float] = []
    pillow: list[float] = []
    render(data, "bench.jpg", presets)
    pillow_route(data, presets)
    for _ in range(runs):
        for times, work in (
            (ours, lambda: render(data, "bench.jpg", presets)),
            (pillow, lambda: pillow_route(data, presets)),
        ):
            start = time.process_time()
            work()
            times.append(time.process_time() - start)
    return ours, pillow


def product_photo() -> bytes:
    """A 4000x3000 phone photo of a product on a light, evenly lit table (what marketplaces ask for)."""
    rng = np.random.default_rng(3)
    y, x = np.mgrid[0:3000, 0:4000].astype(np.float32)
    base = 236 - 10 * (y / 3000) - 6 * ((x - 2000) / 2000) ** 2
    pixels = np.repeat(base[..., None], 3, axis=-1) + 2.5 * rng.standard_normal((3000, 4000, 3), dtype=np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((1500, 700, 2500, 2500), radius=120, fill=(150, 60, 40))
    for row in range(760, 2450, 40):  # a woven pattern on the product
        draw.line((1540, row, 2460, row + 25), fill=(200, 150, 80), width=9)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def batch_child(photo_dir: Path, out_dir: Path, workers: int, processes: bool) -> None:
    """Run the batch in this fresh process, so its peak memory is the batch's alone; print JSON figures."""
    paths = sorted(photo_dir.glob("*.jpg"))
    names = ["all", "thumbnail"]
    wall, cpu = time.perf_counter(), time.process_time()
    budget = MemoryBudget()
    if processes:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_process_one, paths, [out_dir] * len(paths), chunksize=4))
    else:
        make_variants(paths, names, out_dir, workers=workers, budget=budget)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "photos": len(paths),
                "wall": wall,
                "cpu": cpu + children.ru_utime + children.ru_stime,
                "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_child_mb": children.ru_maxrss / 1024,
                "budget_mb": budget.limit / 1e6,
                "in_flight": budget.peak / max(1, estimated_memory(paths[0].read_bytes(), "p.jpg", _all())),
            }
        )
    )


def _all() -> list[Preset]:
    return resolve(["all", "thumbnail"], load_presets())


def _process_one(path: Path, out_dir: Path) -> None:
    make_variants([path], ["all", "thumbnail"], out_dir, workers=1)


def run_batch(data: bytes, count: int, workers: int, processes: bool, root: str | None) -> dict[str, float]:
    """Run the batch in a child process on *count* copies of the photo, in a temporary folder under *root*."""
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        photo_dir, out_dir = Path(tmp) / "photos", Path(tmp) / "out"
        photo_dir.mkdir()
        (photo_dir / "photo000.jpg").write_bytes(data)
        for i in range(1, count):
            os.link(photo_dir / "photo000.jpg", photo_dir / f"photo{i:03d}.jpg")
        argv = [sys.executable, __file__, "--batch-child", str(photo_dir), str(out_dir), str(workers)]
        completed = subprocess.run(
            argv + (["--processes"] if processes else []), capture_output=True, text=True, check=True
        )
        result: dict[str, float] = json.loads(completed.stdout)
        return result


def check(label: str, value: float, goal: float, unit: str, *, at_most: bool = True) -> bool:
    """Print one figure beside its goal; True when it is met."""
    met = value <= goal if at_most else value >= goal
    sign = "<=" if at_most else ">="
    print(f"{'ok  ' if met else 'MISS'} {label}: {value:{unit}} (goal {sign} {goal:{unit}})")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--workers", type=int, default=BATCH_WORKERS, help="threads for the batch (default 8)")
    parser.add_argument("--compare-processes", action="store_true", help="also time a process pool")
    parser.add_argument(
        "--batch-dir",
        metavar="DIR",
        help="where the batch reads and writes (default: the temp folder); /dev/shm takes the disk out of the figures",
    )
    parser.add_argument("--batch-child", nargs=3, metavar=("PHOTOS", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--processes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make-photo", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    modes = [False, True] if args.compare_processes else [False]
    if args.batch_child:
        photos, out, workers = args.batch_child
        batch_child(Path(photos), Path(out), int(workers), args.processes)
        return 0
    if args.make_photo:
        Path(args.make_photo).write_bytes(make_photo())
        return 0

    # Children make the photo and run the batch: Linux carries a process's peak RSS across fork and exec,
    # so this process stays small until the batch's peak memory has been measured.
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.jpg"
        subprocess.run([sys.executable, __file__, "--make-photo", str(photo)], check=True)
        data = photo.read_bytes()
    batches = [run_batch(data, args.photos, args.workers, processes, args.batch_dir) for processes in modes]
    presets = list(load_presets().values())
    print(f"Test photo: 4000x3000 JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6; {os.cpu_count()} cores")
    print("Presets: " + ", ".join(p.name for p in presets))
    ok = True
    ours, pillow = side_by_side(data, presets, args.runs)
    mine, theirs = statistics.median(ours), statistics.median(pillow)
    ok &= check(f"CPU per photo, all {len(presets)} presets (median of {args.runs})", mine, CPU_GOAL, ".3f")
    print(f"     Pillow's draft + thumbnail(reducing_gap=2) route, same presets: {theirs:.3f} s")
    ok &= check("CPU against Pillow's route", mine / theirs, RATIO_GOAL, ".2f")
    made = render(data, "bench.jpg", presets)
    enlarged = [
        f"{r.preset.name} {r.layout.scale / r.decoded_scale:.2f}x"
        for r in made
        if r.layout is not None and r.layout.scale > r.decoded_scale + 1e-9
    ]
    print(
        ("ok   " if not enlarged else "MISS ") + "enlarged beyond the decoded photo: " + (", ".join(enlarged) or "none")
    )
    ok &= not enlarged
    for r in made:
        print(f"     {r.preset.name:<10} {r.width:>5}x{r.height:<5} {len(r.data) / 1000:>6.0f} KB  q{r.quality}")
    snapdeal = render(product_photo(), "product.jpg", [p for p in presets if p.name == "snapdeal"])[0]
    ok &= check(
        "Snapdeal picture of a product photo, KB", len(snapdeal.data) / 1000, SNAPDEAL_MIN / 1000, ".0f", at_most=False
    )
    for processes, figures in zip(modes, batches, strict=True):
        pool = "process pool" if processes else "thread pool"
        print(
            f"     Batch of {figures['photos']:.0f} photos, all presets, {args.workers} workers ({pool}, "
            f"in {args.batch_dir or tempfile.gettempdir()}): "
            f"wall {figures['wall']:.1f} s, CPU {figures['cpu']:.1f} s "
            f"({figures['cpu'] / figures['wall']:.2f} cores busy)"
        )
        if processes:
            print(
                f"     peak RSS {figures['rss_self_mb']:.0f} MB (parent) + {figures['rss_child_mb']:.0f} MB per worker"
            )
        else:
            print(
                f"     memory budget {figures['budget_mb']:.0f} MB for photos in flight: at most "
                f"{figures['in_flight']:.0f} of the {args.workers} workers' photos at once"
            )
            ok &= check("Batch peak memory, MB", figures["rss_self_mb"], MEMORY_GOAL, ".0f")
    print("All goals met." if ok else "Some goals missed.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
