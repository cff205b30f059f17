import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Keys the tests use.
let trainingKey = "test-training-key"
let predictionKey = "test-prediction-key"

/// S0's quotas without its request rate, so test suites run at full speed.
let unthrottled = ServiceTier(name: "S0", maxProjects: 100, maxImagesPerProject: 100_000, transactionsPerSecond: 1e6)

/// A configuration for router tests: in memory (unless `directory`), fixed keys, the mean-colour model.
func testConfiguration(
    directory: URL? = nil, backend: any ModelBackend = MeanColorBackend(), tier: ServiceTier = unthrottled,
    faults: FaultConfiguration? = nil, allowLocalURLs: Bool = false
) -> ServerConfiguration {
    ServerConfiguration(
        dataDirectory: directory, inMemory: directory == nil, trainingKey: trainingKey, predictionKey: predictionKey,
        allowLocalURLs: allowLocalURLs, faults: faults, tier: tier, modelBackend: backend)
}

/// Runs `body` against an in-process router test of a server built with `configuration`.
func withServer(
    _ configuration: ServerConfiguration = testConfiguration(), _ body: @escaping @Sendable (CV) async throws -> Void
) async throws {
    let app = try buildApplication(configuration: configuration)
    try await app.test(.router) { client in try await body(CV(client: client)) }
}

/// Appends `bytes` to the end of `file`, as a crash in the middle of an append could leave it.
func appendBytes(_ bytes: some Sequence<UInt8>, to file: URL) throws {
    let handle = try FileHandle(forWritingTo: file)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(bytes))
}

/// A temporary directory removed by the caller.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvserver-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A thin client over HummingbirdTesting speaking the Custom Vision paths.
struct CV: Sendable {
    let client: any TestClientProtocol
    var version = "v3.3"

    static let decoder = CustomVisionJSON.makeDecoder()
    static let encoder = CustomVisionJSON.makeEncoder()

    /// A training-API request; `path` starts after `/training/`.
    func training(
        _ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
        key: String? = trainingKey, header: String = "Training-Key"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name(header)!] = key }
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(
            uri: "/customvision/\(version)/training/\(path)", method: method, headers: headers,
            body: body.map { ByteBuffer(bytes: $0) })
    }

    /// A training-API request with a JSON body.
    func training(_ method: HTTPRequest.Method, _ path: String, json: some Encodable) async throws -> TestResponse {
        try await training(method, path, body: Array(try Self.encoder.encode(json)), contentType: "application/json")
    }

    /// A prediction-API request; `path` starts after `/prediction/`.
    func prediction(
        _ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
        header: String = "Prediction-Key", key: String = predictionKey, version: String = "v3.0"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [HTTPField.Name(header)!: key]
        if let contentType { headers[.contentType] = contentType }
        return try await client.execute(
            uri: "/customvision/\(version)/prediction/\(path)", method: method, headers: headers,
            body: body.map { ByteBuffer(bytes: $0) })
    }

    /// Decodes a JSON response, requiring `status`.
    func decode<T: Decodable>(
        _ type: T.Type, _ response: TestResponse, status: HTTPResponse.Status = .ok,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> T {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        return try Self.decoder.decode(T.self, from: Data(response.body.readableBytesView))
    }

    /// The `{"code","message"}` error of a response, requiring `status`.
    func error(
        _ response: TestResponse, status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CustomVisionError {
        try decode(CustomVisionError.self, response, status: status, sourceLocation: sourceLocation)
    }

    // MARK: Workflow helpers

    func createProject(_ name: String = "p", domain: String? = nil, classification: String? = nil) async throws
        -> Project
    {
        var path = "projects?name=\(name)"
        if let domain { path += "&domainId=\(domain)" }
        if let classification { path += "&classificationType=\(classification)" }
        return try decode(Project.self, try await training(.post, path))
    }

    func createTag(_ project: UUID, _ name: String, type: String? = nil) async throws -> CustomVisionCore.Tag {
        try decode(
            CustomVisionCore.Tag.self,
            try await training(
                .post,
                "projects/\(project)/tags?name=\(name)"
                    + (type.map { "&type=\($0)" } ?? "")))
    }

    /// Uploads images through CreateImagesFromFiles; returns the summary.
    func upload(
        _ project: UUID, _ images: [[UInt8]], tags: [UUID] = [], regions: [[Region]]? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> ImageCreateSummary {
        let entries = images.enumerated().map { i, bytes in
            ImageFileCreateEntry(name: "img\(i).png", contents: Data(bytes), tagIds: tags, regions: regions?[i])
        }
        return try decode(
            ImageCreateSummary.self,
            try await training(.post, "projects/\(project)/images/files", json: ImageFileCreateBatch(images: entries)),
            status: status)
    }

    /// Polls GetIteration until it leaves Training.
    /// Polls until the iteration leaves Training; generous, since the whole suite shares the machine's cores.
    func waitForIteration(_ project: UUID, _ iteration: UUID) async throws -> Iteration {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            let it = try decode(Iteration.self, try await training(.get, "projects/\(project)/iterations/\(iteration)"))
            if it.status != .training { return it }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("iteration \(iteration) still training after 180 s")
        throw CancellationError()
    }
}

/// Distinct red-ish and blue-ish images.
func reds(_ n: Int, offset: Int = 0) -> [[UInt8]] {
    (0..<n).map { TestPNG.solid(rgb: (200, 30, 30), noise: UInt8(offset + $0 + 1)) }
}
func blues(_ n: Int, offset: Int = 0) -> [[UInt8]] {
    (0..<n).map { TestPNG.solid(rgb: (20, 40, 210), noise: UInt8(offset + $0 + 1)) }
}

extension HTTPResponse.Status {
    static var multiStatus: HTTPResponse.Status { .init(code: 207) }
}
