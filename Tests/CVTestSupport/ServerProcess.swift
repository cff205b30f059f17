import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `cvserver` process on 127.0.0.1 with an in-memory store, started on a free port.
///
/// It parses the three banner lines (`cvserver listening on URL`, `training-key: K`, `prediction-key: K`) and is
/// terminated by ``stop()`` or when released.
public final class ServerProcess: @unchecked Sendable {
    /// The endpoint, e.g. `http://127.0.0.1:40123`.
    public let endpoint: String
    /// The generated training key.
    public let trainingKey: String
    /// The generated prediction key.
    public let predictionKey: String
    private let process: Process

    /// Starts `cvserver --in-memory --port 0` plus `arguments` (e.g. `--faults 0.2`).
    /// - Throws: when the binary is missing or the banner does not appear within 30 seconds.
    public init(arguments: [String] = []) async throws {
        let out = Pipe()
        let process = try ProcessRunner.start(
            ProcessRunner.executable("cvserver"), ["--in-memory", "--port", "0", "--host", "127.0.0.1"] + arguments,
            stdout: out, stderr: Pipe())
        self.process = process
        let lines = await Self.readLines(3, from: out.fileHandleForReading)
        guard lines.count == 3, let url = lines[0].split(separator: " ").last,
              lines[0].hasPrefix("cvserver listening on "), lines[1].hasPrefix("training-key: "),
              lines[2].hasPrefix("prediction-key: ")
        else {
            process.terminate()
            throw ServerProcessError(message: "cvserver banner not seen; got \(lines)")
        }
        endpoint = String(url)
        trainingKey = String(lines[1].dropFirst("training-key: ".count))
        predictionKey = String(lines[2].dropFirst("prediction-key: ".count))
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread.detachNewThread { _ = out.fileHandleForReading.readDataToEndOfFile() }
        // The stderr pipe is drained the same way.
        if let err = process.standardError as? Pipe {
            Thread.detachNewThread { _ = err.fileHandleForReading.readDataToEndOfFile() }
        }
    }

    /// The environment variables `cvctl` reads for this server.
    public var environment: [String: String] {
        [
            "VISION_TRAINING_ENDPOINT": endpoint, "VISION_TRAINING_KEY": trainingKey,
            "VISION_PREDICTION_ENDPOINT": endpoint, "VISION_PREDICTION_KEY": predictionKey,
            "VISION_PREDICTION_RESOURCE_ID": "/subscriptions/local/resourceGroups/test/providers/"
                + "Microsoft.CognitiveServices/accounts/cvserver-prediction",
        ]
    }

    /// Terminates the server and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    private static func readLines(_ count: Int, from handle: FileHandle) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
                    if lines.count >= count, buffer.last == UInt8(ascii: "\n") || lines.count > count {
                        break
                    }
                }
                let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").prefix(count)
                continuation.resume(returning: lines.map(String.init))
            }
        }
    }
}

/// The server did not start.
public struct ServerProcessError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
