import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The result of running a program to completion.
public struct ProcessOutput: Sendable {
    /// The exit status (or 128 + signal).
    public var status: Int32
    /// Everything written to stdout.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String
}

/// Finds the package's built executables and runs them.
public enum ProcessRunner {
    /// The build products folder holding `cvctl` and `cvserver`: beside the running test bundle, else
    /// `.build/debug` under the repository.
    public static let productsDirectory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            FixturePaths.root.appendingPathComponent(".build/debug"),
        ]
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("cvctl").path)
        } ?? candidates[candidates.count - 1]
    }()

    /// The path of a built executable.
    public static func executable(_ name: String) -> URL { productsDirectory.appendingPathComponent(name) }

    /// The minimal environment every child gets: PATH, and Swift's crash backtracer switched on (non-interactive),
    /// so a child that crashes leaves a symbolicated backtrace on its stderr for the failing test to show.
    static var baseEnvironment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
         "SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no"]
    }

    /// Starts `executable` with `arguments` and `environment` (added to a minimal base environment).
    public static func start(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                             stdout: Pipe = Pipe(), stderr: Pipe = Pipe()) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = baseEnvironment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs a program to completion, collecting its output.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           stdin: Data? = nil) async throws -> ProcessOutput {
        let out = Pipe()
        let err = Pipe()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = baseEnvironment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        async let stdoutData = Self.readAll(out.fileHandleForReading)
        async let stderrData = Self.readAll(err.fileHandleForReading)
        let (o, e) = await (stdoutData, stderrData)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus
            : process.terminationStatus
        return ProcessOutput(status: status, stdout: String(decoding: o, as: UTF8.self),
                             stderr: String(decoding: e, as: UTF8.self))
    }

    /// Reads a handle to its end on a thread of its own (never blocking the cooperative pool).
    public static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}
