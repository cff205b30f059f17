#!/usr/bin/env python3
"""Generates the metric fixtures in Fixtures/metrics/ and their reference numbers.

The fixtures are random but seeded (re-running gives identical files). The reference numbers come from an
independent NumPy implementation of the PASCAL VOC devkit rules:
  * `voc_ap(rec, prec)` with use_07_metric=False (all-point interpolation), as in the py-faster-rcnn /
    VOC2010+ devkit `voc_eval.py`;
  * detection matching as `voc_eval`: detections in descending confidence; each takes the ground truth of
    maximum IoU; true positive when that IoU >= threshold and the ground truth is not yet detected;
  * precision/recall at a probability threshold (micro-averaged overall), top-1/top-5.
If pycocotools is importable, COCOeval's AP at IoU 0.5 is written too, as a cross-check only: COCO uses a
101-point recall interpolation, so it differs slightly from all-point AP (see README.md).

Usage: python3 scripts/metrics-reference.py [Fixtures/metrics]
"""
import json
import os
import random
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "metrics")
THRESHOLD = 0.5


def voc_ap(rec, prec):
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def iou(a, b):
    ax2, ay2 = a["left"] + a["width"], a["top"] + a["height"]
    bx2, by2 = b["left"] + b["width"], b["top"] + b["height"]
    iw = min(ax2, bx2) - max(a["left"], b["left"])
    ih = min(ay2, by2) - max(a["top"], b["top"])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / (a["width"] * a["height"] + b["width"] * b["height"] - inter)


def voc_eval(images, tag, ovthresh, min_prob=None):
    """Returns (ap, tp_count, npos, ndet) for one tag, VOC devkit style."""
    gts = {}
    npos = 0
    dets = []
    for img in images:
        boxes = [t["box"] for t in img["truth"] if t["tag"] == tag]
        gts[img["id"]] = {"boxes": boxes, "det": [False] * len(boxes)}
        npos += len(boxes)
        for p in img["predictions"]:
            if p["tag"] == tag and (min_prob is None or p["probability"] >= min_prob):
                dets.append((img["id"], p["probability"], p["box"]))
    order = np.argsort([-d[1] for d in dets], kind="stable")
    tp = np.zeros(len(dets))
    fp = np.zeros(len(dets))
    for rank, d in enumerate(order):
        image_id, _, box = dets[d]
        r = gts[image_id]
        ovmax, jmax = -1.0, -1
        for j, g in enumerate(r["boxes"]):
            o = iou(box, g)
            if o > ovmax:
                ovmax, jmax = o, j
        if jmax >= 0 and ovmax >= ovthresh and not r["det"][jmax]:
            tp[rank] = 1
            r["det"][jmax] = True
        else:
            fp[rank] = 1
    ctp, cfp = np.cumsum(tp), np.cumsum(fp)
    rec = ctp / max(npos, 1)
    prec = ctp / np.maximum(ctp + cfp, np.finfo(np.float64).eps)
    ap = voc_ap(rec, prec) if npos > 0 else 0.0
    return ap, int(tp.sum()), npos, len(dets)


def class_eval(images, tag):
    scored, npos, tp, npred = [], 0, 0, 0
    for img in images:
        truth = any(t["tag"] == tag for t in img["truth"])
        npos += truth
        probs = [p["probability"] for p in img["predictions"] if p["tag"] == tag]
        if probs:
            s = max(probs)
            scored.append((s, truth))
            if s >= THRESHOLD:
                npred += 1
                tp += truth
    order = np.argsort([-s for s, _ in scored], kind="stable")
    hits = np.array([scored[i][1] for i in order], dtype=float)
    ctp = np.cumsum(hits)
    rec = ctp / max(npos, 1)
    prec = ctp / np.arange(1, len(hits) + 1)
    return (voc_ap(rec, prec) if npos else 0.0), tp, npos, npred


def rnd_box(rng):
    w, h = rng.uniform(0.08, 0.4), rng.uniform(0.08, 0.4)
    return {"left": round(rng.uniform(0, 1 - w), 6), "top": round(rng.uniform(0, 1 - h), 6),
            "width": round(w, 6), "height": round(h, 6)}


def jitter(rng, b, s):
    l = b["left"] + rng.gauss(0, s) * b["width"]
    t = b["top"] + rng.gauss(0, s) * b["height"]
    w = b["width"] * (1 + rng.gauss(0, s))
    h = b["height"] * (1 + rng.gauss(0, s))
    return {"left": round(l, 6), "top": round(t, 6), "width": round(max(w, 0.01), 6), "height": round(max(h, 0.01), 6)}


def detection_fixture(rng, tags):
    images = []
    for i in range(40):
        truth = [{"tag": rng.choice(tags), "box": rnd_box(rng)} for _ in range(rng.randint(0, 4))]
        preds = []
        for t in truth:
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                preds.append({"tag": t["tag"] if rng.random() < 0.85 else rng.choice(tags),
                              "probability": round(rng.uniform(0.2, 1.0), 6), "box": jitter(rng, t["box"], 0.15)})
        for _ in range(rng.randint(0, 3)):
            preds.append({"tag": rng.choice(tags), "probability": round(rng.uniform(0.0, 0.8), 6), "box": rnd_box(rng)})
        images.append({"id": f"det-{i}", "fold": i % 3, "truth": truth, "predictions": preds})
    return images


def classification_fixture(rng, tags):
    images = []
    for i in range(60):
        true_tag = rng.choice(tags)
        logits = {t: rng.gauss(2.0 if t == true_tag else 0.0, 1.3) for t in tags}
        z = sum(np.exp(v) for v in logits.values())
        preds = [{"tag": t, "probability": round(float(np.exp(v) / z), 6)} for t, v in logits.items()]
        truth = [] if i % 15 == 7 else [{"tag": true_tag}]
        images.append({"id": f"cls-{i}", "fold": 0, "truth": truth, "predictions": preds})
    return images


def topk(images):
    lab = [im for im in images if im["truth"]]
    t1 = t5 = 0
    for im in lab:
        ranked = [p["tag"] for p in sorted(im["predictions"], key=lambda p: (-p["probability"], p["tag"]))]
        truth = {t["tag"] for t in im["truth"]}
        t1 += ranked[0] in truth
        t5 += any(t in truth for t in ranked[:5])
    return t1 / len(lab), t5 / len(lab)


def pycoco_ap50(images, tags):
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError:
        return None
    ids = {im["id"]: k + 1 for k, im in enumerate(images)}
    cats = {t: k + 1 for k, t in enumerate(tags)}
    anns, dets = [], []
    px = lambda b: [b["left"] * 1000, b["top"] * 1000, b["width"] * 1000, b["height"] * 1000]
    for im in images:
        for t in im["truth"]:
            bb = px(t["box"])
            anns.append({"id": len(anns) + 1, "image_id": ids[im["id"]], "category_id": cats[t["tag"]],
                         "bbox": bb, "area": bb[2] * bb[3], "iscrowd": 0})
        for p in im["predictions"]:
            dets.append({"image_id": ids[im["id"]], "category_id": cats[p["tag"]], "bbox": px(p["box"]),
                         "score": p["probability"]})
    gt = COCO()
    gt.dataset = {"images": [{"id": v, "width": 1000, "height": 1000} for v in ids.values()],
                  "annotations": anns, "categories": [{"id": v, "name": k} for k, v in cats.items()]}
    gt.createIndex()
    ev = COCOeval(gt, gt.loadRes(dets), "bbox")
    ev.params.iouThrs = np.array([0.5])
    ev.params.maxDets = [1000, 1000, 1000]
    ev.params.areaRng = [[0, 1e10]] * 4
    ev.evaluate()
    ev.accumulate()
    prec = ev.eval["precision"][0, :, :, 0, -1]  # [recall points, categories]
    per_cat = {t: float(np.mean(prec[:, k])) for t, k in ((t, cats[t] - 1) for t in tags) if np.all(prec[:, k] > -1)}
    return {"interpolation": "COCO 101-point", "perTag": per_cat, "mean": float(np.mean(list(per_cat.values())))}


def main():
    rng = random.Random(20261123)
    det_tags = ["inclusion", "patches", "scratches"]
    cls_tags = ["crazing", "inclusion", "patches", "pitted", "rolled", "scratches", "extra"]
    det = detection_fixture(rng, det_tags)
    cls = classification_fixture(rng, cls_tags)
    ref = {"probabilityThreshold": THRESHOLD, "detection": {"perTag": {}, "map": {}},
           "classification": {"perTag": {}}}
    for ov in (0.3, 0.5, 0.75):
        aps = [voc_eval(det, t, ov)[0] for t in det_tags]
        ref["detection"]["map"][str(ov)] = float(np.mean(aps))
    tp_all = pred_all = pos_all = 0
    for t in det_tags:
        ap, _, _, _ = voc_eval(det, t, 0.5)
        _, tp, npos, ndet = voc_eval(det, t, 0.5, THRESHOLD)
        tp_all, pred_all, pos_all = tp_all + tp, pred_all + ndet, pos_all + npos
        ref["detection"]["perTag"][t] = {"ap50": ap, "precision": tp / ndet if ndet else 0.0,
                                         "recall": tp / npos if npos else 0.0, "truths": npos}
    ref["detection"]["precision"] = tp_all / pred_all
    ref["detection"]["recall"] = tp_all / pos_all
    tp_all = pred_all = pos_all = 0
    for t in cls_tags:
        ap, tp, npos, npred = class_eval(cls, t)
        tp_all, pred_all, pos_all = tp_all + tp, pred_all + npred, pos_all + npos
        ref["classification"]["perTag"][t] = {"ap": ap, "precision": tp / npred if npred else 0.0,
                                              "recall": tp / npos if npos else 0.0, "truths": npos}
    ref["classification"]["precision"] = tp_all / pred_all
    ref["classification"]["recall"] = tp_all / pos_all
    ref["classification"]["top1"], ref["classification"]["top5"] = topk(cls)
    ref["detection"]["pycocotools"] = pycoco_ap50(det, det_tags)
    os.makedirs(OUT, exist_ok=True)
    for name, obj in (("detection.json", det), ("classification.json", cls), ("reference.json", ref)):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(obj, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
