"""Phi-3.5-V image preprocessing done the reference way (Pillow + NumPy + PyTorch), timed.

Usage: python3 phi3v_preprocess.py IMAGE.jpg [--iterations N] [--check OUT.npy]

The same steps as dev.vlm2vec.processing.Phi3VImageProcessor with num_crops 16 and 336 px
crops: decode, RGB, HD transform (transpose portrait images, choose the crop count, Pillow
bilinear resize, white padding to whole crops, transpose back), /255 and CLIP normalisation,
bicubic global view, crops row-major, zero crops up to num_crops + 1. Prints the median
milliseconds per image. Needs Debian's python3-pil, python3-numpy and python3-torch.
"""
import argparse
import io
import math
import statistics
import time

import numpy as np
import torch
from PIL import Image

MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(3, 1, 1)
STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(3, 1, 1)
CROP = 336


def hd_transform(image, num_crops):
    transposed = image.width < image.height
    if transposed:
        image = image.transpose(Image.TRANSPOSE)
    ratio = image.width / image.height
    scale = 1
    while scale * math.ceil(scale / ratio) <= num_crops:
        scale += 1
    scale -= 1
    new_width = int(scale * CROP)
    new_height = int(new_width / ratio)
    image = image.resize((new_width, new_height), Image.BILINEAR)
    target = int(math.ceil(new_height / CROP) * CROP)
    top = int((target - new_height) / 2)
    canvas = Image.new("RGB", (new_width, target), (255, 255, 255))
    canvas.paste(image, (0, top))
    return canvas.transpose(Image.TRANSPOSE) if transposed else canvas


def process(data, num_crops=16):
    image = Image.open(io.BytesIO(data)).convert("RGB")
    hd = hd_transform(image, num_crops)
    tensor = torch.from_numpy(np.asarray(hd, dtype=np.uint8).copy()).permute(2, 0, 1).float().div(255)
    tensor = (tensor - MEAN) / STD
    height, width = tensor.shape[1:]
    global_view = torch.nn.functional.interpolate(tensor[None], size=(CROP, CROP), mode="bicubic", align_corners=False)
    crops = tensor.reshape(3, height // CROP, CROP, width // CROP, CROP).permute(1, 3, 0, 2, 4).reshape(-1, 3, CROP, CROP)
    views = torch.cat([global_view, crops])
    padding = torch.zeros(num_crops + 1 - views.shape[0], 3, CROP, CROP)
    return torch.cat([views, padding])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--check")
    args = parser.parse_args()
    with open(args.image, "rb") as file:
        data = file.read()
    for _ in range(3):
        process(data)
    times = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        result = process(data)
        times.append((time.perf_counter() - start) * 1000)
    if args.check:
        np.save(args.check, result.numpy())
    print(f"python_ms_per_image {statistics.median(times):.2f} (torch {torch.__version__}, "
          f"Pillow {Image.__version__}, threads {torch.get_num_threads()})")


if __name__ == "__main__":
    main()
