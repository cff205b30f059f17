import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ProjectAndTagTests {
    @Test func servesTheRealDomains() async throws {
        try await withServer { cv in
            let domains = try cv.decode([Domain].self, try await cv.training(.get, "domains"))
            #expect(domains.filter { $0.type == .objectDetection }.count == 6)
            #expect(domains.filter { $0.exportable == true }.count == 6)
            let general = try cv.decode(
                Domain.self,
                try await cv.training(.get, "domains/da2e3a8a-40a5-4171-82f4-58522f70fbc1"))
            #expect(general.name == "General" && general.type == .objectDetection)
            let missing = try await cv.training(.get, "domains/\(UUID())")
            #expect(try cv.error(missing, status: .notFound).code == .notFoundDomain)
        }
    }

    @Test func createsReadsUpdatesAndDeletesProjects() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("birds", classification: "Multilabel")
            #expect(project.settings.classificationType == .multilabel)
            #expect(project.settings.domainId == UUID(uuidString: "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"))
            let listed = try cv.decode([Project].self, try await cv.training(.get, "projects"))
            #expect(listed.map(\.id) == [project.id])
            let updated = try cv.decode(
                Project.self,
                try await cv.training(
                    .patch, "projects/\(project.id)", json: ["name": "birds2", "description": "d"]))
            #expect(updated.name == "birds2" && updated.description == "d")
            let fetched = try cv.decode(Project.self, try await cv.training(.get, "projects/\(project.id)"))
            #expect(fetched.name == "birds2")
            #expect(try await cv.training(.delete, "projects/\(project.id)").status == .noContent)
            let gone = try await cv.training(.get, "projects/\(project.id)")
            #expect(try cv.error(gone, status: .notFound).code == .notFoundProject)
        }
    }

    @Test func refusesBadProjectArguments() async throws {
        try await withServer { cv in
            _ = try await cv.createProject("a")
            let duplicate = try await cv.training(.post, "projects?name=a")
            #expect(try cv.error(duplicate, status: .badRequest).code == .badRequestProjectNameNotUnique)
            let unknown = try await cv.training(.post, "projects?name=b&domainId=\(UUID())")
            #expect(try cv.error(unknown, status: .badRequest).code == .badRequestProjectUnknownDomain)
            let noName = try await cv.training(.post, "projects")
            #expect(try cv.error(noName, status: .badRequest).code == .badRequestRequiredParamIsNull)
        }
    }

    @Test func freeTierAllowsTwoProjects() async throws {
        try await withServer(testConfiguration(tier: .f0)) { cv in
            _ = try await cv.createProject("a")
            try await Task.sleep(for: .milliseconds(600))
            _ = try await cv.createProject("b")
            try await Task.sleep(for: .milliseconds(600))
            let third = try await cv.training(.post, "projects?name=c")
            #expect(try cv.error(third, status: .badRequest).code == .badRequestExceedProjectLimit)
        }
    }

    @Test func managesTags() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let cat = try await cv.createTag(project.id, "cat")
            _ = try await cv.createTag(project.id, "none", type: "Negative")
            let duplicate = try await cv.training(.post, "projects/\(project.id)/tags?name=CAT")
            #expect(try cv.error(duplicate, status: .badRequest).code == .badRequestTagNameNotUnique)
            let secondNegative = try await cv.training(.post, "projects/\(project.id)/tags?name=n2&type=Negative")
            #expect(try cv.error(secondNegative, status: .badRequest).code == .badRequestMultipleNegativeTag)
            let renamed = try cv.decode(
                CustomVisionCore.Tag.self,
                try await cv.training(
                    .patch, "projects/\(project.id)/tags/\(cat.id)", json: ["name": "kitty"]))
            #expect(renamed.name == "kitty")
            let got = try cv.decode(
                CustomVisionCore.Tag.self,
                try await cv.training(.get, "projects/\(project.id)/tags/\(cat.id)"))
            #expect(got.name == "kitty" && got.imageCount == 0)
            let all = try cv.decode(
                [CustomVisionCore.Tag].self, try await cv.training(.get, "projects/\(project.id)/tags"))
            #expect(all.count == 2)
            #expect(try await cv.training(.delete, "projects/\(project.id)/tags/\(cat.id)").status == .noContent)
            let gone = try await cv.training(.get, "projects/\(project.id)/tags/\(cat.id)")
            #expect(try cv.error(gone, status: .notFound).code == .notFoundTag)
        }
    }

    @Test func countsEachTagsImagesOnce() async throws {
        try await withServer { cv in
            let (project, red, blue) = try await redBlueProject(cv)  // six images of each
            let iteration = try await trainAndWait(cv, project.id)
            let none = try await cv.createTag(project.id, "none", type: "Negative")
            _ = try await cv.createTag(project.id, "unused")
            _ = try await cv.upload(project.id, reds(2, offset: 20), tags: [none.id])
            _ = try await cv.upload(project.id, reds(3, offset: 30))  // untagged
            // Tagged red with a red and a blue region on it: one more image for each, red counted once.
            let both = try #require(try await cv.upload(project.id, reds(1, offset: 40), tags: [red.id]).images?
                .first?.image?.id)
            let regions = [red.id, blue.id].map {
                ImageRegionCreateEntry(imageId: both, tagId: $0, left: 0.1, top: 0.1, width: 0.5, height: 0.5)
            }
            _ = try cv.decode(
                ImageRegionCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/regions", json: ImageRegionCreateBatch(regions: regions)))
            // Another project's images count for its own tags only.
            let (other, otherRed, _) = try await redBlueProject(cv, name: "other")
            _ = try await cv.upload(other.id, reds(2, offset: 50), tags: [otherRed.id])

            func counts(_ query: String = "") async throws -> [String: Int] {
                let tags = try cv.decode(
                    [CustomVisionCore.Tag].self, try await cv.training(.get, "projects/\(project.id)/tags\(query)"))
                return Dictionary(uniqueKeysWithValues: tags.map { ($0.name, $0.imageCount ?? -1) })
            }
            #expect(try await counts() == ["red": 7, "blue": 7, "none": 2, "unused": 0])
            // With iterationId: the iteration's tags, with the images they had when it was trained.
            #expect(try await counts("?iterationId=\(iteration.id)") == ["red": 6, "blue": 6])
            for (query, count) in [("", 7), ("?iterationId=\(iteration.id)", 6)] {
                let one = try cv.decode(
                    CustomVisionCore.Tag.self,
                    try await cv.training(.get, "projects/\(project.id)/tags/\(red.id)\(query)"))
                #expect(one.imageCount == count, "\(query)")
            }
            let otherTags = try cv.decode(
                [CustomVisionCore.Tag].self, try await cv.training(.get, "projects/\(other.id)/tags"))
            #expect(otherTags.first { $0.id == otherRed.id }?.imageCount == 8)
            // Deleting the tagged image counts it out of both tags.
            let deleted = try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(both)")
            #expect(deleted.status == .noContent)
            #expect(try await counts() == ["red": 6, "blue": 6, "none": 2, "unused": 0])
        }
    }
}
