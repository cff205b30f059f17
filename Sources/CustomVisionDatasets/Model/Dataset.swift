import CustomVisionCore
import Foundation

/// An annotated image collection in memory, whatever format it was read from.
///
/// Boxes are normalized (`left`, `top`, `width`, `height` as fractions of the image), like Custom Vision's own
/// regions, so a dataset read from one format can be written to any other.
public struct Dataset: Sendable, Hashable {
    /// The folder the dataset was read from; image paths are usually inside it.
    public var root: URL
    /// The images, in a stable order (the order of the source files).
    public var images: [DatasetImage]
    /// Tag names in their source order (COCO category order, YOLO class index order, …). Tags used by images but
    /// missing here are appended by `allTags`.
    public var tags: [String]

    /// Creates a dataset.
    public init(root: URL, images: [DatasetImage] = [], tags: [String] = []) {
        self.root = root
        self.images = images
        self.tags = tags
    }

    /// Every tag: `tags` first, then any other tag used by an image or region, in order of first use.
    public var allTags: [String] {
        var seen = Set(tags)
        var result = tags
        for image in images {
            for tag in image.allTags where !seen.contains(tag) {
                seen.insert(tag)
                result.append(tag)
            }
        }
        return result
    }

    /// True when any image has a region: the dataset is for object detection.
    public var hasRegions: Bool { images.contains { !$0.regions.isEmpty } }

    /// The number of regions of all images.
    public var regionCount: Int { images.reduce(0) { $0 + $1.regions.count } }

    /// Regions per tag.
    public var regionCountsByTag: [String: Int] {
        var counts: [String: Int] = [:]
        for image in images {
            for region in image.regions { counts[region.tag, default: 0] += 1 }
        }
        return counts
    }

    /// Images per tag (an image counts once per tag, whether tagged whole or by a region).
    public var imageCountsByTag: [String: Int] {
        var counts: [String: Int] = [:]
        for image in images {
            for tag in image.allTags { counts[tag, default: 0] += 1 }  // `allTags` has no repeats
        }
        return counts
    }
}

/// One image of a dataset with its labels.
public struct DatasetImage: Sendable, Hashable {
    /// The image file.
    public var path: URL
    /// Width in pixels (0 when unknown: image missing and the annotation gives no size).
    public var width: Int
    /// Height in pixels (0 when unknown).
    public var height: Int
    /// Whole-image (classification) tags.
    public var tags: [String]
    /// Object detection regions.
    public var regions: [DatasetRegion]
    /// Where the image's labels came from (annotation file, line or JSON path).
    public var source: DatasetLocation
    /// The split the source assigns (`train`, `val`, `test`), when it does: YOLO `data.yaml` folders, COCO file
    /// names such as `instances_val2017.json`.
    public var split: String?
    /// Where the annotation states the image's size, when the reader took that size as written instead of reading
    /// the image's header to check it (`DatasetReader.Options.checkStatedSizes` false): whoever reads the image's
    /// bytes checks it then, with ``sizeMismatch(actualWidth:actualHeight:)``. Nil when the size was checked or
    /// comes from the image itself.
    public var uncheckedSize: DatasetLocation?

    /// Creates an image entry.
    public init(
        path: URL, width: Int, height: Int, tags: [String] = [], regions: [DatasetRegion] = [],
        source: DatasetLocation, split: String? = nil, uncheckedSize: DatasetLocation? = nil
    ) {
        self.path = path
        self.width = width
        self.height = height
        self.tags = tags
        self.regions = regions
        self.source = source
        self.split = split
        self.uncheckedSize = uncheckedSize
    }

    /// The warning a Pascal VOC reader gives when the image's own size differs from the `<size>` it states
    /// (`width` × `height` here), at `place` (default: ``uncheckedSize``); nil when they agree. Boxes stay scaled by
    /// the stated size.
    public func sizeMismatch(actualWidth: Int, actualHeight: Int, at place: DatasetLocation? = nil) -> Finding? {
        Self.sizeMismatch(
            stated: (width, height), actual: (actualWidth, actualHeight), at: place ?? uncheckedSize ?? source)
    }

    /// The `sizeMismatch` warning of a `<size>` stated at `place`, or nil when the sizes agree (or none is stated).
    static func sizeMismatch(
        stated: (width: Int, height: Int), actual: (width: Int, height: Int), at place: DatasetLocation
    ) -> Finding? {
        guard stated.width > 0, stated.height > 0, actual != stated else { return nil }
        return Finding(
            .warning, "sizeMismatch",
            "<size> is \(stated.width)×\(stated.height) but the image is \(actual.width)×\(actual.height); "
                + "boxes are scaled by <size>",
            at: place)
    }

    /// Whole-image tags followed by region tags, without repeats.
    public var allTags: [String] {
        guard tags.count + regions.count > 16 else {  // few labels (nearly always): a linear scan, no hashing
            var result: [String] = []
            for tag in tags where !result.contains(tag) { result.append(tag) }
            for region in regions where !result.contains(region.tag) { result.append(region.tag) }
            return result
        }
        var seen = Set<String>()
        return (tags + regions.map(\.tag)).filter { seen.insert($0).inserted }
    }

    /// True when `tag` tags the image or one of its regions: `allTags.contains(tag)` without building the list.
    func uses(_ tag: String) -> Bool {
        tags.contains(tag) || regions.contains { $0.tag == tag }
    }
}

/// A tagged box on an image.
public struct DatasetRegion: Sendable, Hashable {
    /// The tag (class name).
    public var tag: String
    /// The box, normalized to the image's size.
    public var box: BoundingBox
    /// Pascal VOC `difficult`.
    public var difficult: Bool
    /// Pascal VOC `truncated`.
    public var truncated: Bool
    /// COCO `iscrowd`.
    public var isCrowd: Bool

    /// Creates a region.
    public init(tag: String, box: BoundingBox, difficult: Bool = false, truncated: Bool = false, isCrowd: Bool = false)
    {
        self.tag = tag
        self.box = box
        self.difficult = difficult
        self.truncated = truncated
        self.isCrowd = isCrowd
    }
}
