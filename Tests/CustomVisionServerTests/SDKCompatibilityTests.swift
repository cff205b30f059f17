import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The multipart body msrest builds when an SDK call is given `bytes` (as Microsoft's quickstarts do): one
/// `imageData` part with neither a filename nor a part Content-Type.
private func sdkMultipart(_ image: [UInt8], boundary: String) -> [UInt8] {
    Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"imageData\"\r\n\r\n".utf8) + image
        + Array("\r\n--\(boundary)--\r\n".utf8)
}

/// Wire behaviour that Microsoft's Python SDK 3.1.1 (scripts/sdk-compat.sh) found different from the service,
/// and the request shapes that SDK sends, pinned through the router so neither can regress.
@Suite struct SDKCompatibilityTests {
    /// `create_images_from_data(project, bytes, tag_ids=[...])`: training v3.4-preview, `tagIds` in the query,
    /// the SDK's filename-less multipart part.
    @Test func createImagesFromDataAcceptsTheSDKsMultipart() async throws {
        try await withServer { cv in
            var cv = cv
            cv.version = "v3.4-preview"
            let project = try await cv.createProject("sdk")
            let red = try await cv.createTag(project.id, "red")
            let boundary = "454365a59a4cebc3ce9b2ea95fb1aa32"
            let summary = try cv.decode(ImageCreateSummary.self, try await cv.training(
                .post, "projects/\(project.id)/images?tagIds=\(red.id)",
                body: sdkMultipart(reds(1)[0], boundary: boundary),
                contentType: "multipart/form-data; boundary=\(boundary)"))
            #expect(summary.isBatchSuccessful == true)
            let image = try #require(summary.images?.first?.image)
            #expect(image.tags?.map(\.tagId) == [red.id])
        }
    }

    /// `get_images_by_ids(project, image_ids=[a, b])`: msrest joins a list query parameter with commas.
    @Test func getImagesByIdsReadsCommaJoinedIds() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("sdk")
            let red = try await cv.createTag(project.id, "red")
            let summary = try await cv.upload(project.id, reds(3), tags: [red.id])
            let ids = (summary.images ?? []).compactMap { $0.image?.id }
            try #require(ids.count == 3)
            let wanted = [ids[0], ids[2]]
            let images = try cv.decode([Image].self, try await cv.training(
                .get, "projects/\(project.id)/images/id?imageIds=\(wanted.map(\.uuidString).joined(separator: ","))"))
            #expect(Set(images.map(\.id)) == Set(wanted))
        }
    }

    /// `PredictionClient.classify_image(project, name, bytes)`: prediction v3.1 with the same multipart body.
    @Test func predictionAcceptsTheSDKsMultipart() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            _ = try await cv.training(
                .post, "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=prod&predictionId=res")
            let boundary = "005247e4c3be2170d55303b86b415d53"
            let result = try cv.decode(ImagePrediction.self, try await cv.prediction(
                .post, "\(project.id)/classify/iterations/prod/image",
                body: sdkMultipart(reds(1, offset: 50)[0], boundary: boundary),
                contentType: "multipart/form-data; boundary=\(boundary)", version: "v3.1"))
            #expect(result.predictions?.first?.tagId == red.id)
        }
    }

    /// `export_iteration` on an iteration of a non-compact domain: the service refuses every platform with
    /// 400 BadRequestProjectUnsupportedExportPlatform (only compact domains export); cvserver used to export it.
    @Test func exportOfANonCompactIterationIsRefused() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("general")  // default domain: General, not compact
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            _ = try await cv.upload(project.id, reds(6), tags: [red.id])
            _ = try await cv.upload(project.id, blues(6), tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed && iteration.exportable == false)
            let path = "projects/\(project.id)/iterations/\(iteration.id)/export"
            let refused = try await cv.training(.post, "\(path)?platform=DockerFile&flavor=Linux")
            #expect(try cv.error(refused, status: .badRequest).code == .badRequestProjectUnsupportedExportPlatform)
            #expect(try cv.decode([Export].self, try await cv.training(.get, path)).isEmpty)
        }
    }
}
