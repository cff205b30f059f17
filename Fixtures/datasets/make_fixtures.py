#!/usr/bin/env python3
"""Regenerates the small per-format fixtures in this folder (standard library only).

The images are solid-colour PNGs written here; the annotations are hand-written to exercise each reader.
Run from this folder: python3 make_fixtures.py
"""
import json
import os
import shutil
import struct
import zlib


def png(width, height, rgb):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


IMAGES = {"red.png": (80, 60, (200, 30, 30)), "green.png": (100, 50, (30, 200, 30)), "blue.png": (64, 64, (30, 30, 200))}


def image(folder, name):
    os.makedirs(folder, exist_ok=True)
    w, h, rgb = IMAGES[name]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(png(w, h, rgb))


def text(path, content):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write(content)


for d in ["voc", "coco", "coco-normalized", "yolo", "csv-detection", "csv-classification", "folders", "manifest",
          "createml"]:
    shutil.rmtree(d, ignore_errors=True)

# Pascal VOC: declaration, comment, entities, difficult/truncated, a <filename> without extension.
image("voc/JPEGImages", "red.png")
image("voc/JPEGImages", "green.png")
text("voc/Annotations/red.xml", """<?xml version="1.0" encoding="utf-8"?>
<!-- written by hand for swift-custom-vision tests -->
<annotation verified="yes">
  <folder>JPEGImages</folder>
  <filename>red.png</filename>
  <size><width>80</width><height>60</height><depth>3</depth></size>
  <object>
    <name>cat</name><difficult>1</difficult><truncated>0</truncated>
    <bndbox><xmin>8</xmin><ymin>6</ymin><xmax>40</xmax><ymax>30</ymax></bndbox>
  </object>
  <object>
    <name>R&amp;D &#x2713;</name><difficult>0</difficult><truncated>1</truncated>
    <bndbox><xmin>40.5</xmin><ymin>30</ymin><xmax>80</xmax><ymax>60</ymax></bndbox>
  </object>
</annotation>
""")
text("voc/Annotations/green.xml", """<annotation>
  <filename>green</filename>
  <size><width>100</width><height>50</height><depth>3</depth></size>
  <object><name>dog</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>50</xmax><ymax>25</ymax></bndbox></object>
</annotation>
""")

# COCO, pixel boxes: non-contiguous category ids, iscrowd with RLE, polygon, an image without annotations.
for n in IMAGES:
    image("coco/images", n)
coco = {
    "info": {"description": "swift-custom-vision fixture"},
    "images": [
        {"id": 1, "file_name": "red.png", "width": 80, "height": 60},
        {"id": 2, "file_name": "green.png", "width": 100, "height": 50},
        {"id": 5, "file_name": "blue.png", "width": 64, "height": 64},
    ],
    "categories": [{"id": 3, "name": "cat"}, {"id": 7, "name": "dog"}, {"id": 11, "name": "bird"}],
    "annotations": [
        {"id": 1, "image_id": 1, "category_id": 3, "bbox": [8, 6, 32, 24], "area": 768, "iscrowd": 0,
         "segmentation": [[8, 6, 40, 6, 40, 30, 8, 30]]},
        {"id": 2, "image_id": 1, "category_id": 11, "bbox": [40, 30, 40, 30], "area": 1200, "iscrowd": 1,
         "segmentation": {"counts": [0, 10, 20], "size": [60, 80]}},
        {"id": 3, "image_id": 2, "category_id": 7, "bbox": [0, 0, 50, 25], "area": 1250, "iscrowd": 0},
    ],
}
text("coco/annotations/instances.json", json.dumps(coco, indent=2) + "\n")

# COCO, normalized boxes as Azure Image Analysis model customization wrote them (absolute_url, fractions).
for n in ["red.png", "green.png"]:
    image("coco-normalized/images", n)
cocon = {
    "images": [
        {"id": 1, "width": 80, "height": 60, "file_name": "images/red.png",
         "absolute_url": "https://example.blob.core.windows.net/data/images/red.png", "date_captured": "2024-01-01"},
        {"id": 2, "width": 100, "height": 50, "file_name": "images/green.png",
         "absolute_url": "https://example.blob.core.windows.net/data/images/green.png", "date_captured": "2024-01-01"},
    ],
    "annotations": [
        {"id": 1, "category_id": 1, "image_id": 1, "area": 0.16, "bbox": [0.1, 0.1, 0.4, 0.4]},
        {"id": 2, "category_id": 2, "image_id": 2, "area": 0.25, "bbox": [0.0, 0.0, 0.5, 0.5]},
    ],
    "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
}
text("coco-normalized/annotations.json", json.dumps(cocon, indent=2) + "\n")

# YOLO: data.yaml with names as a map, images/ + labels/ with train and val.
image("yolo/images/train", "red.png")
image("yolo/images/val", "green.png")
text("yolo/data.yaml", "# YOLO fixture\npath: .\ntrain: images/train\nval: images/val\nnc: 2\nnames:\n  0: cat\n  1: 'dog'\n")
text("yolo/labels/train/red.txt", "0 0.3 0.3 0.4 0.4\n1 0.75 0.75 0.5 0.5\n")
text("yolo/labels/val/green.txt", "1 0.25 0.25 0.5 0.5\n")

# CSV, TensorFlow object detection.
image("csv-detection", "red.png")
image("csv-detection", "green.png")
text("csv-detection/annotations.csv", "filename,width,height,class,xmin,ymin,xmax,ymax\n"
     "red.png,80,60,cat,8,6,40,30\nred.png,80,60,\"big, dog\",40,30,80,60\ngreen.png,100,50,dog,0,0,50,25\n")

# CSV, classification (multilabel rows).
for n in IMAGES:
    image("csv-classification/images", n)
text("csv-classification/labels.csv", "filename,tags\nimages/red.png,warm,\"red, bright\"\nimages/green.png,cool\n"
     "images/blue.png,cool,calm\n")

# Folder per class.
image("folders/warm", "red.png")
image("folders/cool", "green.png")
image("folders/cool", "blue.png")

# Multilabel manifest (JSON Lines).
for n in IMAGES:
    image("manifest/images", n)
text("manifest/manifest.jsonl", '{"file": "images/red.png", "tags": ["warm", "red"]}\n'
     '{"file": "images/green.png", "tags": ["cool"]}\n\n{"image": "images/blue.png", "tags": ["cool", "calm"]}\n')

# Create ML object detection: a JSON array (after a blank line), boxes by pixel centre and size, a fractional centre,
# an image without boxes, the images beside the JSON.
for n in IMAGES:
    image("createml", n)
text("createml/annotations.json", """
[
  {"image": "red.png", "annotations": [
    {"label": "cat", "coordinates": {"x": 24, "y": 18, "width": 32, "height": 24}},
    {"label": "big, dog", "coordinates": {"x": 60, "y": 45, "width": 40, "height": 30}}]},
  {"image": "green.png", "annotations": [
    {"label": "dog", "coordinates": {"x": 25, "y": 12.5, "width": 50, "height": 25}}]},
  {"image": "blue.png", "annotations": []}
]
""")
