import CustomVisionCore
import Foundation

/// A labelled box of an upload item, by tag name.
public struct UploadRegion: Hashable, Sendable, Codable {
    /// The tag's name.
    public var tag: String
    /// The normalized box.
    public var box: BoundingBox

    public init(tag: String, box: BoundingBox) {
        self.tag = tag
        self.box = box
    }
}

/// One image ready to upload: its final bytes, its tags and regions by name, and its journal hash.
public struct UploadItem: Hashable, Sendable {
    /// The item's path in the dataset (also the entry name sent to the service).
    public var name: String
    /// The bytes to upload (prepared, or the original file with `--no-prep`). `Data`, so that the request entry
    /// shares them instead of copying them while the batch is in flight.
    public var bytes: Data
    /// Image-level tags (classification).
    public var tags: [String]
    /// Regions (object detection).
    public var regions: [UploadRegion]
    /// The journal key: by default SHA-256 over bytes, tags and regions (see ``key(source:settings:tags:regions:)``).
    public var hash: String

    /// Creates an item; `hash` defaults to the key of its own bytes and labels.
    public init(name: String, bytes: Data, tags: [String], regions: [UploadRegion], hash: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.tags = tags
        self.regions = regions
        self.hash = hash ?? Self.key(source: bytes, settings: "", tags: tags, regions: regions)
    }

    /// Creates an item from a byte array.
    public init(name: String, bytes: [UInt8], tags: [String], regions: [UploadRegion], hash: String? = nil) {
        self.init(name: name, bytes: Data(bytes), tags: tags, regions: regions, hash: hash)
    }

    /// SHA-256 over source bytes, the preparation settings and the labels: the same dataset item prepared the same
    /// way has the same key, so a re-run can skip it before preparing it.
    public static func key(
        source: some Collection<UInt8>, settings: String, tags: [String], regions: [UploadRegion]
    ) -> String {
        var hasher = SHA256()
        hasher.update(source)
        // The labels as one text, hashed once (the same bytes as one update per label, fewer allocations).
        var labels = "|s:" + settings
        for tag in tags.sorted() { labels += "|t:\(tag)" }
        for r in regions { labels += "|r:\(r.tag):\(r.box.left),\(r.box.top),\(r.box.width),\(r.box.height)" }
        labels.withUTF8 { hasher.update(UnsafeRawBufferPointer($0)) }
        return hasher.finalizeHex()
    }

    /// Every tag name the item uses, image tags and region tags, without repeats.
    public var allTags: Set<String> { Set(tags).union(regions.map(\.tag)) }
}

/// An element of the stream the upload engine consumes.
public enum UploadElement: Sendable {
    /// An item to upload.
    case item(UploadItem)
    /// An item that could not be read or prepared.
    case failed(UploadFailure)
    /// An item the journal says is already uploaded.
    case skipped(name: String)
}

/// Why an item was not uploaded.
public struct UploadFailure: Hashable, Sendable, Codable {
    /// The item's path in the dataset.
    public var name: String
    /// The service status (e.g. `ErrorImageFormat`) or a local reason code (e.g. `PrepareFailed`).
    public var status: String
    /// A sentence explaining it.
    public var reason: String

    public init(name: String, status: String, reason: String) {
        self.name = name
        self.status = status
        self.reason = reason
    }
}
