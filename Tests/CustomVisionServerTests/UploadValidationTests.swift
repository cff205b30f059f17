import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import ImagePrep
import NIOCore
import Testing

/// The upload check decodes JPEGs at a reduced DCT scale; these files show it refuses and sizes exactly what a
/// full-size decode does.
@Suite struct UploadValidationTests {
    /// A request body nested 200,000 levels deep is a 400 with the service's error body, and the server goes on.
    @Test func aDeeplyNestedBatchIsABadRequestNotACrash() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let body = Array(#"{"images":["#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 200_000)
            let response = try await cv.training(
                .post, "projects/\(project.id)/images/files", body: body, contentType: "application/json")
            #expect(response.status == .badRequest)
            #expect(try cv.decode(CustomVisionError.self, response, status: .badRequest).code == .badRequest)
            let after = try await cv.upload(project.id, reds(1))
            #expect(after.images?.first?.status == .ok)
        }
    }

    @Test func statusesAndSizesMatchAFullSizeDecodeOnDamagedAndOddFiles() async throws {
        let fm = FileManager.default
        let bad = FixturePaths.fixture("bad")
        let generated = FixturePaths.fixture("images/generated")
        let files =
            try fm.contentsOfDirectory(atPath: bad.path).filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".json") }
            .sorted().map { bad.appendingPathComponent($0) }
            + (try fm.contentsOfDirectory(atPath: generated.path).filter { $0.hasSuffix(".jpg") }.sorted()
                .map { generated.appendingPathComponent($0) })
            + [FixturePaths.fixture("neu-det-mini/heldout/IMAGES/patches_28.jpg")]
        let images = try files.map { [UInt8](try Data(contentsOf: $0)) }
        #expect(images.count > 20 && images.count <= 64)
        let expected = reference(images)
        #expect(expected.contains { $0.status == .ok })
        #expect(expected.contains { $0.status == .errorImageFormat })
        try await withServer { cv in
            let project = try await cv.createProject()
            let entries = zip(files, images).map {
                ImageFileCreateEntry(name: $0.lastPathComponent, contents: Data($1))
            }
            let response = try await cv.training(
                .post, "projects/\(project.id)/images/files", json: ImageFileCreateBatch(images: entries))
            let summary = try CV.decoder.decode(ImageCreateSummary.self, from: Data(response.body.readableBytesView))
            let results = try #require(summary.images)
            #expect(results.count == files.count)
            for (result, (file, want)) in zip(results, zip(files, expected)) {
                #expect(result.status == want.status, "\(file.lastPathComponent)")
                if want.status == .ok {
                    #expect(result.image?.width == want.width, "\(file.lastPathComponent)")
                    #expect(result.image?.height == want.height, "\(file.lastPathComponent)")
                }
            }
        }
    }

    /// The statuses of the rule before the change: decode at full size, upright; sides within the service limits
    /// (a header declaring a side over the largest is a size error without a decode).
    private func reference(_ images: [[UInt8]]) -> [(status: ImageCreateStatus, width: Int, height: Int)] {
        var seen = Set<[UInt8]>()
        return images.map { bytes in
            guard !bytes.isEmpty else { return (.errorSource, 0, 0) }
            guard bytes.count <= ServiceLimits.maxTrainingImageBytes else { return (.errorImageSize, 0, 0) }
            // A header declaring a side over the largest is a size error before any decode.
            if let header = try? ImageHeader.read(bytes), max(header.width, header.height) > ServiceLimits.maxImageSide {
                return (.errorImageSize, 0, 0)
            }
            guard let image = try? ImageDecoder.decode(bytes) else { return (.errorImageFormat, 0, 0) }
            let sides = ServiceLimits.minImageSide...ServiceLimits.maxImageSide
            guard sides.contains(image.width), sides.contains(image.height) else { return (.errorImageSize, 0, 0) }
            return (seen.insert(bytes).inserted ? .ok : .okDuplicate, image.width, image.height)
        }
    }
}
