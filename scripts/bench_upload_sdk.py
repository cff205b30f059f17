#!/usr/bin/env python3
"""The baseline of scripts/bench-upload.sh: the official Python SDK (azure-cognitiveservices-vision-customvision
3.1.1) doing what `cvctl upload` and `cvctl predict` do, the way its quickstart does it.

  upload:  parse the Pascal VOC files, create the tags, upload the image files in 64-image batches
           (create_images_from_files), one batch after another.
  predict: detect_image_with_no_store for each file of a folder, one after another.

Prints one JSON line with the timing. Endpoint and keys come from the VISION_* environment variables.
"""
import json
import os
import sys
import time
import xml.etree.ElementTree as ET

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from azure.cognitiveservices.vision.customvision.prediction.models import CustomVisionErrorException
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import (
    ImageFileCreateBatch, ImageFileCreateEntry, Region)
from msrest.authentication import ApiKeyCredentials


def training_client():
    credentials = ApiKeyCredentials(in_headers={"Training-key": os.environ["VISION_TRAINING_KEY"]})
    return CustomVisionTrainingClient(os.environ["VISION_TRAINING_ENDPOINT"], credentials)


def read_voc(root):
    """(image path, [(tag, left, top, width, height)]) for each VOC file of root/ANNOTATIONS."""
    items = []
    annotations = os.path.join(root, "ANNOTATIONS")
    for name in sorted(os.listdir(annotations)):
        if not name.endswith(".xml"):
            continue
        tree = ET.parse(os.path.join(annotations, name)).getroot()
        width = float(tree.find("size/width").text)
        height = float(tree.find("size/height").text)
        boxes = []
        for obj in tree.findall("object"):
            box = obj.find("bndbox")
            x0, y0 = float(box.find("xmin").text) - 1, float(box.find("ymin").text) - 1
            x1, y1 = float(box.find("xmax").text), float(box.find("ymax").text)
            boxes.append((obj.find("name").text, x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height))
        items.append((os.path.join(root, "IMAGES", name[:-4] + ".jpg"), boxes))
    return items


def upload(project_id, root):
    client = training_client()
    start = time.monotonic()
    items = read_voc(root)
    tags = {t.name: t.id for t in client.get_tags(project_id)}
    for tag in sorted({b[0] for _, boxes in items for b in boxes}):
        if tag not in tags:
            tags[tag] = client.create_tag(project_id, tag).id
    ok = failed = 0
    for i in range(0, len(items), 64):
        entries = []
        for path, boxes in items[i:i + 64]:
            with open(path, "rb") as f:
                regions = [Region(tag_id=tags[t], left=l, top=tp, width=w, height=h) for t, l, tp, w, h in boxes]
                entries.append(ImageFileCreateEntry(name=os.path.basename(path), contents=f.read(), regions=regions))
        result = client.create_images_from_files(project_id, ImageFileCreateBatch(images=entries))
        for image in result.images:
            if image.status in ("OK", "OKDuplicate"):
                ok += 1
            else:
                failed += 1
    return {"sdk": "upload", "images": len(items), "ok": ok, "failed": failed,
            "seconds": round(time.monotonic() - start, 3)}


def predict(project_id, name, folder):
    credentials = ApiKeyCredentials(in_headers={"Prediction-key": os.environ["VISION_PREDICTION_KEY"]})
    client = CustomVisionPredictionClient(os.environ["VISION_PREDICTION_ENDPOINT"], credentials)
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(".jpg"))
    start = time.monotonic()
    predictions = 0
    throttled = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        while True:
            try:
                result = client.detect_image_with_no_store(project_id, name, data)
                break
            except CustomVisionErrorException as error:
                # The tier's rate limit (HTTP 429): wait as the service says, then retry, as a user's loop must.
                if error.response is None or error.response.status_code != 429:
                    raise
                throttled += 1
                time.sleep(float(error.response.headers.get("Retry-After", "1")))
        predictions += len(result.predictions)
    return {"sdk": "predict", "images": len(files), "predictions": predictions, "throttled": throttled,
            "seconds": round(time.monotonic() - start, 3)}


if __name__ == "__main__":
    if sys.argv[1] == "upload":
        print(json.dumps(upload(sys.argv[2], sys.argv[3])))
    elif sys.argv[1] == "predict":
        print(json.dumps(predict(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        sys.exit("usage: bench_upload_sdk.py upload PROJECT VOC_ROOT | predict PROJECT NAME FOLDER")
