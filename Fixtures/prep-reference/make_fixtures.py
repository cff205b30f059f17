#!/usr/bin/env python3
"""Generates ImagePrep's test fixtures once; the outputs are committed.

Run from the repository root with Pillow and NumPy available (e.g. `.venv-bench/bin/python`, which
`scripts/bench-prep.sh` creates):

    python Fixtures/prep-reference/make_fixtures.py

Writes:
  Fixtures/images/coco/*.jpg, Fixtures/images/neu/*.jpg   real photos copied byte for byte (see README.md)
  Fixtures/prep-reference/*.png                            Pillow references: open -> RGB -> resize(BILINEAR)
  Fixtures/images/generated/*                              tiny synthetic JPEG/PNG variants + expected RGB
  Fixtures/bad/*                                           the bad-file corpus and expected.json
"""
import io
import json
import os
import random
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.join(ROOT, "..", "shared", "datasets")
FIX = os.path.join(ROOT, "Fixtures")
COCO = ["000000037777", "000000122745", "000000443303", "000000006818", "000000085329", "000000308394"]
NEU = ["crazing_1", "scratches_7"]
REF_SIZES = {"256x256": (256, 256), "128x96": (128, 96), "96x96": (96, 96)}
FULL_SIZE_REFS = COCO[:3]  # 256x256 references only for these, to keep the committed files small


def out(*parts):
    path = os.path.join(FIX, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def copy_photos():
    for stem in COCO:
        shutil.copyfile(os.path.join(SHARED, "tiny-coco", "val2017", stem + ".jpg"), out("images", "coco", stem + ".jpg"))
    for stem in NEU:
        shutil.copyfile(os.path.join(SHARED, "NEU-DET", "IMAGES", stem + ".jpg"), out("images", "neu", stem + ".jpg"))


def references():
    for stem in COCO:
        src = Image.open(out("images", "coco", stem + ".jpg")).convert("RGB")
        for label, size in REF_SIZES.items():
            if label == "256x256" and stem not in FULL_SIZE_REFS:
                continue
            src.resize(size, Image.BILINEAR).save(out("prep-reference", f"{stem}_{label}.png"), optimize=True)
    for stem in NEU:  # 200x200 -> 256x256: the bilinear upscale path
        src = Image.open(out("images", "neu", stem + ".jpg")).convert("RGB")
        src.resize((256, 256), Image.BILINEAR).save(out("prep-reference", f"{stem}_256x256.png"), optimize=True)


# EXIF orientation -> the Pillow transpose that turns the stored image upright (as ImageOps.exif_transpose).
UPRIGHT = {2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM, 5: Image.TRANSPOSE,
           6: Image.ROTATE_270, 7: Image.TRANSVERSE, 8: Image.ROTATE_90}
INVERSE = {Image.ROTATE_270: Image.ROTATE_90, Image.ROTATE_90: Image.ROTATE_270}


def orientation_fixtures():
    """An upright 96x64 white image with a red block (x 8..31, y 6..21) and a blue block (x 70..89, y 44..59),
    stored turned so that applying each EXIF orientation 1..8 brings it back upright; as a JPEG and as a PNG."""
    upright = Image.new("RGB", (96, 64), (255, 255, 255))
    upright.paste((220, 20, 20), (8, 6, 32, 22))
    upright.paste((20, 20, 220), (70, 44, 90, 60))
    for o in range(1, 9):
        stored = upright if o == 1 else upright.transpose(INVERSE.get(UPRIGHT[o], UPRIGHT[o]))
        exif = Image.Exif()
        exif[0x0112] = o
        stored.save(out("images", "generated", f"orientation_{o}.jpg"), quality=95, exif=exif.tobytes())
        # Pillow writes a PNG's EXIF as an eXIf chunk before the image data.
        stored.save(out("images", "generated", f"orientation_{o}.png"), exif=exif.tobytes(), optimize=True)


def photo_crop(size=(80, 60)):
    return Image.open(out("images", "coco", COCO[0] + ".jpg")).convert("RGB").resize(size, Image.BILINEAR)


def save_expected(img, name):
    img.convert("RGB").save(out("images", "generated", name + "_expected.png"))


def jpeg_variants():
    base = photo_crop()
    variants = {"gray": base.convert("L"), "cmyk": base.convert("CMYK"), "progressive": base}
    for name, img in variants.items():
        path = out("images", "generated", f"{name}.jpg")
        img.save(path, quality=92, progressive=(name == "progressive"))
        save_expected(Image.open(path), name)  # what Pillow decodes, as RGB


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path, pixels, color_type, bit_depth, interlace=False):
    """A minimal PNG writer for what Pillow cannot write: 16-bit RGB and Adam7-interlaced files."""
    h, w = pixels.shape[:2]
    dtype = ">u2" if bit_depth == 16 else "u1"
    arr = pixels.astype(dtype).reshape(h, w, -1)
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes if interlace else [(0, 0, 1, 1)]:
        sub = arr[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + row.tobytes()
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw, 9))
    with open(path, "wb") as f:
        f.write(data + png_chunk(b"IEND", b""))


def composite_white(rgba):
    a = rgba[..., 3:4].astype(np.int32)
    c = rgba[..., :3].astype(np.int32)
    return Image.fromarray(((c * a + 255 * (255 - a) + 127) // 255).astype(np.uint8), "RGB")


def png_variants():
    base = photo_crop()
    rgb = np.asarray(base)
    h, w = rgb.shape[:2]
    alpha = np.tile(np.linspace(0, 255, w).astype(np.uint8), (h, 1))
    rgba = np.dstack([rgb, alpha])
    gen = lambda n: out("images", "generated", n)
    base.save(gen("rgb.png"))
    save_expected(base, "rgb")
    Image.fromarray(rgba, "RGBA").save(gen("rgba.png"))
    composite_white(rgba).save(gen("rgba_expected.png"))
    la = np.dstack([np.asarray(base.convert("L")), alpha])
    Image.fromarray(la, "LA").save(gen("gray_alpha.png"))
    composite_white(np.dstack([la[..., 0]] * 3 + [alpha])).save(gen("gray_alpha_expected.png"))
    base.convert("L").save(gen("gray8.png"))
    save_expected(base.convert("L"), "gray8")
    pal = base.quantize(64)
    pal.save(gen("palette.png"))
    save_expected(pal, "palette")
    pal.save(gen("palette_trns.png"), transparency=0)  # palette index 0 fully transparent
    pal_rgba = np.asarray(pal.convert("RGBA")).copy()
    pal_rgba[np.asarray(pal) == 0, 3] = 0
    composite_white(pal_rgba).save(gen("palette_trns_expected.png"))
    rgb16 = rgb.astype(np.uint32) * 257
    write_png(gen("rgb16.png"), rgb16, color_type=2, bit_depth=16)
    save_expected(base, "rgb16")
    write_png(gen("interlaced.png"), rgb, color_type=2, bit_depth=8, interlace=True)
    save_expected(base, "interlaced")


def png_odd_variants():
    """Odd-sized (37x23) PNGs whose Adam7 passes have partial rows and columns, each also written non-interlaced:
    16-bit RGBA with full 16-bit values, and 1-bit gray. The expected RGB is the documented conversion: alpha
    composited onto white in 16 bits, then scaled to 8 bits, both rounded (Pillow cannot read 16-bit RGBA)."""
    rng = np.random.default_rng(20261206)
    h, w = 23, 37
    gen = lambda n: out("images", "generated", n)
    rgba = rng.integers(0, 65536, size=(h, w, 4), dtype=np.int64)
    rgba[:, 0, 3], rgba[:, 1, 3] = 0, 65535  # a transparent and an opaque column
    write_png(gen("odd_rgba16.png"), rgba, color_type=6, bit_depth=16)
    write_png(gen("odd_rgba16_adam7.png"), rgba, color_type=6, bit_depth=16, interlace=True)
    a = rgba[..., 3:4]
    v = (rgba[..., :3] * a + 65535 * (65535 - a) + 32767) // 65535
    Image.fromarray(((v * 255 + 32767) // 65535).astype(np.uint8), "RGB").save(gen("odd_rgba16_expected.png"))
    bits = rng.integers(0, 2, size=(h, w), dtype=np.uint8)
    packed = np.packbits(bits, axis=1)  # 1-bit rows, MSB first, the last byte padded
    for name, interlace in [("odd_gray1.png", False), ("odd_gray1_adam7.png", True)]:
        if interlace:
            raw = b""
            for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                                   (0, 1, 1, 2)]:
                sub = bits[y0::dy, x0::dx]
                if sub.size:
                    raw += b"".join(b"\x00" + r.tobytes() for r in np.packbits(sub, axis=1))
        else:
            raw = b"".join(b"\x00" + r.tobytes() for r in packed)
        ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 1 if interlace else 0)
        with open(gen(name), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw, 9))
                    + png_chunk(b"IEND", b""))
    Image.fromarray(np.dstack([bits * 255] * 3).astype(np.uint8), "RGB").save(gen("odd_gray1_expected.png"))


def bad_corpus():
    bad = lambda n: out("bad", n)
    expected = {}
    good = io.BytesIO()
    photo_crop((120, 90)).save(good, "JPEG", quality=90)
    jpeg = good.getvalue()
    good_png = io.BytesIO()
    photo_crop((120, 90)).save(good_png, "PNG")
    png = good_png.getvalue()

    def put(name, data, code):
        with open(bad(name), "wb") as f:
            f.write(data)
        expected[name] = code

    put("zero-bytes.jpg", b"", "empty")
    rng = random.Random(3)
    put("random-bytes.jpg", bytes([0x42]) + bytes(rng.randrange(256) for _ in range(2047)), "corrupt")
    put("text-named.png", b"this is not an image, whatever its name says\n", "corrupt")
    put("truncated-scan.jpg", jpeg[: len(jpeg) // 2], "truncated")
    put("truncated-header.jpg", jpeg[:120], "truncated")
    sos = jpeg.index(b"\xff\xda")
    garbled = bytearray(jpeg)
    for i in range(sos + 40, len(jpeg) - 2):
        garbled[i] = 0xFF if i % 7 == 0 else (i * 37) & 0xFF
    put("corrupt-scan.jpg", bytes(garbled), "corrupt")
    sof = jpeg.index(b"\xff\xc0")
    bomb = bytearray(jpeg)
    bomb[sof + 5: sof + 9] = struct.pack(">HH", 60000, 60000)
    put("bomb-60000x60000.jpg", bytes(bomb), "tooManyPixels")
    idat = png.index(b"IDAT")
    put("truncated-idat.png", png[: idat + 200], "truncated")
    put("truncated-header.png", png[:20], "truncated")
    badcrc = bytearray(png)
    badcrc[idat + 50] ^= 0x55
    put("bad-crc.png", bytes(badcrc), "corrupt")
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    tiny = zlib.compress(b"\x00" * 64)
    put("bomb-100000x100000.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", tiny)
        + png_chunk(b"IEND", b""), "tooManyPixels")
    for fmt, ext in [("WEBP", "webp"), ("TIFF", "tiff")]:
        buf = io.BytesIO()
        photo_crop((64, 48)).save(buf, fmt)
        put(f"format.{ext}", buf.getvalue(), f"unsupportedFormat({fmt})")
    # GIF and BMP decode (the service takes them): real photos in those formats go with the decoder's fixtures.
    for fmt, ext in [("GIF", "gif"), ("BMP", "bmp")]:
        photo_crop((128, 96)).save(os.path.join(FIX, "images", "gif-bmp", f"photo-128x96.{ext}"), fmt)
    small = io.BytesIO()
    photo_crop((40, 30)).save(small, "JPEG", quality=90)
    put("too-small-40x30.jpg", small.getvalue(), "tooSmall")
    with open(bad("expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    # With arguments, only the named steps (e.g. `png_odd_variants`); without, all of them.
    import sys
    steps = [copy_photos, references, orientation_fixtures, jpeg_variants, png_variants, png_odd_variants, bad_corpus]
    for step in steps:
        if len(sys.argv) == 1 or step.__name__ in sys.argv[1:]:
            step()
