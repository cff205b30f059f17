import Foundation

/// An annotation format this package reads and writes.
public enum DatasetFormat: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Pascal VOC: one XML per image (LabelImg, CVAT, NEU-DET). Boxes in pixel corners.
    case voc
    /// COCO instances JSON with pixel `[x, y, width, height]` boxes.
    case coco
    /// COCO JSON with boxes as fractions of the image (Azure Image Analysis model customization).
    case cocoNormalized = "coco-normalized"
    /// YOLO: `classes.txt` or `data.yaml`, one `.txt` per image with normalized centre/size boxes.
    case yolo
    /// CSV: TensorFlow object-detection CSV (`filename,width,height,class,xmin,ymin,xmax,ymax`) or classification
    /// (`filename,tag[,tag…]`).
    case csv
    /// Classification: one folder per tag holding its images.
    case folders
    /// Multilabel classification manifest: JSON Lines, `{"file": "a.jpg", "tags": ["x", "y"]}` per line.
    case manifest
    /// Create ML object detection: a JSON array, `{"image": "a.jpg", "annotations": [{"label": "x", "coordinates":
    /// {"x", "y", "width", "height"}}]}` per image, boxes by their centre and size in pixels.
    case createml

    public var description: String { rawValue }

    /// Formats `DatasetWriter` can write.
    public static let writable: [DatasetFormat] = [
        .voc, .coco, .cocoNormalized, .yolo, .csv, .manifest, .createml, .folders,
    ]
}
