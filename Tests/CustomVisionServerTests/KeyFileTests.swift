import CVTestSupport
import Foundation
import Testing

/// `<data-dir>/keys.json`: generated keys kept for the next start, never readable by others.
@Suite(.timeLimit(.minutes(2)))
struct KeyFileTests {
    /// Starts cvserver on `directory`, reads its banner, stops it; returns the banner.
    private func banner(dataDirectory directory: URL) async throws -> String {
        let stdout = Pipe()
        let process = try ProcessRunner.start(
            ProcessRunner.executable("cvserver"), ["--data-dir", directory.path, "--port", "0", "--host", "127.0.0.1"],
            stdout: stdout, stderr: Pipe())
        defer { process.terminate(); process.waitUntilExit() }
        var data = Data()
        while !String(decoding: data, as: UTF8.self).contains("prediction-key: "),
            case let chunk = stdout.fileHandleForReading.availableData, !chunk.isEmpty
        {
            data.append(chunk)
        }
        // The prediction key's line may still be arriving.
        while String(decoding: data, as: UTF8.self).filter({ $0 == "\n" }).count < 3,
            case let chunk = stdout.fileHandleForReading.availableData, !chunk.isEmpty
        {
            data.append(chunk)
        }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func generatedKeysAreWrittenPrivatelyAndKeptForTheNextStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvserver-keys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await banner(dataDirectory: directory)
        let keys = directory.appendingPathComponent("keys.json")
        let mode = try FileManager.default.attributesOfItem(atPath: keys.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: keys)) as? [String: String]
        let trainingKey = try #require(stored?["trainingKey"])
        #expect(first.contains("training-key: \(trainingKey)\n"))
        // Only the keys file is left beside the store: no temporary copy of it.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!names.contains { $0.hasPrefix(".keys.json") }, "\(names)")
        let second = try await banner(dataDirectory: directory)
        let keyLines = { (banner: String) in banner.split(separator: "\n").filter { $0.contains("-key: ") } }
        #expect(keyLines(first).count == 2 && keyLines(first) == keyLines(second))
    }
}
