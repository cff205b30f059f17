import CustomVisionHTTP

/// The upload's planner: the library's, over dataset items whose tags are still names.
public typealias BatchPlanner = ImageBatchPlanner<UploadItem>

extension UploadItem: ImageBatchItem {
    public var batchByteCount: Int { bytes.count }
    public var batchTags: Set<String> { allTags }
    public var batchRegionCount: Int { regions.count }
}

extension BatchLimits {
    /// Why `item` can never fit a request, as the upload reports it, or `nil` when it can.
    func failure(of item: UploadItem) -> UploadFailure? {
        rejection(of: item).map { UploadFailure(name: item.name, status: $0.status.rawValue, reason: $0.reason) }
    }
}
