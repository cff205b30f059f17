import CVTestSupport
import CustomVisionCore
import Foundation
import HTTPTypes
import Testing

/// An image over an operation's documented size gets the same answer whatever its size: the service's 400
/// BadRequestImageSizeBytes for predictions and quick tests (raw, multipart or URL), a per-image ErrorImageSize in
/// CreateImagesFromData's batch.
@Suite struct ImageSizeLimitTests {
    /// Just over the limit, over the limit plus a multipart's allowance (the body is not read that far), and far over.
    private static func sizes(over limit: Int) -> [Int] { [limit + 1, limit + 65_536 + 1, 3 * limit] }

    private static func multipart(_ image: [UInt8]) -> (body: [UInt8], contentType: String) {
        let boundary = "b0undary"
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"imageData\"\r\n\r\n".utf8) + image
            + Array("\r\n--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    @Test func predictionsAndQuickTestsRefuseOversizedImagesAlike() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let publish = "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=prod&predictionId=res"
            #expect(try cv.decode(Bool.self, try await cv.training(.post, publish)))
            let predict = ServiceLimits.maxPredictionImageBytes, quickTest = ServiceLimits.maxTrainingImageBytes
            for size in Self.sizes(over: predict) {
                let image = [UInt8](repeating: 0x42, count: size)
                let (form, formType) = Self.multipart(image)
                for suffix in ["", "/nostore"] {
                    let route = "\(project.id)/classify/iterations/prod/image\(suffix)"
                    let raw = try await cv.prediction(
                        .post, route, body: image, contentType: "application/octet-stream")
                    #expect(try cv.error(raw, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
                    let multipart = try await cv.prediction(.post, route, body: form, contentType: formType)
                    #expect(try cv.error(multipart, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
                }
            }
            for size in Self.sizes(over: quickTest) {
                let image = [UInt8](repeating: 0x42, count: size)
                let route = "projects/\(project.id)/quicktest/image?iterationId=\(iteration.id)&store=false"
                let raw = try await cv.training(.post, route, body: image, contentType: "application/octet-stream")
                #expect(try cv.error(raw, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
                let (form, formType) = Self.multipart(image)
                let multipart = try await cv.training(.post, route, body: form, contentType: formType)
                #expect(try cv.error(multipart, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
            }
        }
    }

    @Test func urlPredictionsRefuseOversizedImagesAsUploadsDo() async throws {
        let host = try LoopbackHTTPServer { request in
            let size = Int(request.path.split(separator: "/").last ?? "") ?? 0
            return .response(status: 200, headers: [("Content-Type", "image/png")], body: Data(count: size))
        }
        defer { host.stop() }
        try await withServer(testConfiguration(allowLocalURLs: true)) { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let publish = "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=prod&predictionId=res"
            #expect(try cv.decode(Bool.self, try await cv.training(.post, publish)))
            for size in Self.sizes(over: ServiceLimits.maxPredictionImageBytes) {
                let url = ImageUrl(url: "\(host.baseURL.absoluteString)/image/\(size)")
                let response = try await cv.prediction(
                    .post, "\(project.id)/classify/iterations/prod/url", body: Array(try CV.encoder.encode(url)),
                    contentType: "application/json")
                #expect(try cv.error(response, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
            }
            for size in Self.sizes(over: ServiceLimits.maxTrainingImageBytes) {
                let url = ImageUrl(url: "\(host.baseURL.absoluteString)/image/\(size)")
                let response = try await cv.training(
                    .post, "projects/\(project.id)/quicktest/url?iterationId=\(iteration.id)&store=false", json: url)
                #expect(try cv.error(response, status: .badRequest).code == .badRequestImageSizeBytes, "\(size)")
            }
        }
    }

    /// CreateImagesFromData reads the whole batch (up to the server's body limit) and judges each image: one over
    /// 6 MB is an ErrorImageSize entry whatever its size.
    @Test func createImagesFromDataRefusesOversizedImagesPerImage() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            for size in Self.sizes(over: ServiceLimits.maxTrainingImageBytes) {
                let (form, formType) = Self.multipart([UInt8](repeating: 0x42, count: size))
                let summary = try cv.decode(
                    ImageCreateSummary.self,
                    try await cv.training(.post, "projects/\(project.id)/images", body: form, contentType: formType),
                    status: .multiStatus)
                #expect(summary.images?.map(\.status) == [.errorImageSize], "\(size)")
            }
        }
    }

    @Test func aHeaderDeclaringASideOverTheLargestIsErrorImageSize() async throws {
        /// A PNG whose IHDR declares `width`×`height` (its pixels are those of a 64×64 image: never decoded).
        func declaring(_ width: UInt32, _ height: UInt32) -> [UInt8] {
            var png = TestPNG.solid(64, 64, rgb: (9, 9, 9))
            for (offset, value) in [(16, width), (20, height)] {
                for k in 0..<4 { png[offset + k] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(k))) }
            }
            return png
        }
        let entries = [(12000, 12000), (60000, 60000), (10300, 300), (64, 64)].map { w, h in
            ImageFileCreateEntry(name: "\(w)x\(h).png", contents: Data(declaring(UInt32(w), UInt32(h))))
        }
        try await withServer { cv in
            let project = try await cv.createProject()
            let summary = try cv.decode(
                ImageCreateSummary.self,
                try await cv.training(.post, "projects/\(project.id)/images/files",
                                      json: ImageFileCreateBatch(images: entries)),
                status: .multiStatus)
            // The last declares what it holds: taken, as before.
            #expect(summary.images?.map(\.status) == [.errorImageSize, .errorImageSize, .errorImageSize, .ok])
        }
    }
}
