import CustomVisionCore
import Foundation
import HashTreeCollections
import Testing

@testable import CustomVisionServer

/// `StoreData.images(of:)` answers from the per-project index kept with the images: after any sequence of puts,
/// re-puts, removals and project deletions it must hold exactly what a scan of every image would find.
struct ProjectImageIndexTests {
    private func image(_ project: UUID, digest: String, tag: UUID? = nil) -> ImageRecord {
        ImageRecord(
            id: UUID.random(), projectId: project, created: Date(), width: 256, height: 256, blob: digest,
            tags: tag.map { [TagAssignment(tagId: $0, created: Date())] } ?? [], regions: [], metadata: [:])
    }

    private func expectIndexMatchesAScan(_ data: StoreData, _ projects: [UUID]) {
        for project in projects {
            let indexed = data.images(of: project).map(\.id)
            let scanned = data.images.values.filter { $0.projectId == project }.map(\.id)
            #expect(indexed.count == Set(indexed).count, "an image listed twice")
            #expect(Set(indexed) == Set(scanned))
            #expect(data.imageCount(of: project) == scanned.count)
        }
    }

    @Test func followsPutsRePutsRemovalsAndDeletedProjects() {
        var data = StoreData()
        let projects = (0..<3).map { _ in UUID.random() }
        var generator = SystemRandomNumberGenerator()
        var live: [ImageRecord] = []
        for step in 0..<600 {
            let project = projects.randomElement(using: &generator)!
            switch step % 5 {
            case 0, 1, 2:
                // Digests repeat across projects and within one (an image and its OKDuplicate twin share none).
                let record = image(project, digest: "d\(Int.random(in: 0..<40, using: &generator))")
                data.put(record)
                live.append(record)
            case 3 where !live.isEmpty:
                // Re-put: tagged afterwards, as CreateImageTags does.
                var record = live.remove(at: Int.random(in: 0..<live.count, using: &generator))
                record.tags = [TagAssignment(tagId: UUID.random(), created: Date())]
                data.put(record)
                live.append(record)
            case 4 where !live.isEmpty:
                let record = live.remove(at: Int.random(in: 0..<live.count, using: &generator))
                data.remove(.image, record.id)
            default:
                break
            }
            if step % 50 == 0 { expectIndexMatchesAScan(data, projects) }
        }
        expectIndexMatchesAScan(data, projects)
        #expect(!data.images(of: projects[1]).isEmpty)
        data.removeProject(projects[1])
        #expect(data.images(of: projects[1]).isEmpty)
        expectIndexMatchesAScan(data, projects)
        #expect(data.images(of: UUID.random()).isEmpty)
    }

    @Test func aRestartRebuildsTheIndex() throws {
        var data = StoreData()
        let project = UUID.random(), other = UUID.random()
        for i in 0..<20 { data.put(image(i < 15 ? project : other, digest: "d\(i % 7)")) }
        let documents = data.pending.compactMap { change -> MetadataStore.Document? in
            if case .put(let document) = change { return document }
            return nil
        }
        var problems: [String] = []
        let reloaded = StoreData(documents: documents, problems: &problems)
        #expect(problems.isEmpty)
        #expect(Set(reloaded.images(of: project).map(\.id)) == Set(data.images(of: project).map(\.id)))
        #expect(reloaded.images(of: project).count == 15)
        #expect(reloaded.images(of: other).count == 5)
    }
}
