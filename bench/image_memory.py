"""Peak memory of the server's check of one big photo: a 7000 x 7000 JPEG (49 megapixels,
under the 50 MP cap), in CMYK and in RGB, through `clean_content` (inspection, decoding,
orientation, metadata removal, re-encoding) in a fresh Python process each, so the figure is
that process's peak resident set (VmHWM: unlike ru_maxrss, it does not inherit the
parent's peak across exec) and nothing earlier pollutes it. Goal: peak
under 250 MB for one photo (it was 896 MB in the audit, 819 MB here before the fix)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
EDGE = 7000
GOAL_MB = 250
# Runs in the fresh process: imports first (their memory is the baseline), then one check.
PROBE = """
import json, sys
from backend.features.uploads.service import clean_content

def status_mb(field):
    status = open("/proc/self/status").read()
    return int(status.split(field + ":")[1].split()[0]) // 1024

data = open(sys.argv[1], "rb").read()
baseline = status_mb("VmRSS")
outcome = clean_content(data, "image/jpeg")
peak = status_mb("VmHWM")
print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "stored": outcome.capture}))
"""


def big_jpeg(mode: str) -> bytes:
    """A 7000 x 7000 page-like JPEG: gradients and blocks, which compress as a scan does
    (the audit's was 2.3 MB)."""
    ramp = Image.linear_gradient("L").resize((EDGE, EDGE))
    bands = [
        ramp,
        ramp.transpose(Image.Transpose.ROTATE_90),
        ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    ]
    if mode == "CMYK":
        bands.append(Image.new("L", (EDGE, EDGE), 20))
    image = Image.merge(mode, bands)
    draw = ImageDraw.Draw(image)
    for x in range(0, EDGE, 350):
        draw.rectangle((x, x, x + 200, x + 120), fill=(0,) * len(mode))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def measure(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> dict[str, Any]:
    result: dict[str, Any] = {"goal_mb": GOAL_MB}
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("CMYK", "RGB"):
            path = Path(folder) / f"{mode}.jpg"
            path.write_bytes(big_jpeg(mode))
            figures = measure(path)
            figures["input_bytes"] = path.stat().st_size
            figures["check_mb"] = figures["peak_mb"] - figures["baseline_mb"]
            result[mode.lower()] = figures
    result["within_goal"] = all(result[m]["peak_mb"] < GOAL_MB for m in ("cmyk", "rgb"))
    result["method"] = (
        f"a fresh Python process per photo imports the server's upload service, reads a "
        f"{EDGE} x {EDGE} JPEG and runs clean_content on it once (inspection, decoding, "
        f"orientation, metadata removal, re-encoding); peak is the process's VmHWM, "
        f"baseline its resident set after the imports"
    )
    return result
