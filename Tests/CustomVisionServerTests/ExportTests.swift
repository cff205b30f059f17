import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The entries of a stored (uncompressed) zip archive.
func unzipStored(_ bytes: [UInt8]) -> [String: [UInt8]] {
    func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    var entries: [String: [UInt8]] = [:]
    var i = 0
    while i + 30 <= bytes.count, le(i, 4) == 0x0403_4b50 {
        let size = le(i + 18, 4)
        let nameLength = le(i + 26, 2)
        let extra = le(i + 28, 2)
        let name = String(decoding: bytes[(i + 30)..<(i + 30 + nameLength)], as: UTF8.self)
        let start = i + 30 + nameLength + extra
        entries[name] = Array(bytes[start..<(start + size)])
        i = start + size
    }
    return entries
}

@Suite struct ExportTests {
    @Test func exportsARunnableDockerFileBundle() async throws {
        let zipBytes = try await withServerResult { cv -> ([UInt8], UUID) in
            let project = try await cv.createProject("compact", domain: "0732100f-1a38-4e49-a514-c9b44c697ab5")
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            _ = try await cv.upload(project.id, reds(6), tags: [red.id])
            _ = try await cv.upload(project.id, blues(6), tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.exportable == true)
            let path = "projects/\(project.id)/iterations/\(iteration.id)/export"
            let onnx = try await cv.training(.post, "\(path)?platform=ONNX")
            #expect(try cv.error(onnx, status: .badRequest).code == .badRequestNotSupported)
            let export = try cv.decode(Export.self, try await cv.training(.post, "\(path)?platform=DockerFile"))
            #expect(export.status == .done && export.platform == .dockerFile)
            let listed = try cv.decode([Export].self, try await cv.training(.get, path))
            #expect(listed.count == 1)
            let uri = try #require(export.downloadUri.flatMap(URL.init(string:)))
            let download = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
            #expect(download.status == .ok)
            let digest = uri.lastPathComponent
            let artifact = try await cv.training(.get, "projects/\(project.id)/artifacts?path=\(digest)")
            #expect(artifact.status == .ok)
            return (Array(download.body.readableBytesView), project.id)
        }
        let (bytes, projectId) = zipBytes
        let entries = unzipStored(bytes)
        let dockerfile = String(decoding: try #require(entries["Dockerfile"]), as: UTF8.self)
        #expect(dockerfile.contains("--prediction-only"))
        #expect(entries["data/metadata.sqlite"] != nil)
        // The bundle's data directory serves predictions in prediction-only mode.
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, data) in entries where name.hasPrefix("data/") {
            let url = dir.appendingPathComponent(String(name.dropFirst(5)))
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(data).write(to: url)
        }
        var configuration = testConfiguration(directory: dir)
        configuration.predictionOnly = true
        try await withServer(configuration) { cv in
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.prediction(
                    .post, "\(projectId)/classify/iterations/model/image/nostore", body: reds(1, offset: 90)[0]))
            #expect(result.predictions?.first?.tagName == "red")
            #expect(try await cv.training(.get, "domains").status == .notFound)
        }
    }

    @Test func exportsAndImportsAProject() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv, name: "source")
            _ = try await trainAndWait(cv, project.id)
            let exported = try cv.decode(
                ProjectExport.self, try await cv.training(.get, "projects/\(project.id)/export"))
            #expect(exported.imageCount == 12 && exported.tagCount == 2 && exported.iterationCount == 1)
            let token = try #require(exported.token?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let imported = try cv.decode(
                Project.self,
                try await cv.training(
                    .post, "projects/import?token=\(token)&name=copy"))
            #expect(imported.name == "copy" && imported.id != project.id)
            #expect(
                try cv.decode(Int.self, try await cv.training(.get, "projects/\(imported.id)/images/tagged/count"))
                    == 12)
            let iterations = try cv.decode(
                [Iteration].self, try await cv.training(.get, "projects/\(imported.id)/iterations"))
            #expect(iterations.first?.status == .completed)
            let bad = try await cv.training(.post, "projects/import?token=bm9wZQ%3D%3D")
            #expect(try cv.error(bad, status: .badRequest).code == .badRequestInvalidImportToken)
        }
    }
}

/// Like ``withServer`` but returns the body's value.
func withServerResult<T: Sendable>(
    _ configuration: ServerConfiguration = testConfiguration(), _ body: @escaping @Sendable (CV) async throws -> T
) async throws -> T {
    let app = try buildApplication(configuration: configuration)
    return try await app.test(.router) { client in try await body(CV(client: client)) }
}
