import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import ImagePrep
import NIOCore
import Testing

@Suite struct ImageTests {
    @Test func uploadsMultipartAndRawBodies() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let tag = try await cv.createTag(project.id, "red")
            let boundary = "XyZ123"
            var body: [UInt8] = []
            for (i, png) in reds(2).enumerated() {
                let disposition = "Content-Disposition: form-data; name=\"imageData\"; filename=\"\(i).png\""
                body += Array("--\(boundary)\r\n\(disposition)\r\nContent-Type: image/png\r\n\r\n".utf8)
                body += png + Array("\r\n".utf8)
            }
            body += Array("--\(boundary)--\r\n".utf8)
            let multipart = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images?tagIds=\(tag.id)", body: body,
                    contentType: "multipart/form-data; boundary=\(boundary)"))
            #expect(multipart.isBatchSuccessful == true)
            #expect(multipart.images?.count == 2)
            #expect(multipart.images?.first?.image?.tags?.first?.tagId == tag.id)
            #expect(multipart.images?.first?.image?.width == 64)
            // As the service: each result names its file as the part's filename parameter, quotes included.
            #expect(multipart.images?.map(\.sourceUrl) == ["\"0.png\"", "\"1.png\""])
            let raw = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images", body: blues(1)[0], contentType: "application/octet-stream"))
            #expect(raw.images?.first?.status == .ok && raw.images?.first?.sourceUrl == nil)
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(count == 3)
        }
    }

    @Test func reportsPerImageStatusesWith207() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let tag = try await cv.createTag(project.id, "a")
            let negative = try await cv.createTag(project.id, "neg", type: "Negative")
            let first = reds(1)[0]
            _ = try await cv.upload(project.id, [first])
            let big = [UInt8](repeating: 0x42, count: 6 * 1024 * 1024 + 1)
            let tooManyRegions = (0..<65).map { _ in Region(tagId: tag.id, left: 0.1, top: 0.1, width: 0.2, height: 0.2)
            }
            let entries = [
                ImageFileCreateEntry(name: "dup", contents: Data(first)),
                ImageFileCreateEntry(name: "text", contents: Data("not an image".utf8)),
                ImageFileCreateEntry(name: "big", contents: Data(big)),
                ImageFileCreateEntry(name: "both", contents: Data(blues(1)[0]), tagIds: [tag.id, negative.id]),
                ImageFileCreateEntry(name: "regions", contents: Data(blues(1, offset: 5)[0]), regions: tooManyRegions),
                ImageFileCreateEntry(name: "tiny", contents: Data(TestPNG.solid(10, 10, rgb: (1, 2, 3)))),
                ImageFileCreateEntry(name: "ok", contents: Data(blues(1, offset: 9)[0])),
            ]
            let summary = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/files", json: ImageFileCreateBatch(images: entries)),
                status: .multiStatus)
            #expect(summary.isBatchSuccessful == false)
            #expect(
                summary.images?.map(\.status) == [
                    .okDuplicate, .errorImageFormat, .errorImageSize, .errorNegativeAndRegularTagOnSameImage,
                    .errorRegionLimitExceed, .errorImageSize, .ok,
                ])
            // Names come back in quotes, as the service's example shows (`hemlock_10.jpg` → `"hemlock_10.jpg"`).
            #expect(summary.images?.map(\.sourceUrl) == entries.map { $0.name.map { "\"\($0)\"" } })
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(count == 2)
        }
    }

    @Test func refusesMoreThanTwentyTagsOnAnImage() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            var tags: [UUID] = []
            for i in 0..<21 { tags.append(try await cv.createTag(project.id, "t\(i)").id) }
            let entry = ImageFileCreateEntry(name: "many", contents: Data(reds(1)[0]), tagIds: tags)
            let summary = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/files", json: ImageFileCreateBatch(images: [entry])),
                status: .multiStatus)
            #expect(summary.images?.first?.status == .errorTagLimitExceed)
            let batch = try await cv.training(
                .post, "projects/\(project.id)/images?tagIds=\(tags.map(\.uuidString).joined(separator: ","))",
                body: reds(1)[0], contentType: "application/octet-stream")
            #expect(try cv.error(batch, status: .badRequest).code == .badRequestExceededBatchSize)
        }
    }

    @Test func refusesBatchesOverTheLimits() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let entries = (0..<65).map { ImageFileCreateEntry(name: "\($0)", contents: Data([1])) }
            let response = try await cv.training(
                .post, "projects/\(project.id)/images/files", json: ImageFileCreateBatch(images: entries))
            #expect(try cv.error(response, status: .badRequest).code == .badRequestImageBatch)
            let unknownTag = try await cv.training(
                .post, "projects/\(project.id)/images?tagIds=\(UUID())", body: reds(1)[0],
                contentType: "application/octet-stream")
            #expect(try cv.error(unknownTag, status: .notFound).code == .notFoundTag)
        }
    }

    @Test func limitsBodiesBeforeReadingThem() async throws {
        var configuration = testConfiguration()
        configuration.maxBodySize = 1000
        try await withServer(configuration) { cv in
            let project = try await cv.createProject()
            let response = try await cv.training(
                .post, "projects/\(project.id)/images", body: [UInt8](repeating: 1, count: 5000),
                contentType: "application/octet-stream")
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func listsFiltersAndPagesImages() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let red = try await cv.createTag(project.id, "red")
            let tagged = try await cv.upload(project.id, reds(3), tags: [red.id])
            _ = try await cv.upload(project.id, blues(2))
            let p = "projects/\(project.id)/images"
            #expect(try cv.decode(Int.self, try await cv.training(.get, "\(p)/tagged/count")) == 3)
            #expect(try cv.decode(Int.self, try await cv.training(.get, "\(p)/untagged/count")) == 2)
            #expect(try cv.decode(Int.self, try await cv.training(.get, "\(p)/count?taggingStatus=Tagged")) == 3)
            #expect(try cv.decode(Int.self, try await cv.training(.get, "\(p)/tagged/count?tagIds=\(red.id)")) == 3)
            let page = try cv.decode(
                [Image].self, try await cv.training(.get, "\(p)/tagged?take=2&skip=1&orderBy=Oldest"))
            #expect(page.count == 2)
            let untagged = try cv.decode([Image].self, try await cv.training(.get, "\(p)/untagged"))
            #expect(untagged.count == 2 && untagged.allSatisfy { $0.tags?.isEmpty == true })
            let all = try cv.decode([Image].self, try await cv.training(.get, "\(p)?taggingStatus=All"))
            #expect(all.count == 5)
            let tooMany = try await cv.training(.get, "\(p)/tagged?take=257")
            _ = try cv.error(tooMany, status: .badRequest)
            // The spec's enums, in any case; anything else is refused, naming the parameter's values.
            #expect(try cv.decode(Int.self, try await cv.training(.get, "\(p)/count?taggingStatus=untagged")) == 2)
            for bad in ["\(p)?orderBy=Bogus", "\(p)?taggingStatus=Bogus", "\(p)/count?taggingStatus=Some"] {
                let refused = try cv.error(try await cv.training(.get, bad), status: .badRequest)
                #expect(refused.message.contains("is not valid for"), "\(bad): \(refused.message)")
            }
            let ids = tagged.images!.compactMap(\.image?.id)
            let byIds = try cv.decode(
                [Image].self,
                try await cv.training(
                    .get, "\(p)/id?imageIds=\(ids.map(\.uuidString).joined(separator: ","))"))
            #expect(Set(byIds.map(\.id)) == Set(ids))
        }
    }

    @Test func updatesMetadataAndFiltersOnIt() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let ids = try await cv.upload(project.id, reds(2)).images!.compactMap(\.image?.id)
            let summary = try cv.decode(
                ImageMetadataUpdateSummary.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/metadata?imageIds=\(ids[0]),\(UUID())",
                    json: ["site": "north"]), status: .multiStatus)
            #expect(summary.images?.map(\.status) == [.ok, .errorImageNotFound])
            let filter = "site%20eq%20%27north%27"
            let filtered = try cv.decode(
                [Image].self,
                try await cv.training(
                    .get, "projects/\(project.id)/images?$filter=\(filter)"))
            #expect(filtered.map(\.id) == [ids[0]])
            #expect(filtered.first?.metadata == ["site": "north"])
        }
    }

    @Test func servesImagesBehindSignedURLs() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let png = reds(1)[0]
            let image = try #require(try await cv.upload(project.id, [png]).images?.first?.image)
            let uri = try #require(image.originalImageUri.flatMap(URL.init(string:)))
            let path = uri.path + "?" + (uri.query ?? "")
            let ok = try await cv.client.execute(uri: path, method: .get)
            #expect(ok.status == .ok)
            #expect(Array(ok.body.readableBytesView) == png)
            let tampered = try await cv.client.execute(
                uri: path.replacingOccurrences(of: "sig=", with: "sig=0"), method: .get)
            #expect(tampered.status == .forbidden)
            let unsigned = try await cv.client.execute(uri: uri.path, method: .get)
            #expect(unsigned.status == .forbidden)
        }
    }

    @Test func aPlainFormFieldIsNotAnImageOfTheBatch() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let boundary = "B0undary"
            let comment = "Content-Disposition: form-data; name=\"comment\"\r\n\r\nfirst batch\r\n"
            var body = Array("--\(boundary)\r\n\(comment)".utf8)
            for (i, png) in reds(2).enumerated() {
                let name = i == 0 ? "name=\"imageData\"; filename=\"a.png\"" : "name=\"imageData\""
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; \(name)\r\n\r\n".utf8) + png
                    + Array("\r\n".utf8)
            }
            body += Array("--\(boundary)--\r\n".utf8)
            let summary = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(.post, "projects/\(project.id)/images", body: body,
                                      contentType: "multipart/form-data; boundary=\(boundary)"))
            #expect(summary.isBatchSuccessful == true)
            #expect(summary.images?.map(\.status) == [.ok, .ok])
        }
    }

    @Test func takesGIFAndBMPAsTheSpecSays() async throws {
        // "Supported formats are JPEG, GIF, PNG, and BMP" (CreateImagesFromData's imageData).
        let files = try ["gif", "bmp"].map {
            ($0, [UInt8](try Data(contentsOf: FixturePaths.fixture("images/gif-bmp/photo-128x96.\($0)"))))
        }
        try await withServer { cv in
            let project = try await cv.createProject()
            for (format, bytes) in files {
                let summary = try cv.decode(
                    ImageCreateSummary.self,
                    try await cv.training(
                        .post, "projects/\(project.id)/images", body: bytes, contentType: "application/octet-stream"))
                let image = try #require(summary.images?.first?.image)
                #expect(summary.images?.first?.status == .ok)
                #expect(image.width == 128 && image.height == 96)
                let thumbnail = try #require(image.thumbnailUri.flatMap(URL.init(string:)))
                let served = try await cv.client.execute(
                    uri: thumbnail.path + "?" + (thumbnail.query ?? ""), method: .get)
                // Within the thumbnail's size: the original, served as what it is.
                #expect(served.status == .ok)
                #expect(Array(served.body.readableBytesView) == bytes)
                #expect(served.headers[.contentType] == "image/\(format)")
            }
            #expect(try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count")) == 2)
        }
    }

    @Test func aDeletedImagesURLsStopServingItsBytes() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let other = try await cv.createProject("other")
            let pngs = reds(2)
            let images = try #require(try await cv.upload(project.id, pngs).images?.compactMap(\.image))
            // The same bytes in another project keep the URLs of those bytes serving.
            _ = try await cv.upload(other.id, [pngs[1]])
            func fetch(_ uri: String?) async throws -> TestResponse {
                let url = try #require(uri.flatMap(URL.init(string:)))
                return try await cv.client.execute(uri: url.path + "?" + (url.query ?? ""), method: .get)
            }
            let uris = images.map { [$0.originalImageUri, $0.resizedImageUri, $0.thumbnailUri] }
            for uri in uris.joined() { #expect(try await fetch(uri).status == .ok) }
            for image in images {
                let delete = try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(image.id)")
                #expect(delete.status == .noContent)
            }
            for uri in uris[0] { #expect(try cv.error(try await fetch(uri), status: .notFound).code == .notFoundImage) }
            for uri in uris[1] { #expect(try await fetch(uri).status == .ok) }
            #expect(Array(try await fetch(images[1].originalImageUri).body.readableBytesView) == pngs[1])
            #expect(try await cv.training(.delete, "projects/\(other.id)").status == .noContent)
            for uri in uris[1] { #expect(try await fetch(uri).status == .notFound) }
        }
    }

    @Test func servesResizedAndThumbnailRenditions() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let png = TestPNG.solid(600, 400, rgb: (10, 200, 10))
            let image = try #require(try await cv.upload(project.id, [png]).images?.first?.image)
            #expect(image.width == 600 && image.height == 400)
            let uri = try #require(image.thumbnailUri.flatMap(URL.init(string:)))
            let thumb = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
            #expect(thumb.status == .ok)
            let header = try ImageHeader.read(Array(thumb.body.readableBytesView))
            #expect(header.format == .jpeg && header.width == 256 && header.height == 171)
            let resized = try #require(image.resizedImageUri.flatMap(URL.init(string:)))
            let small = try await cv.client.execute(uri: resized.path + "?" + (resized.query ?? ""), method: .get)
            #expect(Array(small.body.readableBytesView) == png)  // already within 1024
        }
    }

    @Test func deletesImages() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let ids = try await cv.upload(project.id, reds(3)).images!.compactMap(\.image?.id)
            #expect(
                try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(ids[0])").status == .noContent)
            #expect(try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count")) == 2)
            let tooMany = (0..<257).map { _ in UUID().uuidString }.joined(separator: ",")
            _ = try cv.error(
                try await cv.training(.delete, "projects/\(project.id)/images?imageIds=\(tooMany)"),
                status: .badRequest)
            #expect(try await cv.training(.delete, "projects/\(project.id)/images?allImages=true").status == .accepted)
            #expect(try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count")) == 0)
        }
    }
}
