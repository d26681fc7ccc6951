"""Time the image pipeline on realistic 12 MP phone photos (targets: <= 0.25 s CPU per photo for the six
platform sizes; a 100-photo batch busy on every core within 400 MB).

Usage: python benchmarks/images.py [--photos N] [--runs N] [--workers N] [--compare-processes]
Prints figures; never fails a build.
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

from core.images.batch import default_workers, make_variants  # noqa: E402
from core.images.presets import Preset, load_presets  # noqa: E402
from core.images.variants import render  # noqa: E402

# The six sizes: 2048 long edge (facebook and shopify share it), 2000 (etsy), 1000x1500 (pinterest),
# 1080x1350 (instagram), 1080x1080 (indiamart) and the 400 px thumbnail.
SIX = ["facebook", "shopify", "etsy", "pinterest", "instagram", "indiamart", "thumbnail"]


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


def cpu_per_photo(data: bytes, presets: list[Preset], runs: int) -> list[float]:
    """CPU seconds of one render of every preset, *runs* times (after one warm-up)."""
    render(data, "bench.jpg", presets)
    times = []
    for _ in range(runs):
        start = time.process_time()
        render(data, "bench.jpg", presets)
        times.append(time.process_time() - start)
    return times


def naive(data: bytes, presets: list[Preset]) -> float:
    """The straightforward way, for comparison: decode, turn and LANCZOS-resize the full photo per preset."""
    from core.images.geometry import plan

    start = time.process_time()
    for preset in presets:
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
        layout = plan(preset, image.size)
        image.resize(layout.size, Image.Resampling.LANCZOS, box=layout.box).save(
            io.BytesIO(), "JPEG", quality=88
        )
    return time.process_time() - start


def batch_child(photo_dir: Path, out_dir: Path, workers: int, processes: bool) -> None:
    """Run the batch in this fresh process, so its peak memory is the batch's alone; print JSON figures."""
    paths = sorted(photo_dir.glob("*.jpg"))
    names = SIX
    wall, cpu = time.perf_counter(), time.process_time()
    if processes:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_process_one, paths, [out_dir] * len(paths), chunksize=4))
    else:
        make_variants(paths, names, out_dir, workers=workers)
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
            }
        )
    )


def _process_one(path: Path, out_dir: Path) -> None:
    make_variants([path], SIX, out_dir, workers=1)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--compare-processes", action="store_true", help="also time a process pool")
    parser.add_argument(
        "--batch-dir",
        metavar="DIR",
        help="where the batch reads and writes (default: the temp folder); "
        "/dev/shm takes the disk out of the figures",
    )
    parser.add_argument(
        "--batch-child", nargs=3, metavar=("PHOTOS", "OUT", "WORKERS"), help=argparse.SUPPRESS
    )
    parser.add_argument("--processes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make-photo", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    modes = [False, True] if args.compare_processes else [False]
    if args.batch_child:
        photos, out, workers = args.batch_child
        batch_child(Path(photos), Path(out), int(workers), args.processes)
        return
    if args.make_photo:
        Path(args.make_photo).write_bytes(make_photo())
        return

    # Children make the photo and run the batch: Linux carries a process's peak RSS across fork and exec,
    # so this process stays small until the batch's peak memory has been measured.
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.jpg"
        subprocess.run([sys.executable, __file__, "--make-photo", str(photo)], check=True)
        data = photo.read_bytes()
    batches = [run_batch(data, args.photos, args.workers, processes, args.batch_dir) for processes in modes]
    presets = load_presets()
    six = [presets[name] for name in SIX]
    print(f"Test photo: 4000x3000 JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6; {os.cpu_count()} cores")
    for label, chosen in [
        ("six sizes (" + ", ".join(SIX) + ")", six),
        ("all 9 presets", list(presets.values())),
    ]:
        times = cpu_per_photo(data, chosen, args.runs)
        print(
            f"CPU per photo, {label}: median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s over {args.runs} runs"
        )
    print(f"CPU per photo, naive full decode + LANCZOS per preset (six sizes): {naive(data, six):.3f} s")
    for processes, figures in zip(modes, batches, strict=True):
        pool = "process pool" if processes else "thread pool"
        rss = f"peak RSS {figures['rss_self_mb']:.0f} MB"
        if processes:
            rss += f" (parent) + {figures['rss_child_mb']:.0f} MB per worker"
        print(
            f"Batch of {figures['photos']:.0f} photos, six sizes, {args.workers} workers ({pool}, "
            f"in {args.batch_dir or tempfile.gettempdir()}): "
            f"wall {figures['wall']:.1f} s, CPU {figures['cpu']:.1f} s "
            f"({figures['cpu'] / figures['wall']:.2f} cores busy), {rss}"
        )


if __name__ == "__main__":
    main()
