#!/usr/bin/env python3
"""Drive a running cvserver through Microsoft's archived Python SDK (azure-cognitiveservices-vision-customvision
3.1.1, which calls training v3.4-preview and prediction v3.1 routes) over the whole Custom Vision workflow.

Environment: CVSERVER_ENDPOINT (http://127.0.0.1:PORT), CVSERVER_TRAINING_KEY, CVSERVER_PREDICTION_KEY;
optional SDK_COMPAT_TRAIN_TIMEOUT (seconds to wait for each training, default 600) and SDK_COMPAT_FIXTURES
(default: Fixtures/neu-det-mini beside this script's parent). Keys are never printed.

Each step prints `OK name` or `FAIL name: exception text`; a step whose prerequisite failed prints
`FAIL name: skipped, needs ...`. The last line is `N passed, M failed`; the exit status is 1 when M > 0.
"""

import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import sys
import time
import traceback
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.request import Request, urlopen

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training.models import (
    CustomVisionErrorException, ImageFileCreateBatch, ImageFileCreateEntry, ImageIdCreateBatch, ImageIdCreateEntry,
    ImageRegionCreateEntry, ImageTagCreateEntry, ImageUrlCreateBatch, ImageUrlCreateEntry, PredictionQueryTag,
    PredictionQueryToken, Region, SuggestedTagAndRegionQueryToken, Tag)
from msrest.authentication import ApiKeyCredentials
from msrest.exceptions import HttpOperationError

from sdk_wire_audit import WireAudit

BATCH = 64


# SDK_COMPAT_LOCAL_URLS=1 (sdk-compat.sh starts cvserver with --allow-local-urls): the URL routes fetch held-out
# images from a file server on 127.0.0.1 and must succeed; otherwise they must refuse the loopback URL (SSRF).
LOCAL_URLS = os.environ.get("SDK_COMPAT_LOCAL_URLS") == "1"


class ImageServer:
    """Serves {name}.jpg of the given items on 127.0.0.1 for the URL routes."""

    def __init__(self, items):
        files = {f"/{name}.jpg": data for name, data, _ in items}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                data = files.get(self.path)
                self.send_response(200 if data else 404)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name):
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}.jpg"


class Skip(Exception):
    """A step could not run because an earlier one failed."""


class NotInSDK(Exception):
    """The installed SDK release has no such operation (3.0.0 lacks the v3.4-preview-era methods)."""


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.absent = 0
        self.results = []

    def step(self, name, fn, *needs):
        """Run fn(); print OK/FAIL. `needs` are earlier results that must not be None."""
        if any(n is None for n in needs):
            return self._record(name, False, "skipped, needs an earlier step that failed")
        try:
            value = fn()
        except Skip as e:
            return self._record(name, False, f"skipped, {e}")
        except NotInSDK as e:
            self.absent += 1
            print(f"N/A  {name}: this SDK release has no {e}", flush=True)
            return None
        except Exception as e:  # noqa: BLE001 - every SDK failure is a finding
            detail = describe(e)
            if os.environ.get("SDK_COMPAT_TRACE"):
                traceback.print_exc()
            return self._record(name, False, detail)
        self._record(name, True, "")
        return value

    def _record(self, name, ok, detail):
        self.results.append((name, ok, detail))
        if ok:
            self.passed += 1
            print(f"OK   {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}", flush=True)
        return None


def describe(e):
    """The SDK exception text with the HTTP status and the service error code when there is a response."""
    text = f"{type(e).__name__}: {e}"
    response = getattr(e, "response", None)
    if response is not None and getattr(response, "status_code", None) is not None:
        text += f" [HTTP {response.status_code}"
        error = getattr(e, "error", None)
        if error is not None and getattr(error, "code", None):
            text += f", code {error.code}"
        text += "]"
    return text


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def parse_voc(xml_path):
    """(image stem, [(class, left, top, width, height) normalised]) from one Pascal VOC file."""
    root = ET.parse(xml_path).getroot()
    size = root.find("size")
    width, height = float(size.findtext("width")), float(size.findtext("height"))
    boxes = []
    for obj in root.iter("object"):
        box = obj.find("bndbox")
        xmin, ymin = float(box.findtext("xmin")), float(box.findtext("ymin"))
        xmax, ymax = float(box.findtext("xmax")), float(box.findtext("ymax"))
        left, top = max(0.0, (xmin - 1) / width), max(0.0, (ymin - 1) / height)
        right, bottom = min(1.0, xmax / width), min(1.0, ymax / height)
        boxes.append((obj.findtext("name").strip(), left, top, right - left, bottom - top))
    return xml_path.stem, boxes


def load_split(folder):
    """[(name, jpeg bytes, boxes)] sorted by name."""
    items = []
    for xml_path in sorted((folder / "ANNOTATIONS").glob("*.xml")):
        stem, boxes = parse_voc(xml_path)
        items.append((stem, (folder / "IMAGES" / f"{stem}.jpg").read_bytes(), boxes))
    return items


def regions_for(boxes, tags):
    return [Region(tag_id=tags[c].id, left=l, top=t, width=w, height=h) for c, l, t, w, h in boxes]


def wait_for_training(trainer, project_id, iteration_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        iteration = trainer.get_iteration(project_id, iteration_id)
        if iteration.status in ("Completed", "Failed"):
            return iteration
        if time.monotonic() > deadline:
            raise TimeoutError(f"iteration still {iteration.status} after {timeout:.0f} s")
        time.sleep(2)


class Paced:
    """Wraps an SDK client as a client of the real service must: the S0 tier allows 10 transactions per second
    and answers 429 TooManyRequests with Retry-After beyond that, which the SDK's msrest retry policy does not
    retry. Calls are spaced by `interval`; a 429 (rejected before any work) is retried after Retry-After, with
    stream arguments rewound."""

    def __init__(self, client, interval=0.11, attempts=6):
        self._client, self._interval, self._attempts = client, interval, attempts
        self._last = 0.0

    def __getattr__(self, name):
        if not hasattr(self._client, name):
            raise NotInSDK(f"{type(self._client).__name__}.{name}")
        target = getattr(self._client, name)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            for attempt in range(self._attempts):
                time.sleep(max(0.0, self._last + self._interval - time.monotonic()))
                self._last = time.monotonic()
                try:
                    return target(*args, **kwargs)
                except CustomVisionErrorException as e:
                    if e.response.status_code != 429 or attempt == self._attempts - 1:
                        raise
                    time.sleep(float(e.response.headers.get("Retry-After", "1")))
                    for a in list(args) + list(kwargs.values()):
                        if hasattr(a, "seek"):
                            a.seek(0)
            raise AssertionError("unreachable")

        return call


def expect_error(call, status, typed=True):
    """The service error code of call(), which must raise CustomVisionErrorException with `status` (one of them
    when a tuple) and a {code, message} body. `typed=False`: operations the SDK declares without an error model
    (get_artifact) raise a bare HttpOperationError; only the status is checked."""
    statuses = status if isinstance(status, tuple) else (status,)
    try:
        call()
    except HttpOperationError as e:  # training and prediction each have their own CustomVisionErrorException
        check(e.response.status_code in statuses, f"HTTP {e.response.status_code} ({e}), expected {status}")
        if not typed:
            return e.response.status_code
        check(e.error is not None and e.error.code and e.error.message, "error body not {code, message}")
        print(f"#   -> {e.error.code}", flush=True)
        return e.error.code
    raise AssertionError("no error raised")


def trained(iteration):
    """The iteration when training completed; raises Skip otherwise so dependent steps say why."""
    if iteration is None:
        raise Skip("needs a trained iteration (training did not finish)")
    if iteration.status != "Completed":
        raise Skip(f"needs a Completed iteration, training ended {iteration.status}")
    return iteration


def main():
    endpoint = os.environ["CVSERVER_ENDPOINT"].rstrip("/")
    training_key = os.environ["CVSERVER_TRAINING_KEY"]
    prediction_key = os.environ["CVSERVER_PREDICTION_KEY"]
    timeout = float(os.environ.get("SDK_COMPAT_TRAIN_TIMEOUT", "600"))
    fixtures = Path(os.environ.get("SDK_COMPAT_FIXTURES",
                                   Path(__file__).resolve().parent.parent / "Fixtures" / "neu-det-mini"))

    trainer = Paced(CustomVisionTrainingClient(
        endpoint, ApiKeyCredentials(in_headers={"Training-key": training_key})))
    predictor = Paced(CustomVisionPredictionClient(
        endpoint, ApiKeyCredentials(in_headers={"Prediction-key": prediction_key})))
    run = Runner()
    spec_dir = Path(os.environ.get("SDK_COMPAT_SPEC", Path(__file__).resolve().parent.parent.parent / "shared" / "spec"))
    audit = WireAudit(spec_dir) if (spec_dir / "CustomVision-Training-v3.3.json").exists() else None
    if audit is None:
        print(f"# no swagger in {spec_dir}: wire audit skipped (set SDK_COMPAT_SPEC)", flush=True)
    else:
        trainer.config.hooks.append(audit.hook)
        predictor.config.hooks.append(audit.hook)
    train_items = load_split(fixtures / "train")
    heldout_items = load_split(fixtures / "heldout")
    print(f"# {len(train_items)} training and {len(heldout_items)} held-out images from {fixtures}", flush=True)

    detection(run, trainer, predictor, endpoint, training_key, train_items, heldout_items, timeout)
    classification(run, trainer, predictor, train_items, heldout_items, timeout)
    errors(run, trainer, endpoint)
    if audit is not None:
        report_audit(run, audit)

    if run.absent:
        print(f"# {run.absent} steps not applicable to this SDK release", flush=True)
    print(f"{run.passed} passed, {run.failed} failed", flush=True)
    return 0 if run.failed == 0 else 1


def url_import(trainer, project_id, url, regions):
    """With LOCAL_URLS the image is fetched (status OK, regions kept); otherwise the loopback URL is refused (SSRF):
    per-image error status, or a {code, message} error."""
    entry = ImageUrlCreateEntry(url=url, regions=regions)
    if LOCAL_URLS:
        summary = trainer.create_images_from_urls(project_id, ImageUrlCreateBatch(images=[entry]))
        check(summary.is_batch_successful and summary.images[0].status == "OK", f"status {summary.images[0].status}")
        check(len(summary.images[0].image.regions or []) == len(regions), "regions not kept")
        check(summary.images[0].source_url == url, f"sourceUrl {summary.images[0].source_url!r}")
        return
    try:
        summary = trainer.create_images_from_urls(project_id, ImageUrlCreateBatch(images=[entry]))
    except CustomVisionErrorException as e:
        check(e.error is not None and e.error.code, "error body not {code, message}")
        print(f"#   -> HTTP {e.response.status_code} {e.error.code}", flush=True)
        return
    check(not summary.is_batch_successful and summary.images[0].status != "OK", "loopback URL was fetched")
    print(f"#   -> image status {summary.images[0].status}", flush=True)


def report_audit(run, audit):
    """Each finding on its own line; misnamed fields, wrong types and undeclared statuses fail the step, keys the
    spec defines but a response leaves out are listed as notes (many are optional on the real service too)."""
    lines = audit.report()
    for line in lines:
        print(f"# audit {line}", flush=True)
    print(f"# audit covered {len(audit.seen)} operations; not reached: {', '.join(audit.unreached()) or 'none'}",
          flush=True)
    bad = [line for line in lines if not line.startswith("missing")]
    run.step("wire audit: responses match the swagger (no extra keys, types, statuses)",
             lambda: check(not bad, f"{len(bad)} findings (see # audit lines)"))


def detection(run, trainer, predictor, endpoint, training_key, train_items, heldout_items, timeout):
    step = run.step
    uniq = uuid.uuid4().hex[:8]

    def pick_domain():
        domains = trainer.get_domains()
        check(len(domains) > 0, "no domains")
        od = [d for d in domains if d.type == "ObjectDetection"]
        check(od, "no ObjectDetection domain")
        compact = [d for d in od if d.name == "General (compact)" and d.exportable]
        check(compact, "no exportable 'General (compact)' ObjectDetection domain")
        return compact[0]

    domain = step("get_domains (object detection: General (compact))", pick_domain)
    project = step("create_project (object detection)", lambda: trainer.create_project(
        f"sdk-compat-od-{uniq}", description="SDK compatibility run", domain_id=domain.id), domain)
    if project is None:
        return
    step("get_project", lambda: check(trainer.get_project(project.id).name == project.name, "name differs"))
    step("get_domain", lambda: check(trainer.get_domain(domain.id).type == "ObjectDetection", "type differs"))

    def update_project():
        current = trainer.get_project(project.id)
        current.description = "changed by update_project"
        updated = trainer.update_project(project.id, current)
        check(updated.description == "changed by update_project", f"description {updated.description!r}")
        check(updated.settings.domain_id == domain.id, "domain changed")

    step("update_project", update_project)
    step("get_projects", lambda: check(any(p.id == project.id for p in trainer.get_projects()), "not listed"))

    classes = sorted({c for _, _, boxes in train_items for c, *_ in boxes})
    tags = {}
    for c in classes:
        tag = step(f"create_tag {c}", lambda c=c: trainer.create_tag(project.id, c))
        if tag is not None:
            tags[c] = tag
    extra = step("create_tag (to update and delete)", lambda: trainer.create_tag(project.id, "scratch-extra"))
    step("get_tags", lambda: check(len(trainer.get_tags(project.id)) == len(classes) + 1, "wrong tag count"))
    if len(tags) != len(classes):
        return

    def update_tag():
        updated = trainer.update_tag(project.id, extra.id, Tag(name="renamed-extra", description="d", type="Regular"))
        check(updated.name == "renamed-extra", f"name is {updated.name!r}")
        check(trainer.get_tag(project.id, extra.id).description == "d", "description not kept")

    step("update_tag / get_tag", update_tag, extra)

    # 70 images with regions through create_images_from_files in 64-image batches; 5 kept untagged for
    # create_image_regions later.
    with_regions, later = train_items[:-5], train_items[-5:]
    uploaded = {}

    def upload(items, with_boxes):
        statuses = {}
        for start in range(0, len(items), BATCH):
            chunk = items[start:start + BATCH]
            entries = [ImageFileCreateEntry(name=f"{name}.jpg", contents=data,
                                            regions=regions_for(boxes, tags) if with_boxes else None)
                       for name, data, boxes in chunk]
            summary = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
            check(len(summary.images) == len(chunk), f"{len(summary.images)} results for {len(chunk)} images")
            for (name, _, boxes), result in zip(chunk, summary.images):
                statuses[result.status] = statuses.get(result.status, 0) + 1
                if result.status == "OK":
                    check(result.image is not None and result.image.id, f"{name}: OK without an image")
                    if with_boxes:
                        check(len(result.image.regions or []) == len(boxes), f"{name}: regions not echoed")
                    uploaded[name] = result.image.id
        check(set(statuses) <= {"OK", "OKDuplicate"}, f"statuses {statuses}")
        return statuses

    statuses = step("create_images_from_files (regions, 64-image batches)", lambda: upload(with_regions, True))
    if statuses is not None:
        print(f"#   statuses: {statuses}", flush=True)
    untagged = step("create_images_from_files (no regions)", lambda: upload(later, False))
    n_tagged = len([n for n, *_ in with_regions if n in uploaded])

    def tagged_images():
        images = trainer.get_tagged_images(project.id, take=256)
        check(len(images) == n_tagged, f"{len(images)} tagged images, expected {n_tagged}")
        one = images[0]
        check(one.regions and one.regions[0].tag_name in classes, "regions/tagName missing")
        check(one.width == 200 and one.height == 200, f"size {one.width}x{one.height}")
        check(one.original_image_uri and one.thumbnail_uri, "image URIs missing")
        some = trainer.get_tagged_images(project.id, tag_ids=[tags[classes[0]].id], take=10, skip=0)
        check(0 < len(some) <= 10, f"tag filter/take gave {len(some)}")
        return images

    images = step("get_tagged_images", tagged_images)
    step("get_tagged_image_count", lambda: check(
        trainer.get_tagged_image_count(project.id) == n_tagged, "wrong count"))
    step("get_image_count (v3.4-preview route)", lambda: check(
        trainer.get_image_count(project.id) == len(uploaded), "wrong count"))
    step("get_images (v3.4-preview route)", lambda: check(
        len(trainer.get_images(project.id, take=256)) == len(uploaded), "wrong count"))
    step("get_untagged_images / get_untagged_image_count", lambda: check(
        len(trainer.get_untagged_images(project.id)) == 5 and trainer.get_untagged_image_count(project.id) == 5,
        "expected 5 untagged images"), untagged)

    def add_regions():
        entries = [ImageRegionCreateEntry(image_id=uploaded[name], tag_id=r.tag_id, left=r.left, top=r.top,
                                          width=r.width, height=r.height)
                   for name, _, boxes in later for r in regions_for(boxes, tags)]
        summary = trainer.create_image_regions(project.id, regions=entries)
        check(len(summary.created or []) == len(entries), f"{len(summary.created or [])} of {len(entries)} created")
        check(summary.created[0].region_id, "regionId missing")
        check(trainer.get_untagged_image_count(project.id) == 0, "images still untagged")
        return summary

    regions = step("create_image_regions", add_regions, untagged)

    def by_ids():
        ids = [uploaded[n] for n, *_ in later]
        got = trainer.get_images_by_ids(project.id, image_ids=ids)
        check(sorted(i.id for i in got) == sorted(ids), "ids differ")
        check(all(i.regions for i in got), "regions missing")

    step("get_images_by_ids", by_ids, regions)

    def metadata():
        image_id = uploaded[later[0][0]]
        summary = trainer.update_image_metadata(project.id, [image_id], {"source": "neu-det"})
        check(summary.is_batch_successful, f"{summary.images}")
        check(trainer.get_images_by_ids(project.id, image_ids=[image_id])[0].metadata == {"source": "neu-det"},
              "metadata not kept")

    step("update_image_metadata", metadata, regions)

    def delete_region():
        region_id = regions.created[0].region_id
        trainer.delete_image_regions(project.id, [region_id])
        image = trainer.get_images_by_ids(project.id, image_ids=[regions.created[0].image_id])[0]
        check(all(r.region_id != region_id for r in image.regions or []), "region still there")

    step("delete_image_regions", delete_region, regions)
    files = ImageServer(heldout_items)
    url, how = (files.url(heldout_items[5][0]), "fetched") if LOCAL_URLS else (f"{endpoint}/nothing.jpg", "refused")
    step(f"create_images_from_urls (loopback URL {how})", lambda: url_import(
        trainer, project.id, url, regions_for(heldout_items[5][2], tags)))

    def image_uris():
        # Azure's image URIs are signed URLs that SDK users fetch with a plain GET, without the key.
        for uri in (images[0].thumbnail_uri, images[0].resized_image_uri, images[0].original_image_uri):
            with urlopen(uri, timeout=30) as response:
                check(response.status == 200 and len(response.read()) > 100, f"no image bytes from {uri}")

    step("thumbnailUri / resizedImageUri / originalImageUri download without a key", image_uris, images)

    def partial_batch():
        entries = [ImageFileCreateEntry(name="ok.jpg", contents=heldout_items[4][1]),
                   ImageFileCreateEntry(name="bad.jpg", contents=b"not an image at all" * 10)]
        summary = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
        check(not summary.is_batch_successful, "isBatchSuccessful with a bad image")
        check([i.status for i in summary.images] == ["OK", "ErrorImageFormat"], f"{[i.status for i in summary.images]}")
        uploaded["partial"] = summary.images[0].image.id
        trainer.delete_images(project.id, image_ids=[uploaded.pop("partial")])

    step("create_images_from_files partial batch: 207, OK + ErrorImageFormat", partial_batch)
    step("error: 65-image batch is 400", lambda: expect_error(lambda: trainer.create_images_from_files(
        project.id, ImageFileCreateBatch(images=[ImageFileCreateEntry(name=f"{i}.jpg", contents=heldout_items[0][1])
                                                 for i in range(65)])), 400))
    step("error: duplicate tag name is 400", lambda: expect_error(lambda: trainer.create_tag(project.id, classes[0]), 400))
    step("error: prediction route with the training key is 401", lambda: expect_error(
        lambda: Paced(CustomVisionPredictionClient(endpoint, ApiKeyCredentials(
            in_headers={"Prediction-key": training_key}))).detect_image(project.id, "x", io.BytesIO(b"x")), 401))

    iteration = step("train_project", lambda: trainer.train_project(project.id))
    finished = step("get_iteration until Completed", lambda: wait_for_training(
        trainer, project.id, iteration.id, timeout), iteration)
    if finished is not None:
        print(f"#   training ended {finished.status}", flush=True)
        if finished.status != "Completed":
            run._record("training completed", False, f"iteration status {finished.status}")
    step("train_project again: 400 BadRequestTrainingNotNeeded", lambda: check(expect_error(
        lambda: trainer.train_project(project.id), 400) == "BadRequestTrainingNotNeeded", "other code"), finished)

    def thresholds():
        it = trained(finished)
        low = trainer.get_iteration_performance(project.id, it.id, threshold=0.05, overlap_threshold=0.3)
        high = trainer.get_iteration_performance(project.id, it.id, threshold=0.95, overlap_threshold=0.3)
        check(low.recall >= high.recall and (low.recall, low.precision) != (high.recall, high.precision),
              f"threshold ignored: {low.recall}/{low.precision} vs {high.recall}/{high.precision}")

    step("get_iteration_performance threshold parameter is honoured", thresholds)

    def listing_parameters():
        oldest = trainer.get_images(project.id, tagging_status="Tagged", order_by="Oldest", take=5)
        newest = trainer.get_images(project.id, tagging_status="Tagged", order_by="Newest", take=5)
        check(len(oldest) == 5 and oldest[0].id != newest[0].id, "orderBy ignored")
        untagged = trainer.get_untagged_image_count(project.id)
        check(trainer.get_image_count(project.id, tagging_status="Untagged") == untagged, "taggingStatus ignored")
        check(trainer.get_image_count(project.id, tagging_status="Tagged") == trainer.get_tagged_image_count(
            project.id), "taggingStatus ignored")
        one = trainer.get_image_count(project.id, tag_ids=[tags[classes[-1]].id])
        check(0 < one < trainer.get_image_count(project.id), f"tagIds ignored ({one})")
        skipped = trainer.get_tagged_images(project.id, order_by="Oldest", take=5, skip=1)
        check(skipped[0].id == oldest[1].id, "skip ignored")

    step("get_images / get_image_count: taggingStatus, orderBy, tagIds, skip/take", listing_parameters)
    step("error: unknown iteration is 404", lambda: expect_error(
        lambda: trainer.get_iteration(project.id, str(uuid.uuid4())), 404))
    step("error: unknown tag is 404", lambda: expect_error(lambda: trainer.get_tag(project.id, str(uuid.uuid4())), 404))
    step("error: get_artifact of an unknown path is 404", lambda: expect_error(
        lambda: trainer.get_artifact(project.id, "nothing"), 404, typed=False))

    forced = step("train_project(force_train=True) makes a new iteration", lambda: trainer.train_project(
        project.id, force_train=True), finished)

    def wait_forced():
        done = wait_for_training(trainer, project.id, forced.id, timeout)
        check(done.id != iteration.id, "same iteration")
        trainer.delete_iteration(project.id, forced.id)

    step("forced iteration finishes; delete_iteration", wait_forced, forced)

    def update_iteration():
        updated = trainer.update_iteration(project.id, iteration.id, name="renamed-iteration")
        check(updated.name == "renamed-iteration", f"name {updated.name!r}")

    step("update_iteration", update_iteration, iteration)
    step("get_iterations", lambda: check(any(i.id == iteration.id for i in trainer.get_iterations(project.id)),
                                         "iteration not listed"), iteration)

    def performance():
        it = trained(finished)
        perf = trainer.get_iteration_performance(project.id, it.id, threshold=0.25, overlap_threshold=0.3)
        check(perf.per_tag_performance, "no perTagPerformance")
        print(f"#   precision {perf.precision:.3f} recall {perf.recall:.3f} mAP {perf.average_precision}", flush=True)

    step("get_iteration_performance(0.25, 0.3)", performance)

    def image_performances():
        it = trained(finished)
        perfs = trainer.get_image_performances(project.id, it.id)
        count = trainer.get_image_performance_count(project.id, it.id)
        check(len(perfs) == min(count, 50) and count > 0, f"{len(perfs)} performances, count {count}")
        check(perfs[0].predictions is not None, "predictions missing")

    step("get_image_performances / count", image_performances)

    publish_name = f"od-{uniq}"
    prediction_id = "/subscriptions/0/resourceGroups/local/providers/Microsoft.CognitiveServices/accounts/cvserver"
    published = step("publish_iteration", lambda: trainer.publish_iteration(
        project.id, trained(finished).id, publish_name, prediction_id) or True)

    def published_fields():
        it = trainer.get_iteration(project.id, finished.id)
        check(it.publish_name == publish_name, f"publishName {it.publish_name!r}")
        check(it.original_publish_resource_id == prediction_id, "originalPublishResourceId not kept")
        check(it.trained_at is not None and it.exportable and "DockerFile" in (it.exportable_to or []),
              f"trainedAt {it.trained_at}, exportable {it.exportable} {it.exportable_to}")
        check(it.domain_id == domain.id and it.project_id == project.id, "domainId/projectId")

    step("get_iteration after publish: publishName, originalPublishResourceId, trainedAt, exportableTo",
         published_fields, published)

    def tag_counts():
        listed = trainer.get_images(project.id, take=256)
        expected = {c: sum(1 for i in listed if any(r.tag_name == c for r in i.regions or [])) for c in classes}
        got = {t.name: t.image_count for t in trainer.get_tags(project.id) if t.name in classes}
        check(got == expected, f"imageCount {got}, expected {expected}")

    step("get_tags imageCount", tag_counts)
    stored = []

    def detect(store):
        name, data, _ = heldout_items[0 if store else 1]
        call = predictor.detect_image if store else predictor.detect_image_with_no_store
        # The stored call passes bytes as Microsoft's quickstart does (image_contents.read()), the other a stream.
        extra = {"application": "sdk-compat"} if store else {}
        result = call(project.id, publish_name, data if store else io.BytesIO(data), **extra)
        check(result.predictions, "no predictions")
        p = result.predictions[0]
        check(p.tag_name in classes and 0 <= p.probability <= 1 and p.bounding_box is not None, "bad prediction")
        check(result.project == project.id and result.iteration == finished.id and result.created, "id fields")
        if store:
            stored.append(result.id)
        return result

    step("PredictionClient.detect_image", lambda: detect(True), published)
    step("PredictionClient.detect_image_with_no_store", lambda: detect(False), published)

    def query():
        result = trainer.query_predictions(project.id, PredictionQueryToken(
            order_by="Newest", max_count=10, tags=[PredictionQueryTag(id=tags[classes[0]].id, min_threshold=0.0,
                                                                     max_threshold=1.0)]))
        check(len(result.results) == 1, f"{len(result.results)} stored predictions, expected 1 (no-store kept out)")
        other = trainer.query_predictions(project.id, PredictionQueryToken(application="another-app"))
        mine = trainer.query_predictions(project.id, PredictionQueryToken(application="sdk-compat"))
        check(len(mine.results) == 1 and not other.results, "application filter ignored")

    step("query_predictions", query, stored or None)
    step("error: detect_image on an unknown published name is 404", lambda: expect_error(
        lambda: predictor.detect_image(project.id, "no-such-name", io.BytesIO(heldout_items[0][1])), 404), published)
    step("error: detect_image over 4 MB is rejected with {code,message}", lambda: expect_error(
        lambda: predictor.detect_image_with_no_store(project.id, publish_name, io.BytesIO(
            heldout_items[0][1] + bytes(4 * 1024 * 1024))), (400, 413)), published)
    def by_url(call, *args, **kwargs):
        if not LOCAL_URLS:
            return expect_error(lambda: call(*args, url, **kwargs), 400)
        result = call(*args, files.url(heldout_items[6][0]), **kwargs)
        check(result.predictions and result.predictions[0].bounding_box is not None, "no detections")

    step(f"PredictionClient.detect_image_url (loopback URL {how})", lambda: by_url(
        predictor.detect_image_url, project.id, publish_name), published)
    step(f"PredictionClient.detect_image_url_with_no_store (loopback URL {how})", lambda: by_url(
        predictor.detect_image_url_with_no_store, project.id, publish_name), published)
    step(f"quick_test_image_url (loopback URL {how})", lambda: by_url(
        trainer.quick_test_image_url, project.id, iteration_id=trained(finished).id))

    def from_predictions():
        boxes = heldout_items[0][2]
        entry = ImageIdCreateEntry(id=stored[0], regions=regions_for(boxes, tags))
        summary = trainer.create_images_from_predictions(project.id, ImageIdCreateBatch(images=[entry]))
        check(summary.images[0].status == "OK", f"status {summary.images[0].status}")
        uploaded["from-prediction"] = summary.images[0].image.id

    step("create_images_from_predictions", from_predictions, stored or None)

    def quick_test():
        it = trained(finished)
        result = trainer.quick_test_image(project.id, io.BytesIO(heldout_items[2][1]), iteration_id=it.id)
        check(result.predictions, "no predictions")

    step("quick_test_image", quick_test)

    def proposals():
        trained(finished)
        result = trainer.get_image_region_proposals(project.id, uploaded[train_items[0][0]])
        check(result.proposals is not None, "proposals missing")

    step("get_image_region_proposals", proposals)

    def suggest():
        it = trained(finished)
        entry = ImageFileCreateEntry(name="suggest.jpg", contents=heldout_items[3][1])
        summary = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=[entry]))
        image_id = summary.images[0].image.id
        uploaded["suggest"] = image_id
        results = trainer.suggest_tags_and_regions(project.id, it.id, [image_id])
        check(len(results) == 1 and results[0].predictions is not None, "no suggestion result")

    step("suggest_tags_and_regions", suggest)

    def suggested():
        it = trained(finished)
        tag_ids = [t.id for t in tags.values()]
        counts = trainer.query_suggested_image_count(project.id, it.id, tag_ids=tag_ids, threshold=0.05)
        check(isinstance(counts, dict) and set(counts) <= set(tag_ids), f"counts {counts}")
        result = trainer.query_suggested_images(project.id, it.id, SuggestedTagAndRegionQueryToken(
            tag_ids=tag_ids, threshold=0.05, max_count=10))
        check(result.results is not None, "results missing")

    step("query_suggested_images / query_suggested_image_count", suggested)
    def paged_predictions():
        seen, token = [], PredictionQueryToken(order_by="Newest", max_count=1)
        for _ in range(10):
            page = trainer.query_predictions(project.id, token)
            seen += [r.id for r in page.results]
            if not page.token or not page.token.continuation:
                break
            token = PredictionQueryToken(session=page.token.session, continuation=page.token.continuation,
                                         order_by="Newest", max_count=1)
        check(len(seen) >= 2 and len(set(seen)) == len(seen), f"pages gave {seen}")
        stored[:] = seen

    step("query_predictions paged by maxCount + continuation", paged_predictions, stored or None)
    step("delete_prediction", lambda: trainer.delete_prediction(project.id, stored), stored or None)

    def export_docker():
        it = trained(finished)
        trainer.export_iteration(project.id, it.id, "DockerFile", flavor="Linux")
        deadline = time.monotonic() + 300
        while True:
            exports = trainer.get_exports(project.id, it.id)
            check(exports and exports[0].platform == "DockerFile", "export not listed")
            if exports[0].status != "Exporting":
                break
            check(time.monotonic() < deadline, "export still running after 300 s")
            time.sleep(1)
        check(exports[0].status == "Done", f"export status {exports[0].status}")
        with urlopen(exports[0].download_uri, timeout=60) as r:  # a signed URL, as Azure's
            names = zipfile.ZipFile(io.BytesIO(r.read())).namelist()
        check(any(n.endswith("Dockerfile") for n in names), f"no Dockerfile in {names}")

    step("export_iteration DockerFile / get_exports / download", export_docker)

    def export_import():
        token = trainer.export_project(project.id).token
        check(token, "no token")
        imported = trainer.import_project(token, name=f"sdk-compat-imported-{uniq}")
        try:
            check(imported.name == f"sdk-compat-imported-{uniq}", f"name {imported.name!r}")
            for _ in range(60):
                if trainer.get_project(imported.id).status != "Importing":
                    break
                time.sleep(1)
            for counter in ("get_image_count", "get_tagged_image_count", "get_untagged_image_count"):
                source, copy = getattr(trainer, counter)(project.id), getattr(trainer, counter)(imported.id)
                check(source == copy, f"{counter}: {copy} images imported of {source}")
            check(len(trainer.get_tags(imported.id)) == len(trainer.get_tags(project.id)), "tags not carried over")
        finally:
            trainer.delete_project(imported.id)

    step("export_project / import_project", export_import)

    step("unpublish_iteration", lambda: trainer.unpublish_iteration(project.id, finished.id), published)

    def delete_images():
        ids = [uploaded[n] for n, *_ in later]
        before = trainer.get_image_count(project.id)
        trainer.delete_images(project.id, image_ids=ids)
        check(trainer.get_image_count(project.id) == before - len(ids), "images not deleted")
        check(trainer.get_images_by_ids(project.id, image_ids=ids[:1]) == [], "deleted image still served")

    step("delete_images", delete_images)
    step("delete_tag", lambda: trainer.delete_tag(project.id, extra.id), extra)
    step("delete_iteration", lambda: trainer.delete_iteration(project.id, iteration.id), iteration)
    step("delete_project", lambda: trainer.delete_project(project.id))


def classification(run, trainer, predictor, train_items, heldout_items, timeout):
    step = run.step
    uniq = uuid.uuid4().hex[:8]

    def pick_domain():
        cls = [d for d in trainer.get_domains() if d.type == "Classification"]
        check(cls, "no Classification domain")
        return ([d for d in cls if d.name == "General"] or cls)[0]

    domain = step("get_domains (classification)", pick_domain)
    project = step("create_project (multiclass classification)", lambda: trainer.create_project(
        f"sdk-compat-mc-{uniq}", domain_id=domain.id, classification_type="Multiclass"), domain)
    if project is None:
        return
    check_type = lambda: check(trainer.get_project(project.id).settings.classification_type == "Multiclass",
                               "classificationType not kept")
    step("get_project (classificationType)", check_type)
    classes = ["inclusion", "patches", "scratches"]
    tags = {c: step(f"create_tag {c} (classification)", lambda c=c: trainer.create_tag(project.id, c))
            for c in classes}

    ids = []

    def upload():
        count = 0
        for c in classes:
            for name, data, _ in [i for i in train_items if i[0].startswith(c + "_") and i[0] != "patches_105"][:6]:
                summary = trainer.create_images_from_data(project.id, io.BytesIO(data), tag_ids=[tags[c].id])
                check(summary.is_batch_successful, f"{name}: {summary.images[0].status}")
                check(summary.images[0].image.tags[0].tag_id == tags[c].id, f"{name}: tag not kept")
                ids.append((summary.images[0].image.id, tags[c].id))
                count += 1
        check(trainer.get_tagged_image_count(project.id) == count, "count differs")

    uploaded = step("create_images_from_data (multipart, tag_ids)", lambda: upload() or True, *tags.values())

    def files_with_tag_ids():
        # The classification quickstart: ImageFileCreateEntry(name, contents, tag_ids) batches.
        c = "scratches"
        chunk = [i for i in train_items if i[0].startswith(c + "_")][6:10]
        entries = [ImageFileCreateEntry(name=f"{n}.jpg", contents=d, tag_ids=[tags[c].id]) for n, d, _ in chunk]
        summary = trainer.create_images_from_files(project.id, ImageFileCreateBatch(images=entries))
        check(summary.is_batch_successful, f"{[i.status for i in summary.images]}")
        check(all(i.image.tags[0].tag_name == c for i in summary.images), "tag_ids of the entries not applied")

    step("create_images_from_files with per-entry tag_ids (classification quickstart)", files_with_tag_ids, uploaded)
    def image_tags():
        image_id, tag_id = ids[0]
        trainer.delete_image_tags(project.id, [image_id], [tag_id])
        check(trainer.get_untagged_image_count(project.id) == 1, "tag not removed")
        summary = trainer.create_image_tags(project.id, tags=[ImageTagCreateEntry(image_id=image_id, tag_id=tag_id)])
        check(len(summary.created or []) == 1, f"created {summary.created}")
        check(trainer.get_untagged_image_count(project.id) == 0, "tag not added back")

    step("delete_image_tags / create_image_tags", image_tags, uploaded)

    def negative():
        neg = trainer.create_tag(project.id, "Negative", type="Negative")
        check(neg.type == "Negative", f"type {neg.type}")
        data = heldout_items[8][1]
        summary = trainer.create_images_from_data(project.id, io.BytesIO(data), tag_ids=[neg.id, tags["inclusion"].id])
        check(summary.images[0].status == "ErrorNegativeAndRegularTagOnSameImage", f"status {summary.images[0].status}")
        trainer.delete_tag(project.id, neg.id)

    step("create_tag(type=Negative); negative + regular tag is ErrorNegativeAndRegularTagOnSameImage", negative,
         uploaded)
    iteration = step("train_project (classification)", lambda: trainer.train_project(project.id), uploaded)

    def advanced():
        wait_for_training(trainer, project.id, iteration.id, timeout)
        it = trainer.train_project(project.id, training_type="Advanced", reserved_budget_in_hours=1, force_train=True,
                                   selected_tags=[tags["inclusion"].id, tags["patches"].id])
        check(it.training_type == "Advanced" and it.reserved_budget_in_hours == 1,
              f"trainingType {it.training_type}, budget {it.reserved_budget_in_hours}")
        done = wait_for_training(trainer, project.id, it.id, timeout)
        check(done.status == "Completed", f"status {done.status}")
        perf = trainer.get_iteration_performance(project.id, it.id)
        names = sorted(t.name for t in perf.per_tag_performance)
        check(names == ["inclusion", "patches"], f"selectedTags ignored: per-tag {names}")
        trainer.delete_iteration(project.id, it.id)

    step("train_project(Advanced, reservedBudgetInHours, forceTrain, selectedTags)", advanced, iteration)
    finished = step("get_iteration until Completed (classification)", lambda: wait_for_training(
        trainer, project.id, iteration.id, timeout), iteration)
    if finished is not None:
        print(f"#   classification training ended {finished.status}", flush=True)
    name = f"mc-{uniq}"
    published = step("publish_iteration (classification)", lambda: trainer.publish_iteration(
        project.id, trained(finished).id, name, "/subscriptions/0/local") or True)

    def classify(store):
        data = heldout_items[0][1]
        call = predictor.classify_image if store else predictor.classify_image_with_no_store
        result = call(project.id, name, data if store else io.BytesIO(data))
        check(len(result.predictions) == 3, f"{len(result.predictions)} predictions")
        check(abs(sum(p.probability for p in result.predictions) - 1) < 0.05, "multiclass probabilities")

    step("PredictionClient.classify_image", lambda: classify(True), published)
    step("PredictionClient.classify_image_with_no_store", lambda: classify(False), published)
    step("export_iteration on a non-compact domain: 400 BadRequestProjectUnsupportedExportPlatform", lambda: check(
        expect_error(lambda: trainer.export_iteration(project.id, trained(finished).id, "DockerFile"), 400)
        == "BadRequestProjectUnsupportedExportPlatform", "other code"))
    files = ImageServer(heldout_items)

    def classify_url(call):
        url = files.url(heldout_items[7][0])
        if not LOCAL_URLS:
            return expect_error(lambda: call(project.id, name, url), 400)
        result = call(project.id, name, url)
        check(len(result.predictions) == 3 and result.predictions[0].bounding_box is None, "not a classification")

    how = "fetched" if LOCAL_URLS else "refused"
    step(f"PredictionClient.classify_image_url (loopback URL {how})",
         lambda: classify_url(predictor.classify_image_url), published)
    step(f"PredictionClient.classify_image_url_with_no_store (loopback URL {how})",
         lambda: classify_url(predictor.classify_image_url_with_no_store), published)
    if published:
        step("unpublish_iteration (classification)", lambda: trainer.unpublish_iteration(project.id, finished.id))
    step("delete_project (classification)", lambda: trainer.delete_project(project.id))


def errors(run, trainer, endpoint):
    """The SDK raises CustomVisionErrorException with a parsed {code, message} for service errors."""
    step = run.step
    step("error: unknown project is 404 {code,message}",
         lambda: expect_error(lambda: trainer.get_project(str(uuid.uuid4())), 404))
    bad = Paced(CustomVisionTrainingClient(endpoint, ApiKeyCredentials(in_headers={"Training-key": "wrong"})))
    step("error: wrong training key is 401 {code,message}", lambda: expect_error(lambda: bad.get_projects(), 401))
    bad_prediction = Paced(CustomVisionPredictionClient(
        endpoint, ApiKeyCredentials(in_headers={"Prediction-key": "wrong"})))
    step("error: wrong prediction key is 401 {code,message}", lambda: expect_error(
        lambda: bad_prediction.detect_image_with_no_store(str(uuid.uuid4()), "x", io.BytesIO(b"x")), 401))


if __name__ == "__main__":
    sys.exit(main())
