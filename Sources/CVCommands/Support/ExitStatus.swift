import Foundation
import ImagePrep

/// The documented exit codes and how errors map to them.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | unexpected error |
/// | 2 | the service refused a request (HTTP 4xx) |
/// | 3 | transport error, or the service failed (HTTP 5xx) |
/// | 4 | training failed or timed out, an export failed, or a quality gate failed |
/// | 5 | some items of a batch failed (upload, prediction, download, prepare); the rest went on |
/// | 64 | usage error (bad flag, missing endpoint or key) |
/// | 65 | bad dataset or input file |
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let unexpected: Int32 = 1
    public static let api: Int32 = 2
    public static let transport: Int32 = 3
    public static let failed: Int32 = 4
    public static let partial: Int32 = 5
    public static let usage: Int32 = 64
    public static let data: Int32 = 65

    /// The exit code for an error `cvctl` reports itself, or `nil` to let ArgumentParser report it (help, usage,
    /// `ExitCode`).
    public static func code(for error: any Error) -> Int32? {
        if let error = error as? CLIError { return error.exitCode }
        if let error = error as? RedactedError { return error.exitCode }
        if let status = ServiceErrorInfo(error) { return status.exitCode }
        // An image file that cannot be decoded or prepared is bad input (its message names the file).
        if error is ImagePrepError { return data }
        if error is CancellationError { return 130 }
        return nil
    }

    /// The one-line message for an error `cvctl` reports itself.
    public static func message(for error: any Error) -> String {
        if let error = error as? CLIError { return error.message }
        if let error = error as? RedactedError { return error.message }
        if let info = ServiceErrorInfo(error) { return info.message }
        if error is CancellationError { return "cancelled" }
        return String(describing: error)
    }
}
