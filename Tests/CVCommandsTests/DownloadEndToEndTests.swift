import CVTestSupport
import Foundation
import Testing

/// `image download` and `dataset pull` against a service whose image store has lost one image: several downloads
/// in flight, the lost one named with exit 5, every other image written.
@Suite(.timeLimit(.minutes(5)))
struct DownloadEndToEndTests {
    static let project = UUID()
    static let ids = (0..<6).map { _ in UUID() }
    /// The image whose blob the service no longer has.
    static let lost = ids[2]

    /// A service that lists six tagged images (each with one box) and serves their files after 150 ms each, but
    /// answers 404 for the lost one.
    static func service(jpeg: Data) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            // The image URIs point back at the service itself (same origin: the key goes with them).
            let base = "http://" + (request.headers.first { $0.name.lowercased() == "host" }?.value ?? "")
            if request.path.hasSuffix("/projects/\(project.uuidString.lowercased())/images") {
                // One page: fewer than `take` images ends the paging.
                let skip = Int(request.query("skip") ?? "0") ?? 0
                return .json(200, skip > 0 ? "[]" : "[" + ids.map { image(id: $0, base: base) }.joined(separator: ",")
                    + "]")
            }
            if request.path.hasPrefix("/blobs/") {
                let lost = request.path.contains(Self.lost.uuidString.lowercased())
                return .delayed(.milliseconds(150), lost
                    ? .json(404, #"{"code":"NotFound","message":"The image file is gone."}"#)
                    : .response(status: 200, headers: [("Content-Type", "image/jpeg")], body: jpeg))
            }
            return .json(404, #"{"code":"NotFound","message":"no route"}"#)
        }
    }

    /// The image every download serves, the service, and a test home.
    static func setUp() throws -> (Data, LoopbackHTTPServer, CLITestEnvironment) {
        let jpeg = try Data(contentsOf: CLITestEnvironment.mini.appendingPathComponent("heldout/IMAGES/patches_26.jpg"))
        return (jpeg, try service(jpeg: jpeg), try CLITestEnvironment(server: nil))
    }

    /// The environment that points cvctl at `service`.
    static func connection(_ service: LoopbackHTTPServer) -> [String: String] {
        ["VISION_TRAINING_ENDPOINT": service.baseURL.absoluteString, "VISION_TRAINING_KEY": "k"]
    }

    static func image(id: UUID, base: String) -> String {
        let id = id.uuidString.lowercased()
        return """
            {"id":"\(id)","created":"2026-12-05T10:00:00Z","width":200,"height":200,
            "originalImageUri":"\(base)/blobs/\(id).jpg","resizedImageUri":"\(base)/blobs/\(id).jpg",
            "thumbnailUri":"\(base)/blobs/\(id).jpg","tags":[],
            "regions":[{"regionId":"\(UUID().uuidString.lowercased())","tagName":"scratches",
            "tagId":"\(UUID().uuidString.lowercased())","created":"2026-12-05T10:00:00Z",
            "left":0.25,"top":0.25,"width":0.5,"height":0.5}]}
            """
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func downloadsTheRestNamesTheLostImageAndExits5() async throws {
        let (jpeg, service, env) = try Self.setUp()
        defer { service.stop(); env.remove() }
        let connection = Self.connection(service)
        let folder = env.directory.appendingPathComponent("images")
        let output = try await env.cvctl(
            ["image", "download", "--project", Self.project.uuidString, "--to", folder.path, "-o", "json"],
            environment: connection)
        #expect(output.status == 5, "\(output.stderr)")
        let lost = Self.lost.uuidString.lowercased()
        #expect(output.stderr.contains("image \(lost): DownloadImage failed: HTTP 404 NotFound: The image file is gone."),
                "\(output.stderr)")
        #expect(output.stderr.contains("1 of 6 images could not be downloaded"), "\(output.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect(report?["count"] as? Int == 5, "\(output.stdout)")
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let expected = Self.ids.filter { $0 != Self.lost }.map { $0.uuidString.lowercased() + ".jpg" }.sorted()
        #expect(written == expected)
        for name in written { #expect(try Data(contentsOf: folder.appendingPathComponent(name)) == jpeg) }
        // The downloads overlapped: each answer takes 150 ms, so the ones in flight together held connections
        // of their own.
        let blobConnections = Set(service.requests.filter { $0.path.hasPrefix("/blobs/") }.map(\.connectionID))
        #expect(blobConnections.count >= 2, "\(blobConnections)")

        // One at a time, nothing overlaps.
        let serial = try await env.cvctl(
            ["image", "download", "--project", Self.project.uuidString, "--to", folder.path, "--concurrency", "1"],
            environment: connection)
        #expect(serial.status == 5, "\(serial.stderr)")
        let bad = try await env.cvctl(
            ["image", "download", "--project", Self.project.uuidString, "--to", folder.path, "--concurrency", "0"],
            environment: connection)
        #expect(bad.status == 64 && bad.stderr.contains("--concurrency must be 1…32"), "\(bad.stderr)")
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func pullWritesTheDatasetOfTheRestAndExits5() async throws {
        let (_, service, env) = try Self.setUp()
        defer { service.stop(); env.remove() }
        let out = env.directory.appendingPathComponent("pulled")
        let output = try await env.cvctl(
            ["dataset", "pull", "--project", Self.project.uuidString, "--to", "yolo", "--out", out.path],
            environment: Self.connection(service))
        #expect(output.status == 5, "\(output.stderr)")
        #expect(output.stderr.contains("1 of 6 images could not be downloaded"), "\(output.stderr)")
        let verify = try await env.cvctl(["dataset", "verify", out.path, "-o", "json"])
        let summary = (try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])?["summary"]
            as? [String: Any]
        #expect(summary?["imageCount"] as? Int == 5, "\(verify.stdout)")
        #expect(summary?["regionCount"] as? Int == 5, "\(verify.stdout)")
        let labels = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".txt") }
            .filter { !$0.hasSuffix("classes.txt") }
        #expect(labels.count == 5, "\(labels)")
        #expect(!labels.contains { $0.contains(Self.lost.uuidString.lowercased()) })
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func pullOfAProjectTheServiceDoesNotKnowLeavesNoFolder() async throws {
        let (_, service, env) = try Self.setUp()
        defer { service.stop(); env.remove() }
        let out = env.directory.appendingPathComponent("never")
        let output = try await env.cvctl(
            ["dataset", "pull", "--project", UUID().uuidString, "--out", out.path],
            environment: Self.connection(service))
        #expect(output.status == 2, "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
