#!/usr/bin/env python3
"""Makes the JPEGs that DCDecoderTests decodes both with JPEGDCDecoder and libjpeg-turbo: restart intervals and
sampling factors the photo fixtures do not have. Run from the repository root with Pillow >= 11:
    python3 Fixtures/prep-dc/make_fixtures.py
"""
from PIL import Image

SRC = "Fixtures/images/coco/000000037777.jpg"
OUT = "Fixtures/prep-dc/"

with Image.open(SRC) as im:
    im = im.convert("RGB")
    im.save(OUT + "restart-16.jpg", "JPEG", quality=85, subsampling="4:2:0", restart_marker_blocks=16)
    im.save(OUT + "restart-rows.jpg", "JPEG", quality=92, subsampling="4:2:0", restart_marker_rows=1)
    im.crop((5, 7, 338, 164)).save(OUT + "odd-422-333x157.jpg", "JPEG", quality=90, subsampling="4:2:2")
    im.crop((11, 3, 108, 54)).save(OUT + "444-97x51.jpg", "JPEG", quality=95, subsampling="4:4:4")

# Noise at quality 100: most blocks run to coefficient 63 without an end of block, with long codes and many extra
# bits, so the decoder's several-codes-at-once lookups meet the block's end mid-entry (standard and optimized tables).
import random
random.seed(7)
noise = Image.frombytes("RGB", (96, 64), bytes(random.randrange(256) for _ in range(96 * 64 * 3)))
noise.save(OUT + "noise-q100.jpg", "JPEG", quality=100, subsampling="4:4:4")
noise.save(OUT + "noise-q100-optimized.jpg", "JPEG", quality=100, subsampling="4:2:0", optimize=True)
