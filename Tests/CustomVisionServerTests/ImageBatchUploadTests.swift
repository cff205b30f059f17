import CVTestSupport
import CustomVisionCore
import CustomVisionHTTP
import CustomVisionServer
import Foundation
import Testing

/// `TrainingClient.uploadImages`: any number of images, split within the service's limits, against a live cvserver.
@Suite struct ImageBatchUploadTests {
    /// Progress reports, kept from a `@Sendable` callback.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [ImageUploadProgress] = []
        func append(_ report: ImageUploadProgress) { lock.withLock { reports.append(report) } }
        var all: [ImageUploadProgress] { lock.withLock { reports } }
    }

    @Test func uploadsMoreThanABatchInOrderAndTwiceWithoutDuplicates() async throws {
        try await withLiveServer { server in
            let (training, _) = clients(server)
            let project = try await training.createProject(name: "batches")
            var tags: [CustomVisionCore.Tag] = []
            for i in 0..<25 { tags.append(try await training.createTag(projectId: project.id, name: "t\(i)")) }
            // 150 images over 25 tags: requests close at 64 images and at 20 distinct tags.
            let pngs = reds(150)
            var entries = pngs.enumerated().map { i, png in
                ImageFileCreateEntry(name: "img\(i).png", contents: Data(png), tagIds: [tags[i % 25].id])
            }
            // Two that can never be sent: 65 regions, and 7 MB.
            let box = Region(tagId: tags[0].id, left: 0.1, top: 0.1, width: 0.2, height: 0.2)
            entries.append(ImageFileCreateEntry(name: "regions.png", contents: Data(blues(1)[0]),
                                                regions: Array(repeating: box, count: 65)))
            entries.append(ImageFileCreateEntry(name: "big.png", contents: Data(count: 7 << 20)))
            let reports = Reports()
            let results = try await training.uploadImages(
                projectId: project.id, images: entries, concurrency: 3, progress: reports.append)
            #expect(results.count == entries.count)
            #expect(results.prefix(150).allSatisfy { $0.status == .ok })
            let names = results.prefix(150).map { TrainingClient.echoedName($0.sourceUrl) }
            #expect(names == (0..<150).map { "img\($0).png" })
            #expect(results[150].status == .errorRegionLimitExceed && results[150].image == nil)
            #expect(results[151].status == .errorImageSize && results[151].image == nil)
            // Each image carries its own tag.
            for i in [0, 24, 64, 149] { #expect(results[i].image?.tags?.map(\.tagId) == [tags[i % 25].id]) }
            #expect(try await training.getImageCount(projectId: project.id) == 150)
            let final = try #require(reports.all.last)
            #expect(final.finished == entries.count && final.total == entries.count)
            // 150 images in 20-tag runs: at least 8 requests (no request holds more than 20 of the 25 tags).
            #expect(final.requests >= 8)
            #expect(reports.all.first?.finished == 2)  // the two refused before anything was sent

            // Again: everything is already there, nothing is stored twice.
            let again = try await training.uploadImages(projectId: project.id, images: Array(entries.prefix(150)))
            #expect(again.allSatisfy { $0.status == .okDuplicate })
            #expect(again.map(\.image?.id) == results.prefix(150).map(\.image?.id))
            #expect(try await training.getImageCount(projectId: project.id) == 150)
        }
    }

    @Test func losesNothingUnderInjectedFaults() async throws {
        let faults = FaultConfiguration(rate: 0.3, kinds: [.serverError, .reset], seed: 5)
        try await withLiveServer(testConfiguration(faults: faults)) { server in
            let (training, _) = clients(server)
            var project: Project?
            while project == nil { project = try? await training.createProject(name: "faulty") }
            let id = try #require(project?.id)
            let entries = blues(100).enumerated().map { ImageFileCreateEntry(name: "b\($0.offset).png",
                                                                             contents: Data($0.element)) }
            let results = try await training.uploadImages(
                projectId: id, images: entries, limits: BatchLimits(images: 10, tags: 20, regions: 64,
                                                                    bytes: 12 << 20, imageBytes: 6 << 20))
            // A request whose first attempt was stored answers OKDuplicate on its retry.
            #expect(results.allSatisfy { $0.status == .ok || $0.status == .okDuplicate })
            #expect(Set(results.compactMap(\.image?.id)).count == 100)
            var count = -1
            while count < 0 { count = (try? await training.getImageCount(projectId: id)) ?? -1 }
            #expect(count == 100)
        }
    }
}
