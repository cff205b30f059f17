import Foundation

extension TrainingClient {
    /// Every image matching the filters, fetched with GetImages a page (`pageSize` ≤ 256) at a time.
    public func images(
        projectId: UUID, iterationId: UUID? = nil, tagIds: [UUID]? = nil, taggingStatus: TaggingStatus? = nil,
        filter: String? = nil, orderBy: OrderBy? = nil, pageSize: Int = ServiceLimits.maxTake
    ) -> PagedSequence<Image> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await getImages(
                projectId: projectId, iterationId: iterationId, tagIds: tagIds, taggingStatus: taggingStatus,
                filter: filter, orderBy: orderBy, take: take, skip: skip)
        }
    }

    /// Every tagged image, fetched with GetTaggedImages a page at a time.
    public func taggedImages(
        projectId: UUID, iterationId: UUID? = nil, tagIds: [UUID]? = nil, orderBy: OrderBy? = nil,
        pageSize: Int = ServiceLimits.maxTake
    ) -> PagedSequence<Image> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await getTaggedImages(
                projectId: projectId, iterationId: iterationId, tagIds: tagIds, orderBy: orderBy, take: take,
                skip: skip)
        }
    }

    /// Every untagged image, fetched with GetUntaggedImages a page at a time.
    public func untaggedImages(
        projectId: UUID, iterationId: UUID? = nil, orderBy: OrderBy? = nil, pageSize: Int = ServiceLimits.maxTake
    ) -> PagedSequence<Image> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await getUntaggedImages(
                projectId: projectId, iterationId: iterationId, orderBy: orderBy, take: take, skip: skip)
        }
    }

    /// Every image performance of an iteration, fetched with GetImagePerformances a page at a time.
    public func imagePerformances(
        projectId: UUID, iterationId: UUID, tagIds: [UUID]? = nil, orderBy: OrderBy? = nil,
        pageSize: Int = ServiceLimits.maxTake
    ) -> PagedSequence<ImagePerformance> {
        PagedSequence(pageSize: pageSize) { skip, take in
            try await getImagePerformances(
                projectId: projectId, iterationId: iterationId, tagIds: tagIds, orderBy: orderBy, take: take,
                skip: skip)
        }
    }
}
