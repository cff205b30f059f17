import Foundation

/// What ``ImageBatchPlanner`` reads of an image to place it in a request: its size, the tags it uses (image tags
/// and region tags alike) and its region count.
public protocol ImageBatchItem {
    /// How a tag is told apart: an id, or a name before the tag exists.
    associatedtype TagKey: Hashable
    /// Bytes of the encoded image, before base64.
    var batchByteCount: Int { get }
    /// Every tag the image uses, without repeats.
    var batchTags: Set<TagKey> { get }
    /// Regions on the image.
    var batchRegionCount: Int { get }
}

extension ImageFileCreateEntry: ImageBatchItem {
    public var batchByteCount: Int { contents?.count ?? 0 }
    public var batchTags: Set<UUID> { Set(tagIds ?? []).union((regions ?? []).map(\.tagId)) }
    public var batchRegionCount: Int { regions?.count ?? 0 }
}

/// Why an image can never be sent: the status the service would answer for it, and a sentence saying why.
public struct ImageBatchRejection: Hashable, Sendable {
    /// `ErrorImageSize`, `ErrorTagLimitExceed` or `ErrorRegionLimitExceed`.
    public var status: ImageCreateStatus
    /// For example "image is 7340032 bytes; the limit is 6291456".
    public var reason: String

    /// Creates a rejection.
    public init(status: ImageCreateStatus, reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// The limits of one image-create request.
public struct BatchLimits: Hashable, Sendable {
    /// Images per request (service: 64).
    public var images: Int
    /// Distinct tags per request (service: 20).
    public var tags: Int
    /// Regions on one image (service: 64; cvserver answers ErrorRegionLimitExceed above it).
    public var regions: Int
    /// Regions in one request, all images together (the service sets none; kept for stricter gateways).
    public var regionsPerRequest: Int
    /// Image bytes per request, before base64.
    public var bytes: Int
    /// Bytes of one image (service: 6 MB).
    public var imageBytes: Int

    /// The Custom Vision service's limits, with requests kept under 12 MB of image bytes.
    public static let service = BatchLimits(
        images: ServiceLimits.imagesPerBatch, tags: ServiceLimits.tagsPerBatch,
        regions: ServiceLimits.regionsPerBatch, bytes: 12 << 20, imageBytes: ServiceLimits.maxTrainingImageBytes)

    /// Creates limits; `regionsPerRequest` defaults to none.
    public init(images: Int, tags: Int, regions: Int, regionsPerRequest: Int = .max, bytes: Int, imageBytes: Int) {
        self.images = images
        self.tags = tags
        self.regions = regions
        self.regionsPerRequest = regionsPerRequest
        self.bytes = bytes
        self.imageBytes = imageBytes
    }

    /// Why `item` can never fit a request, or `nil` when it can.
    @inlinable
    public func rejection(of item: some ImageBatchItem) -> ImageBatchRejection? {
        if item.batchByteCount > imageBytes {
            return ImageBatchRejection(status: .errorImageSize,
                                       reason: "image is \(item.batchByteCount) bytes; the limit is \(imageBytes)")
        }
        if item.batchTags.count > tags {
            return ImageBatchRejection(status: .errorTagLimitExceed,
                                       reason: "image has \(item.batchTags.count) tags; the limit is \(tags)")
        }
        if item.batchRegionCount > regions {
            return ImageBatchRejection(status: .errorRegionLimitExceed,
                                       reason: "image has \(item.batchRegionCount) regions; the limit is \(regions)")
        }
        return nil
    }
}

/// Groups images into requests within ``BatchLimits``, in arrival order, holding at most one open batch.
public struct ImageBatchPlanner<Item: ImageBatchItem> {
    /// The limits every batch respects.
    public let limits: BatchLimits
    // Inlinable, so a client's planner is specialized for its item type (cvctl plans every dataset item).
    @usableFromInline var open: [Item] = []
    @usableFromInline var openTags: Set<Item.TagKey> = []
    @usableFromInline var openRegions = 0
    @usableFromInline var openBytes = 0

    /// Creates a planner with no open batch.
    @inlinable
    public init(limits: BatchLimits = .service) { self.limits = limits }

    /// Adds an item (which must pass ``BatchLimits/rejection(of:)``); returns the batch it closed, if any: the open
    /// batch when the item does not fit it, or the batch the item fills to the image limit (sent at once rather than
    /// when the next item arrives, which may be a dataset part later).
    @inlinable
    public mutating func add(_ item: Item) -> [Item]? {
        let tags = item.batchTags
        let fits = open.count < limits.images && openTags.union(tags).count <= limits.tags
            && openRegions + item.batchRegionCount <= limits.regionsPerRequest
            && openBytes + item.batchByteCount <= limits.bytes
        var closed: [Item]?
        if !fits, !open.isEmpty { closed = flush() }
        open.append(item)
        openTags.formUnion(tags)
        openRegions += item.batchRegionCount
        openBytes += item.batchByteCount
        if closed == nil, open.count >= limits.images { closed = flush() }
        return closed
    }

    /// Items in the open batch.
    @inlinable
    public var openCount: Int { open.count }

    /// Closes and returns the open batch, if it holds anything.
    @inlinable
    public mutating func flush() -> [Item]? {
        guard !open.isEmpty else { return nil }
        defer {
            open = []
            openTags = []
            openRegions = 0
            openBytes = 0
        }
        return open
    }
}

extension ImageBatchPlanner: Sendable where Item: Sendable, Item.TagKey: Sendable {}
