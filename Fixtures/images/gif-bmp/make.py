#!/usr/bin/env python3
"""Writes the GIF and BMP test images of this folder and, for each, NAME.expected.png: the RGB pixels Pillow decodes
from it (transparent pixels composited on white). Run with Pillow installed: python3 make.py"""
import struct
from PIL import Image

W, H = 37, 23  # odd sizes: BMP rows need padding


def gradient():
    img = Image.new("RGB", (W, H))
    img.putdata([((x * 7) % 256, (y * 11) % 256, ((x + y) * 5) % 256) for y in range(H) for x in range(W)])
    return img


def expected(path, name):
    img = Image.open(path)
    img.seek(0)
    rgba = img.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    white.alpha_composite(rgba)
    white.convert("RGB").save(name + ".expected.png")


g = gradient()
g.save("rgb24.bmp")
expected("rgb24.bmp", "rgb24.bmp")
p = g.quantize(colors=200)
p.save("pal8.bmp")
expected("pal8.bmp", "pal8.bmp")


def rle8(indices):
    """One row as RLE8: runs of a repeated index, absolute runs (3 or more, padded to 16 bits) of the rest."""
    out, i = b"", 0
    while i < len(indices):
        j = i
        while j < len(indices) and indices[j] == indices[i] and j - i < 255:
            j += 1
        if j - i >= 2 or len(indices) - i < 3:
            out += bytes([j - i, indices[i]])
            i = j
            continue
        j = i
        while j < len(indices) and j - i < 255 and not (j + 1 < len(indices) and indices[j] == indices[j + 1]):
            j += 1
        if j - i < 3:
            j = i + 1
            out += bytes([1, indices[i]])
        else:
            out += bytes([0, j - i]) + bytes(indices[i:j]) + (b"\0" if (j - i) % 2 else b"")
        i = j
    return out + b"\0\0"


# RLE8, bottom-up: written by hand (Pillow reads it but does not write it). A run of one index repeats over a
# few pixels of each row, so both run kinds occur.
r = p.copy()
r.putdata([0 if 10 <= x < 20 else v for v, x in zip(p.getdata(), [x for y in range(H) for x in range(W)])])
indices = list(r.getdata())
data = b"".join(rle8(indices[y * W:(y + 1) * W]) for y in reversed(range(H))) + b"\0\1"
palette = r.getpalette()[:256 * 3]
palette += [0] * (256 * 3 - len(palette))
table = b"".join(bytes([palette[3 * i + 2], palette[3 * i + 1], palette[3 * i], 0]) for i in range(256))
info = struct.pack("<IiiHHIIiiII", 40, W, H, 1, 8, 1, len(data), 2835, 2835, 256, 0)
offset = 14 + len(info) + len(table)
open("pal8-rle.bmp", "wb").write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + table + data)
expected("pal8-rle.bmp", "pal8-rle.bmp")
g.convert("1").save("mono.bmp")
expected("mono.bmp", "mono.bmp")
rgba = g.convert("RGBA")
rgba.putdata([(r, gg, b, 255 if (x + y) % 3 else 0) for (r, gg, b, _), (x, y) in
              zip(list(rgba.getdata()), [(x, y) for y in range(H) for x in range(W)])])
rgba.save("rgba32.bmp")
expected("rgba32.bmp", "rgba32.bmp")

# 16-bit RGB565 with BI_BITFIELDS, top-down: written by hand (Pillow does not write it).
stride = (W * 2 + 3) // 4 * 4
rows = b""
for y in range(H):
    row = b""
    for x in range(W):
        r, gg, b = g.getpixel((x, y))
        row += struct.pack("<H", (r >> 3) << 11 | (gg >> 2) << 5 | (b >> 3))
    rows += row + b"\0" * (stride - len(row))
info = struct.pack("<IiiHHIIiiII", 40, W, -H, 1, 16, 3, len(rows), 2835, 2835, 0, 0)
masks = struct.pack("<III", 0xF800, 0x07E0, 0x001F)
offset = 14 + len(info) + len(masks)
open("rgb565-topdown.bmp", "wb").write(b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset) + info + masks + rows)
expected("rgb565-topdown.bmp", "rgb565-topdown.bmp")

p.save("plain.gif", interlace=False)
expected("plain.gif", "plain.gif")
p.save("interlaced.gif", interlace=True)
expected("interlaced.gif", "interlaced.gif")
p.save("transparent.gif", transparency=0, interlace=False)
expected("transparent.gif", "transparent.gif")
