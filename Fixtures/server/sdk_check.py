"""Checks cvserver by hand with Microsoft's archived Python SDK (azure-cognitiveservices-vision-customvision 3.1.1,
which calls Training v3.4-preview and Prediction v3.1). See README.md for how to run it."""
import sys, time, zlib, struct
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import ImageFileCreateBatch, ImageFileCreateEntry
from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from msrest.authentication import ApiKeyCredentials

def png(rgb, noise):
    w = h = 64
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            r = (rgb[0] + (noise if x == 0 and y == 0 else 0)) % 256
            row += bytes([r, rgb[1], rgb[2]])
        rows.append(bytes(row))
    data = zlib.compress(b"".join(rows))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", data) + chunk(b"IEND", b"")

endpoint = sys.argv[1]
trainer = CustomVisionTrainingClient(endpoint, ApiKeyCredentials(in_headers={"Training-key": "tk"}))
predictor = CustomVisionPredictionClient(endpoint, ApiKeyCredentials(in_headers={"Prediction-key": "pk"}))
domains = trainer.get_domains()
print("domains", len(domains))
project = trainer.create_project("sdk")
red = trainer.create_tag(project.id, "red")
blue = trainer.create_tag(project.id, "blue")
entries = [ImageFileCreateEntry(name=f"r{i}", contents=png((200, 30, 30), i + 1), tag_ids=[red.id]) for i in range(6)]
entries += [ImageFileCreateEntry(name=f"b{i}", contents=png((20, 40, 210), i + 1), tag_ids=[blue.id]) for i in range(6)]
res = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
print("upload ok", res.is_batch_successful, [i.status for i in res.images][:2])
res2 = trainer.create_images_from_data(project.id, png((200, 30, 30), 99), tag_ids=[red.id])
print("data", res2.is_batch_successful)
it = trainer.train_project(project.id)
while it.status == "Training":
    time.sleep(0.2)
    it = trainer.get_iteration(project.id, it.id)
print("iteration", it.status)
perf = trainer.get_iteration_performance(project.id, it.id, threshold=0.5)
print("perf", perf.precision, perf.recall, len(perf.per_tag_performance))
trainer.publish_iteration(project.id, it.id, "sdk", "/subscriptions/x/resourceGroups/y/providers/Microsoft.CognitiveServices/accounts/z")
r = predictor.classify_image(project.id, "sdk", png((200, 30, 30), 77))
print("predict", r.predictions[0].tag_name, round(r.predictions[0].probability, 3))
imgs = trainer.get_tagged_images(project.id, take=2)
print("images", len(imgs), imgs[0].original_image_uri[:40])
print("count", trainer.get_tagged_image_count(project.id))
q = trainer.query_predictions(project.id, {"maxCount": 5})
print("stored predictions", len(q.results))
try:
    trainer.train_project(project.id)
except Exception as e:
    print("retrain", type(e).__name__, e.message if hasattr(e, "message") else e)
trainer.unpublish_iteration(project.id, it.id)
trainer.delete_project(project.id)
print("done")
