import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import Testing

/// Duplicates and the per-project image limit are found through an index kept with the images: it must follow every
/// way an image comes and goes (batches, deletes, a restart, a deleted project).
struct DuplicateIndexTests {
    @Test func duplicatesAreFoundInTheBatchAcrossBatchesAndNotAfterADelete() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let images = reds(3)
            let first = try await cv.upload(project.id, [images[0], images[1], images[0]], status: .multiStatus)
            #expect(first.images?.map(\.status) == [.ok, .ok, .okDuplicate])
            let firstId = try #require(first.images?[0].image?.id)
            #expect(first.images?[2].image?.id == firstId)
            let again = try await cv.upload(project.id, [images[1], images[2]], status: .multiStatus)
            #expect(again.images?.map(\.status) == [.okDuplicate, .ok])
            #expect(again.images?[0].image?.id == first.images?[1].image?.id)
            // Deleted, the bytes are new again.
            _ = try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(firstId)")
            let back = try await cv.upload(project.id, [images[0]])
            #expect(back.images?.map(\.status) == [.ok])
            #expect(back.images?[0].image?.id != firstId)
            // Another project holds its own copy.
            let other = try await cv.createProject("q")
            #expect(try await cv.upload(other.id, [images[0]]).images?.map(\.status) == [.ok])
        }
    }

    @Test func theImageLimitCountsWhatIsThereAfterDeletes() async throws {
        let tier = ServiceTier(name: "tiny", maxProjects: 10, maxImagesPerProject: 3, transactionsPerSecond: 1e6)
        try await withServer(testConfiguration(tier: tier)) { cv in
            let project = try await cv.createProject()
            let summary = try await cv.upload(project.id, reds(4), status: .multiStatus)
            #expect(summary.images?.map(\.status) == [.ok, .ok, .ok, .errorLimitExceed])
            let id = try #require(summary.images?[0].image?.id)
            _ = try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(id)")
            #expect(try await cv.upload(project.id, reds(1, offset: 3)).images?.map(\.status) == [.ok])
        }
    }

    @Test func aReuploadAnswersWithTheStoredImagesAndTheirSizes() async throws {
        // Bytes a project holds are not decoded again: what the answer says of them comes from the stored image.
        try await withServer { cv in
            let project = try await cv.createProject()
            let square = reds(1)[0], wide = TestPNG.solid(300, 120, rgb: (10, 200, 30))
            let first = try await cv.upload(project.id, [square, wide])
            let stored = (first.images ?? []).compactMap(\.image)
            try #require(stored.count == 2)
            #expect(stored.map(\.width) == [64, 300])
            let again = try await cv.upload(project.id, [wide, blues(1)[0], square], status: .multiStatus)
            #expect(again.images?.map(\.status) == [.okDuplicate, .ok, .okDuplicate])
            let answered = (again.images ?? []).compactMap(\.image)
            try #require(answered.count == 3)
            #expect(answered.map(\.id) == [stored[1].id, answered[1].id, stored[0].id])
            #expect(answered.map(\.width) == [300, 64, 64])
            #expect(answered.map(\.height) == [120, 64, 64])
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(count == 3)
        }
    }

    @Test func aRestartRebuildsTheIndexAndADeletedProjectTakesItsEntries() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = blues(2)
        let (project, ids) = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let project = try await cv.createProject()
            return (project.id, try await cv.upload(project.id, images).images?.compactMap(\.image?.id) ?? [])
        }
        try await withServer(testConfiguration(directory: dir)) { cv in
            let summary = try await cv.upload(project, images + blues(1, offset: 2), status: .multiStatus)
            #expect(summary.images?.map(\.status) == [.okDuplicate, .okDuplicate, .ok])
            #expect(summary.images?.prefix(2).compactMap(\.image?.id) == ids)
            _ = try await cv.training(.delete, "projects/\(project)")
            let fresh = try await cv.createProject("again")
            #expect(try await cv.upload(fresh.id, images).images?.map(\.status) == [.ok, .ok])
        }
    }
}
