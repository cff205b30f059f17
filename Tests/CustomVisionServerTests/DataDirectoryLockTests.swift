import CVTestSupport
import CustomVisionServer
import Foundation
import Testing

/// One data directory, one cvserver process: a second one stops with an error naming the first.
@Suite struct DataDirectoryLockTests {
    /// What a `cvserver --data-dir directory` process did: listened (then it was stopped), or exited with a status
    /// and an error.
    struct Outcome {
        var listened: Bool
        var status: Int32?
        var stderr: String
    }

    /// Output collected from a pipe on a thread of its own.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        init(_ pipe: Pipe) {
            Thread.detachNewThread { [self] in
                while case let chunk = pipe.fileHandleForReading.availableData, !chunk.isEmpty {
                    lock.withLock { data += chunk }
                }
            }
        }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    static func secondServer(_ directory: URL) async throws -> Outcome {
        let out = Pipe(), err = Pipe()
        let process = try ProcessRunner.start(
            ProcessRunner.executable("cvserver"),
            ["--data-dir", directory.path, "--port", "0", "--host", "127.0.0.1"], stdout: out, stderr: err)
        let stdout = Collected(out), stderr = Collected(err)
        for _ in 0..<300 {
            if stdout.text.contains("cvserver listening on") {
                process.terminate()
                process.waitUntilExit()
                return Outcome(listened: true, status: nil, stderr: stderr.text)
            }
            if !process.isRunning {
                try await Task.sleep(for: .milliseconds(50))  // the last of stderr
                return Outcome(listened: false, status: process.terminationStatus, stderr: stderr.text)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        return Outcome(listened: false, status: nil, stderr: "timed out: " + stderr.text)
    }

    @Test func aSecondProcessOnTheDirectoryStopsAndNamesTheFirst() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withLiveServer(testConfiguration(directory: directory)) { _ in
            // Within this process the claim is shared: a second holder takes it at once.
            let again = try DataDirectoryLock(directory: directory)
            #expect(again.isExclusive)  // this file system has locks
            let second = try await Self.secondServer(directory)
            #expect(!second.listened && second.status == 1)
            #expect(second.stderr.contains(
                "another cvserver (process \(getpid())) is using the data directory \(directory.path)"),
                "\(second.stderr)")
        }
    }

    @Test func theDirectoryIsFreeOnceItsLastHolderGoes() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: DataDirectoryLock? = try DataDirectoryLock(directory: directory)
        var second: DataDirectoryLock? = try DataDirectoryLock(directory: directory)
        first = nil
        #expect(try await Self.secondServer(directory).listened == false)  // still held by `second`
        _ = first
        second = nil
        _ = second
        let free = try await Self.secondServer(directory)
        #expect(free.listened, "\(free.stderr)")
    }

    @Test func aDirectoryThatCannotBeMadeIsNamedWithTheReason() throws {
        let file = temporaryDirectory().appendingPathComponent("file")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: (any Error).self) {
            try DataDirectoryLock(directory: file.appendingPathComponent("data"))
        }
        #expect("\(error.map { "\($0)" } ?? "")" == "cannot create the data directory "
            + "\(file.path)/data: Not a directory")
    }
}
