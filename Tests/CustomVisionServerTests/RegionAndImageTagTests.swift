import CVTestSupport
import CustomVisionCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct RegionAndImageTagTests {
    @Test func createsAndDeletesRegions() async throws {
        try await withServer { cv in
            let project = try await cv.createProject(domain: "da2e3a8a-40a5-4171-82f4-58522f70fbc1")
            let tag = try await cv.createTag(project.id, "box")
            let image = try #require(try await cv.upload(project.id, reds(1)).images?.first?.image)
            let entry = ImageRegionCreateEntry(
                imageId: image.id, tagId: tag.id, left: 0.1, top: 0.2, width: 0.3, height: 0.4)
            let created = try cv.decode(
                ImageRegionCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/regions", json: ImageRegionCreateBatch(regions: [entry])))
            let region = try #require(created.created?.first)
            #expect(region.tagName == "box" && region.left == 0.1)
            let again = try cv.decode(
                ImageRegionCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/regions", json: ImageRegionCreateBatch(regions: [entry])),
                status: .multiStatus)
            #expect(again.duplicated?.count == 1)
            let outside = ImageRegionCreateEntry(
                imageId: image.id, tagId: tag.id, left: 0.9, top: 0, width: 0.5, height: 0.5)
            _ = try cv.error(
                try await cv.training(
                    .post, "projects/\(project.id)/images/regions", json: ImageRegionCreateBatch(regions: [outside])),
                status: .badRequest)
            let regionId = try #require(region.regionId)
            #expect(
                try await cv.training(.delete, "projects/\(project.id)/images/regions?regionIds=\(regionId)").status
                    == .noContent)
            let after = try cv.decode(
                [Image].self, try await cv.training(.get, "projects/\(project.id)/images/id?imageIds=\(image.id)"))
            #expect(after.first?.regions?.isEmpty == true)
        }
    }

    @Test func createsAndDeletesImageTags() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let a = try await cv.createTag(project.id, "a")
            let negative = try await cv.createTag(project.id, "n", type: "Negative")
            let image = try #require(try await cv.upload(project.id, reds(1)).images?.first?.image)
            let batch = ImageTagCreateBatch(tags: [ImageTagCreateEntry(imageId: image.id, tagId: a.id)])
            let summary = try cv.decode(
                ImageTagCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/tags", json: batch))
            #expect(summary.created?.count == 1)
            let duplicate = try cv.decode(
                ImageTagCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/tags", json: batch))
            #expect(duplicate.duplicated?.count == 1)
            let mixed = ImageTagCreateBatch(tags: [ImageTagCreateEntry(imageId: image.id, tagId: negative.id)])
            let refused = try await cv.training(.post, "projects/\(project.id)/images/tags", json: mixed)
            #expect(try cv.error(refused, status: .badRequest).code == .badRequestNegativeAndRegularTagOnSameImage)
            #expect(
                try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/tagged/count")) == 1)
            #expect(
                try await cv.training(
                    .delete, "projects/\(project.id)/images/tags?imageIds=\(image.id)&tagIds=\(a.id)"
                ).status == .noContent)
            #expect(
                try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/untagged/count"))
                    == 1)
        }
    }
}
