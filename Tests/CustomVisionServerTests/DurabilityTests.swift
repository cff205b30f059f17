import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `cvserver` binary, when `swift build` has produced it.
let cvserverBinary: URL? = {
    for config in ["debug", "release"] {
        let url = FixturePaths.root.appendingPathComponent(".build/\(config)/cvserver")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}()

/// A cvserver child process on 127.0.0.1 and an ephemeral port.
final class ChildServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(binary: URL, dataDir: URL) throws {
        process.executableURL = binary
        process.arguments = [
            "--data-dir", dataDir.path, "--host", "127.0.0.1", "--port", "0", "--training-key", trainingKey,
            "--prediction-key", predictionKey,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        let fd = pipe.fileHandleForReading.fileDescriptor
        while !text.contains("prediction-key:") {
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
        }
        let first = text.split(separator: "\n").first ?? ""
        guard first.hasPrefix("cvserver listening on http://127.0.0.1:"),
            let port = Int(first.split(separator: ":").last ?? "")
        else { throw StoreFailure(description: "unexpected banner: \(text)") }
        self.port = port
    }

    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct StoreFailure: Error, CustomStringConvertible { var description: String }
}

/// Sends a training request over a real socket.
func liveTraining(_ port: Int, _ method: String, _ path: String, body: Data? = nil, contentType: String? = nil)
    async throws -> (Int, Data)
{
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/customvision/v3.3/training/\(path)")!)
    request.httpMethod = method
    request.setValue(trainingKey, forHTTPHeaderField: "Training-Key")
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    request.httpBody = body
    request.timeoutInterval = 10
    return try await withCheckedThrowingContinuation { continuation in
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
            }
        }.resume()
    }
}

@Suite struct DurabilityTests {
    @Test(.enabled(if: cvserverBinary != nil, "needs `swift build --product cvserver`"))
    func acknowledgedImagesSurviveAKillDuringUploads() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try ChildServer(binary: try #require(cvserverBinary), dataDir: dir)
        defer { server.kill() }
        let (status, body) = try await liveTraining(server.port, "POST", "projects?name=durable")
        #expect(status == 200)
        let project = try CustomVisionJSON.makeDecoder().decode(Project.self, from: body)
        // Uploads run in parallel; the server is killed while some are in flight.
        let acknowledged = ImageIDs()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var i = 0
                    while i < 40 {
                        let png = TestPNG.solid(rgb: (UInt8(worker * 40), UInt8(i), 90), noise: 1)
                        guard
                            let (code, data) = try? await liveTraining(
                                server.port, "POST", "projects/\(project.id)/images", body: Data(png),
                                contentType: "application/octet-stream")
                        else { return }  // the server is gone
                        if code == 429 {  // S0 allows 10 requests per second: back off as a client would
                            try await Task.sleep(for: .milliseconds(100))
                            continue
                        }
                        i += 1
                        if code == 200,
                            let summary = try? CustomVisionJSON.makeDecoder().decode(
                                ImageCreateSummary.self, from: data), let id = summary.images?.first?.image?.id
                        {
                            await acknowledged.add(id)
                        }
                    }
                }
            }
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(60)
                while await acknowledged.count < 20, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                server.kill()
            }
            try await group.waitForAll()
        }
        let ids = await acknowledged.ids
        #expect(ids.count >= 20)
        // Restart on the same directory: every acknowledged image is there with its bytes; no orphans remain.
        try await withServer(testConfiguration(directory: dir)) { cv in
            let count = try cv.decode(Int.self, try await cv.training(.get, "projects/\(project.id)/images/count"))
            #expect(count >= ids.count)
            for chunk in stride(from: 0, to: ids.count, by: 50) {
                let slice = ids[chunk..<min(chunk + 50, ids.count)]
                let images = try cv.decode(
                    [Image].self,
                    try await cv.training(
                        .get,
                        "projects/\(project.id)/images/id?imageIds=\(slice.map(\.uuidString).joined(separator: ","))"))
                #expect(images.count == slice.count)
                for image in images {
                    let uri = try #require(image.originalImageUri.flatMap(URL.init(string:)))
                    let bytes = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
                    #expect(bytes.status == .ok)
                }
            }
            #expect(try storedBlobDigests(dir).count == count)
        }
    }
}

/// Acknowledged image ids, shared by the upload workers.
actor ImageIDs {
    private(set) var ids: [UUID] = []
    var count: Int { ids.count }
    func add(_ id: UUID) { ids.append(id) }
}
