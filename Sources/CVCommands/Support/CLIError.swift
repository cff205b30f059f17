import Foundation

/// An error `cvctl` reports itself: a message for stderr and the documented exit code.
public struct CLIError: Error, Sendable, CustomStringConvertible, LocalizedError {
    private enum Code: Int32, Sendable {
        case unexpected = 1
        case api = 2
        case transport = 3
        case failed = 4
        case partial = 5
        case usage = 64
        case data = 65
    }

    private let code: Code
    /// What went wrong, naming the file, field or id at fault. Never contains a key.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The process exit code this error maps to (see ``ExitStatus``).
    public var exitCode: Int32 { code.rawValue }
    public var description: String { message }
    public var errorDescription: String? { message }

    /// A bad flag, argument or config (exit 64).
    public static func usage(_ message: String) -> CLIError { CLIError(.usage, message) }
    /// A dataset or local file that cannot be used (exit 65).
    public static func data(_ message: String) -> CLIError { CLIError(.data, message) }
    /// The service refused the request (exit 2).
    public static func api(_ message: String) -> CLIError { CLIError(.api, message) }
    /// The service could not be reached or failed (exit 3).
    public static func transport(_ message: String) -> CLIError { CLIError(.transport, message) }
    /// Training failed or timed out, an export failed, or a quality gate failed (exit 4).
    public static func failed(_ message: String) -> CLIError { CLIError(.failed, message) }
    /// Some items of a batch operation failed (exit 5).
    public static func partial(_ message: String) -> CLIError { CLIError(.partial, message) }
    /// Anything else (exit 1).
    public static func unexpected(_ message: String) -> CLIError { CLIError(.unexpected, message) }
    /// `message` with the exit code `error` maps to (see ``ExitStatus``), e.g. to sum up failures caused by it.
    public static func like(_ error: any Error, _ message: String) -> CLIError {
        CLIError(ExitStatus.code(for: error).flatMap(Code.init(rawValue:)) ?? .unexpected, message)
    }
}
