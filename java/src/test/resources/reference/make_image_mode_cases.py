"""Images in every mode a user meets, and what Pillow decodes them to, for ImageModesTest.

Regenerate (Debian 12: apt-get install python3-pil python3-numpy libjpeg62-turbo-dev gcc libjpeg-turbo-progs):
    cd java/src/test/resources/reference && /usr/bin/python3 make_image_mode_cases.py

Writes the images into ../images/modes/ and image_mode_cases.json: per image, the mode
Pillow opens it in and the bytes of Image.open(file).convert("RGB") (row-major RGB, base64),
which is what the reference processors feed on. Images with an EXIF orientation also carry
ImageOps.exif_transpose's result. Deterministic: a fixed seed, no timestamps.
"""
import base64
import io
import json
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np
import PIL
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "images", "modes")
rng = np.random.RandomState(20261201)


def picture(width, height, channels=3):
    """Gradients, hard edges and some noise: smooth areas for JPEG, edges for resampling."""
    y, x = np.mgrid[0:height, 0:width]
    planes = [
        (x * 255 // max(1, width - 1)),
        (y * 255 // max(1, height - 1)),
        np.where((x // 6 + y // 5) % 2 == 0, 40, 215),
        (x * 7 + y * 13) % 256,
    ]
    image = np.stack(planes[:channels], axis=-1) + rng.randint(-12, 13, size=(height, width, channels))
    return np.clip(image, 0, 255).astype(np.uint8)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png16(samples, colour_type):
    """A 16-bit PNG (Pillow cannot write 16-bit colour), samples uint16 [h, w, c]."""
    height, width = samples.shape[:2]
    rows = b"".join(b"\0" + samples[r].astype(">u2").tobytes() for r in range(height))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))


def save(image, name, **params):
    buffer = io.BytesIO()
    image.save(buffer, **params)
    return name, buffer.getvalue()


def palette_image(width, height):
    indices = ((np.arange(width)[None, :] // 3 + np.arange(height)[:, None] // 2) % 16).astype(np.uint8)
    image = Image.fromarray(indices, "P")
    palette = rng.randint(0, 256, size=(256, 3)).astype(np.uint8)
    image.putpalette(palette.tobytes())
    return image


def ycck_jpeg(cmyk):
    """Pillow writes CMYK JPEGs but not YCCK ones: write_ycck_jpeg.c does it with libjpeg."""
    with tempfile.TemporaryDirectory() as scratch:
        tool = os.path.join(scratch, "write_ycck_jpeg")
        subprocess.run(["gcc", "-O2", "-o", tool, os.path.join(HERE, "write_ycck_jpeg.c"), "-ljpeg"], check=True)
        height, width = cmyk.shape[:2]
        inverted = (255 - cmyk).tobytes()  # Adobe's convention, as Photoshop stores them
        return subprocess.run([tool, str(width), str(height)], input=inverted, capture_output=True, check=True).stdout


def linear_rgb_profile():
    """A minimal ICC v2 display profile with linear (gamma 1) curves: far enough from sRGB that a
    decoder which applies embedded profiles (Pillow never does) changes the pixels visibly."""
    def s15(x):
        return struct.pack(">i", int(round(x * 65536)))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    def curve(gamma):
        return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, int(gamma * 256)) + b"\0\0"

    name = b"linear RGB (vlm2vec test)"
    tags = [(b"desc", b"desc" + b"\0" * 4 + struct.pack(">I", len(name) + 1) + name + b"\0" + b"\0" * 78),
            (b"cprt", b"text" + b"\0" * 4 + b"test data\0"), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)), (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
            (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)), (b"rTRC", curve(1.0)), (b"gTRC", curve(1.0)),
            (b"bTRC", curve(1.0))]
    table, data = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (struct.pack(">I", offset + len(data)) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 28 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + data


def cjpeg(image, *flags):
    """libjpeg-turbo's cjpeg, for the subsamplings Pillow cannot write (4:4:0, 4:1:1)."""
    ppm = io.BytesIO()
    image.save(ppm, format="PPM")
    return subprocess.run(["cjpeg", *flags], input=ppm.getvalue(), capture_output=True, check=True).stdout


def exif_bytes(orientation):
    exif = Image.Exif()
    exif[274] = orientation
    return exif.tobytes()


def files():
    rgb = Image.fromarray(picture(23, 17), "RGB")
    rgba_pixels = picture(23, 17, 4)
    rgba_pixels[0:3, :, 3] = 0  # fully transparent rows keep their stored colour in Pillow's convert
    rgba = Image.fromarray(rgba_pixels, "RGBA")
    gray = Image.fromarray(picture(23, 17, 1)[:, :, 0], "L")
    la = Image.fromarray(picture(23, 17, 4)[:, :, [0, 3]], "LA")
    palette = palette_image(23, 17)
    yield save(rgb, "rgb.png", format="PNG")
    yield save(rgba, "rgba.png", format="PNG")
    yield save(gray, "l.png", format="PNG")
    yield save(la, "la.png", format="PNG")
    yield save(gray, "l_trns.png", format="PNG", transparency=120)
    yield save(rgb, "rgb_trns.png", format="PNG", transparency=(40, 40, 40))
    yield save(palette, "p.png", format="PNG")
    yield save(palette, "p_trns_index.png", format="PNG", transparency=3)
    yield save(palette, "p_trns_bytes.png", format="PNG", transparency=bytes(range(0, 256, 16)))
    yield save(gray.convert("1"), "1bit.png", format="PNG")
    yield save(palette.convert("P", palette=Image.ADAPTIVE, colors=4), "p_2bit.png", format="PNG", bits=2)
    # 16 bits: values on both sides of 255 tell clipping from keeping the high byte.
    sixteen = (picture(23, 17, 4).astype(np.uint16) * 257 + rng.randint(0, 257, size=(17, 23, 4))).astype(np.uint16)
    sixteen[0, :4, :] = [[0, 0, 0, 0], [200, 255, 256, 300], [511, 512, 65535, 65280], [1000, 30000, 40000, 257]]
    yield save(Image.fromarray(sixteen[:, :, 0], "I;16"), "i16.png", format="PNG")
    yield "rgb16.png", png16(sixteen[:, :, :3], 2)
    yield "rgba16.png", png16(sixteen, 6)
    yield "la16.png", png16(sixteen[:, :, [0, 3]], 4)
    photo = Image.fromarray(picture(45, 29), "RGB")
    yield save(photo, "rgb_420.jpg", format="JPEG", quality=85)
    yield save(photo, "rgb_444.jpg", format="JPEG", quality=85, subsampling=0)
    yield save(photo, "rgb_422.jpg", format="JPEG", quality=85, subsampling=1)
    yield save(photo, "rgb_progressive.jpg", format="JPEG", quality=85, progressive=True)
    yield save(Image.fromarray(picture(45, 29, 1)[:, :, 0], "L"), "gray.jpg", format="JPEG", quality=85)
    cmyk = picture(45, 29, 4)
    yield save(Image.fromarray(cmyk, "CMYK"), "cmyk.jpg", format="JPEG", quality=90)
    yield "ycck.jpg", ycck_jpeg(cmyk)
    frames = [palette_image(23, 17), Image.fromarray(picture(23, 17), "RGB").convert("P")]
    yield save(frames[0], "two_frames.gif", format="GIF", save_all=True, append_images=frames[1:], duration=100,
               transparency=5)
    yield save(rgb, "rgb.bmp", format="BMP")
    yield save(palette, "p.bmp", format="BMP")
    yield save(gray.convert("1"), "1bit.bmp", format="BMP")
    yield save(rgb, "lossy.webp", format="WEBP", quality=80)
    yield save(rgb, "lossless.webp", format="WEBP", lossless=True)
    yield save(rgba, "lossless_alpha.webp", format="WEBP", lossless=True, exact=True)
    yield save(rgba, "lossy_alpha.webp", format="WEBP", quality=80)
    # EXIF orientation 6 (stored sideways) in each format that can carry it.
    yield save(photo, "exif6.jpg", format="JPEG", quality=85, exif=exif_bytes(6))
    yield save(rgb, "exif6.png", format="PNG", exif=exif_bytes(6))
    yield save(rgb, "exif6.webp", format="WEBP", lossless=True, exif=exif_bytes(6))
    # An embedded non-sRGB ICC profile, which Pillow ignores (Java's JPEG reader would apply it).
    yield save(photo, "icc_linear.jpg", format="JPEG", quality=85, icc_profile=linear_rgb_profile())
    yield save(rgb, "icc_linear.png", format="PNG", icc_profile=linear_rgb_profile())
    yield save(rgb, "icc_linear.webp", format="WEBP", lossless=True, icc_profile=linear_rgb_profile())
    # 4:4:0 (chroma halved vertically only): libjpeg-turbo interpolates it, libjpeg 6b (the JDK) replicates.
    yield "rgb_440.jpg", cjpeg(photo, "-sample", "1x2", "-quality", "85")
    yield "rgb_411.jpg", cjpeg(photo, "-sample", "4x1", "-quality", "85")


def rgb_record(image):
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    return {"width": image.width, "height": image.height, "rgb": base64.b64encode(rgb.tobytes()).decode()}


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, data in files():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        with Image.open(io.BytesIO(data)) as image:
            case = {"file": name, "pillow_mode": image.mode, **rgb_record(image)}
            if image.getexif().get(274, 1) != 1:
                case["exif_transposed"] = rgb_record(ImageOps.exif_transpose(image))
        cases.append(case)
    with open(os.path.join(HERE, "image_mode_cases.json"), "w") as f:
        json.dump({"pillow": PIL.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
