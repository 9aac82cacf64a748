"""Expected outputs of torch.nn.functional.interpolate(mode="bicubic", align_corners=False)
for TorchBicubicTest.

Regenerate (Debian 12: apt-get install python3-torch python3-numpy):
    /usr/bin/python3 make_torch_bicubic_cases.py > torch_bicubic_cases.json

Each case: a random [3, h, w] float32 tensor (seeded), resized to (out_h, out_w); input and
output float32 little-endian, base64-encoded. Sizes cover Phi-3.5-V's global view (whole
multiples down to one crop) and odd, enlarging and non-integer ratios.
"""
import base64
import json

import numpy as np
import torch

rng = np.random.RandomState(20261126)
cases = []
for (h, w), (out_h, out_w) in (
    ((56, 112), (28, 28)),   # integer ratios 2 and 4: the global-view case
    ((84, 28), (28, 28)),    # ratio 3 and 1
    ((30, 17), (11, 23)),    # shrink one way, enlarge the other
    ((9, 13), (20, 31)),     # enlarge: edge clamping
    ((50, 50), (33, 7)),     # non-integer ratios
):
    data = rng.randn(3, h, w).astype(np.float32) * 2
    out = torch.nn.functional.interpolate(torch.from_numpy(data)[None], size=(out_h, out_w), mode="bicubic",
                                          align_corners=False)[0].numpy().astype("<f4")
    cases.append({"h": h, "w": w, "out_h": out_h, "out_w": out_w,
                  "input": base64.b64encode(data.astype("<f4").tobytes()).decode(),
                  "output": base64.b64encode(out.tobytes()).decode()})
print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))
