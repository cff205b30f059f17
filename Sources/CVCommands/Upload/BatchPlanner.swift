/// Limits of one upload request.
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
    public static let service = BatchLimits(images: 64, tags: 20, regions: 64, bytes: 12 << 20, imageBytes: 6 << 20)

    public init(images: Int, tags: Int, regions: Int, regionsPerRequest: Int = .max, bytes: Int, imageBytes: Int) {
        self.images = images
        self.tags = tags
        self.regions = regions
        self.regionsPerRequest = regionsPerRequest
        self.bytes = bytes
        self.imageBytes = imageBytes
    }

    /// Why `item` can never fit a request, or `nil` when it can.
    public func rejection(of item: UploadItem) -> UploadFailure? {
        if item.bytes.count > imageBytes {
            return UploadFailure(name: item.name, status: "ErrorImageSize",
                                 reason: "image is \(item.bytes.count) bytes; the limit is \(imageBytes)")
        }
        if item.allTags.count > tags {
            return UploadFailure(name: item.name, status: "ErrorTagLimitExceed",
                                 reason: "image has \(item.allTags.count) tags; the limit is \(tags)")
        }
        if item.regions.count > regions {
            return UploadFailure(name: item.name, status: "ErrorRegionLimitExceed",
                                 reason: "image has \(item.regions.count) regions; the limit is \(regions)")
        }
        return nil
    }
}

/// Groups items into requests within ``BatchLimits``, in arrival order, holding at most one open batch.
public struct BatchPlanner: Sendable {
    /// The limits every batch respects.
    public let limits: BatchLimits
    private var open: [UploadItem] = []
    private var openTags: Set<String> = []
    private var openRegions = 0
    private var openBytes = 0

    public init(limits: BatchLimits = .service) { self.limits = limits }

    /// Adds an item (which must pass ``BatchLimits/rejection(of:)``); returns the batch it closed, if any: the open
    /// batch when the item does not fit it, or the batch the item fills to the image limit (sent at once rather than
    /// when the next item arrives, which may be a dataset part later).
    public mutating func add(_ item: UploadItem) -> [UploadItem]? {
        let tags = openTags.union(item.allTags)
        let fits = open.count < limits.images && tags.count <= limits.tags
            && openRegions + item.regions.count <= limits.regionsPerRequest
            && openBytes + item.bytes.count <= limits.bytes
        var closed: [UploadItem]?
        if !fits, !open.isEmpty { closed = flush() }
        open.append(item)
        openTags.formUnion(item.allTags)
        openRegions += item.regions.count
        openBytes += item.bytes.count
        if closed == nil, open.count >= limits.images { closed = flush() }
        return closed
    }

    /// Items in the open batch.
    public var openCount: Int { open.count }

    /// Closes and returns the open batch, if it holds anything.
    public mutating func flush() -> [UploadItem]? {
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
