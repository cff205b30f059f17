import CVTestSupport
import CustomVisionCore
import CustomVisionHTTP
import CustomVisionServer
import Foundation
import Testing

/// Requests that name no host (HTTP/1.0 without `Host`) still get image URLs that reach the server.
@Suite struct HostlessRequestTests {
    @Test func anHTTP10RequestWithoutHostGetsURLsWithTheServersPort() async throws {
        try await withLiveServer { server in
            let (training, _) = clients(server)
            let project = try await training.createProject(name: "hostless")
            let png = reds(1)[0]
            let upload = try await training.createImagesFromData(
                projectId: project.id, images: [ImageUpload(name: "r.png", data: Data(png))])
            #expect(upload.isBatchSuccessful == true)
            let request = "GET /customvision/v3.3/training/projects/\(project.id)/images/untagged HTTP/1.0\r\n"
                + "Training-Key: \(trainingKey)\r\n\r\n"
            // Blocking socket reads run on a thread of their own: on the shared pool they can starve the server.
            let port = server.port
            let received = try await onThread {
                Result {
                    try RawConnection(port: port).exchange(Array(request.utf8)) { RawResponse(complete: $0) != nil }.0
                }
            }.get()
            let response = try #require(RawResponse(complete: received))
            #expect(response.head.hasPrefix("HTTP/1.") && response.head.contains(" 200 "), "\(response.head)")
            let images = try CustomVisionJSON.decode([CustomVisionCore.Image].self, from: Data(response.body))
            let image = try #require(images.first)
            let base = "http://127.0.0.1:\(server.port)/cvimages/"
            let uris = [image.originalImageUri, image.thumbnailUri, image.resizedImageUri].compactMap { $0 }
            #expect(uris.count == 3 && uris.allSatisfy { $0.hasPrefix(base) }, "\(uris)")
            // And the URL is one the client can follow.
            let uri = try #require(image.originalImageUri)
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("image.png")
            try await training.downloadImage(uri, projectId: project.id, to: file)
            #expect(try Data(contentsOf: file) == Data(png))
        }
    }
}

/// An HTTP response read off a ``RawConnection``.
struct RawResponse {
    /// The status line and header fields.
    var head: String
    var body: [UInt8]

    /// The response at the start of `bytes`, once its head and `Content-Length` bytes of body have arrived.
    init?(complete bytes: [UInt8]) {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let length = head.split(separator: "\r\n").lazy.compactMap { line -> Int? in
            let field = line.split(separator: ":", maxSplits: 1)
            guard field.count == 2, field[0].lowercased() == "content-length" else { return nil }
            return Int(field[1].trimmingCharacters(in: .whitespaces))
        }.first
        guard let length, bytes.count - end.upperBound >= length else { return nil }
        body = Array(bytes[end.upperBound..<end.upperBound + length])
    }
}
