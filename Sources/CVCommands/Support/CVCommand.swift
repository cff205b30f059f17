import ArgumentParser
import CustomVisionHTTP
import Foundation
import Logging
import Synchronization

/// What a command runs with: resolved connection settings, the console, and client factories.
public struct CommandContext: Sendable {
    /// Endpoints and keys.
    public let settings: ConnectionSettings
    /// stdout/stderr.
    public let console: Console
    /// Request logging (debug with `--verbose`, keys redacted; silent otherwise).
    public let logger: Logger
    /// Whether `--verbose` was given.
    private let verbose: Bool

    /// Builds the context from the global options.
    public init(global: GlobalOptions) throws {
        settings = try ConnectionSettings.resolve(global.connection)
        console = Console(format: global.output.output, quiet: global.output.quiet)
        verbose = global.output.verbose
        logger = Self.logger(verbose: verbose, secrets: settings.secrets)
    }

    /// The request logger with `secrets` (e.g. another profile's key, an export token) redacted besides the keys.
    public func logger(redacting secrets: [String]) -> Logger {
        Self.logger(verbose: verbose, secrets: settings.secrets + secrets)
    }

    private static func logger(verbose: Bool, secrets: [String]) -> Logger {
        guard verbose else { return .customVisionSilent }
        let redactor = Redactor(secrets: secrets)
        var logger = Logger(label: "cvctl") { _ in RedactingLogHandler(redactor: redactor) }
        logger.logLevel = .debug
        return logger
    }

    /// A Training API client, or a usage error when the endpoint or key is missing.
    public func training() throws -> TrainingClient {
        let (endpoint, key) = try settings.training()
        warnIfClearText(endpoint, "training")
        return TrainingClient(endpoint: endpoint, key: key, logger: logger)
    }

    /// A Prediction API client, or a usage error when the endpoint or key is missing.
    public func prediction() throws -> PredictionClient {
        let (endpoint, key) = try settings.prediction()
        warnIfClearText(endpoint, "prediction")
        return PredictionClient(endpoint: endpoint, key: key, logger: logger)
    }

    /// Warns (once per endpoint and kind of key) when the key would travel unencrypted: plain `http://` to a host
    /// that is not this machine. A cvserver on loopback is the expected plain-HTTP case and stays quiet.
    private func warnIfClearText(_ endpoint: URL, _ kind: String) {
        guard endpoint.sendsKeysInClearText else { return }
        let first = Self.warned.withLock { $0.insert("\(kind) \(endpoint.absoluteString)").inserted }
        guard first else { return }
        console.info("warning: the \(kind) key is sent unencrypted to \(Redactor.endpoint(endpoint.absoluteString)) "
            + "(plain http to another machine); use https")
    }

    private static let warned = Mutex<Set<String>>([])
}

/// A command that talks to the service: `run()` builds the context once, then calls ``run(_:)``
/// (SwiftPM's `AsyncSwiftCommand` shape). Errors are mapped to exit codes by ``CVCtl/main(_:)``.
public protocol CVCommand: AsyncParsableCommand {
    /// The shared options.
    var global: GlobalOptions { get }
    /// The command's work.
    func run(_ context: CommandContext) async throws
}

extension CVCommand {
    public func run() async throws {
        let context = try CommandContext(global: global)
        do {
            try await run(context)
        } catch {
            // Whatever the error's source (a service echoing a header, a URL in a system error), no key leaves.
            throw RedactedError.redacting(error, Redactor(secrets: context.settings.secrets))
        }
    }
}

/// An error whose message held a secret: its exit code and its message with the secrets replaced by `***`.
public struct RedactedError: Error, CustomStringConvertible {
    /// The exit code of the original error.
    public let exitCode: Int32
    /// The original message, redacted.
    public let message: String

    public var description: String { message }

    /// `error` itself when its message holds no secret, else the redacted error.
    static func redacting(_ error: any Error, _ redactor: Redactor) -> any Error {
        let code = ExitStatus.code(for: error)
        let message = code == nil ? CVCtl.message(for: error) : ExitStatus.message(for: error)
        let redacted = redactor.redact(message)
        guard redacted != message else { return error }
        return RedactedError(exitCode: code ?? CVCtl.exitCode(for: error).rawValue, message: redacted)
    }
}

extension UUID: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(uuidString: argument) }
}
