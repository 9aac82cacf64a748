"""Expected outputs of Pillow's resize for PilResizeTest.

Regenerate (Debian 12: apt-get install python3-pil python3-numpy):
    /usr/bin/python3 make_pil_resize_cases.py > pil_resize_cases.json

Each case: a random RGB image (seeded), resized by Pillow with BILINEAR or BICUBIC to a
smaller, larger or mixed size; input and output bytes base64-encoded, row-major RGB.
"""
import base64
import json

import numpy as np
from PIL import Image
import PIL

rng = np.random.RandomState(20261126)
cases = []
for filter_name, filter_id in (("BILINEAR", Image.BILINEAR), ("BICUBIC", Image.BICUBIC)):
    for (in_w, in_h), (out_w, out_h) in (
        ((29, 17), (12, 7)),      # shrink both ways (antialiasing widens the filter)
        ((29, 17), (61, 40)),     # enlarge both ways
        ((31, 23), (80, 9)),      # wider, much shorter
        ((40, 12), (40, 30)),     # height only: no horizontal pass
        ((23, 19), (7, 19)),      # width only: no vertical pass
        ((97, 5), (13, 11)),      # extreme aspect
    ):
        pixels = rng.randint(0, 256, size=(in_h, in_w, 3), dtype=np.uint8)
        image = Image.fromarray(pixels, "RGB")
        resized = np.asarray(image.resize((out_w, out_h), filter_id), dtype=np.uint8)
        cases.append({
            "filter": filter_name,
            "in_w": in_w, "in_h": in_h, "out_w": out_w, "out_h": out_h,
            "input": base64.b64encode(pixels.tobytes()).decode(),
            "output": base64.b64encode(resized.tobytes()).decode(),
        })
print(json.dumps({"pillow": PIL.__version__, "cases": cases}, indent=1))
