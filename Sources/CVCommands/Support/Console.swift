import CustomVisionCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: data to stdout, everything else to stderr.
///
/// stdout carries only data (a table or one JSON document); progress, notes and errors go to stderr.
public struct Console: Sendable {
    /// The output format.
    public var format: OutputFormat
    /// No informational messages.
    public var quiet: Bool
    /// Whether stderr is a terminal (progress bars redraw in place only then).
    public var stderrIsTerminal: Bool

    public init(format: OutputFormat = .table, quiet: Bool = false) {
        self.format = format
        self.quiet = quiet
        self.stderrIsTerminal = isatty(STDERR_FILENO) != 0
    }

    /// Writes data to stdout, with a newline.
    public func data(_ text: String) {
        Self.write(text + "\n", to: STDOUT_FILENO)
    }

    /// Writes an informational line to stderr unless quiet.
    public func info(_ text: String) {
        if !quiet { Self.write(text + "\n", to: STDERR_FILENO) }
    }

    /// Writes raw text to stderr unless quiet (progress bars).
    public func progress(_ text: String) {
        if !quiet { Self.write(text, to: STDERR_FILENO) }
    }

    /// Writes a line to stderr even when quiet, as it is (a problem the user must see, already labelled, such as
    /// an error finding of a dataset).
    public func problem(_ text: String) {
        Self.write(text + "\n", to: STDERR_FILENO)
    }

    /// Writes an error line to stderr, always.
    public func error(_ text: String) {
        Self.write("error: " + text + "\n", to: STDERR_FILENO)
    }

    /// Writes the error of each input, as `input: message`. An error that is not the input's own (the service
    /// refusing the whole run, ``ServiceErrorInfo/refusesTheRun``, or no connection) is written once, with the number
    /// of inputs it failed and the first of them: a wrong published name fails every image alike.
    public func errors(_ failures: [(input: String, error: any Error)]) {
        var order: [String] = []
        var shared: [String: [String]] = [:]
        for (input, failure) in failures {
            let message = ExitStatus.message(for: failure)
            let info = ServiceErrorInfo(failure)
            guard info?.refusesTheRun == true || info?.isConnectionFailure == true else {
                error("\(input): \(message)")
                continue
            }
            if shared[message] == nil { order.append(message) }
            shared[message, default: []].append(input)
        }
        for message in order {
            let inputs = shared[message] ?? []
            if inputs.count == 1 {
                error("\(inputs[0]): \(message)")
            } else {
                error("\(message) (\(inputs.count) inputs, the first \(inputs[0]))")
            }
        }
    }

    /// Prints one JSON document on stdout.
    public func json(_ value: some Encodable) throws {
        let data = try Self.encode(value)
        Self.write(String(decoding: data, as: UTF8.self) + "\n", to: STDOUT_FILENO)
    }

    /// `value` as the JSON `cvctl` prints: the shared ``encoder``, with every UUID lowercase as the service
    /// writes them (Foundation encodes `UUID` in uppercase).
    public static func encode(_ value: some Encodable) throws -> Data {
        Data(JSONUUIDCase.lowercased(Array(try encoder.encode(value))))
    }

    /// Prints `value` as JSON, or as the table `makeTable` builds, per ``format``.
    public func emit<T: Encodable>(_ value: T, table makeTable: (T) -> TextTable) throws {
        switch format {
        case .json: try json(value)
        case .table: data(makeTable(value).render())
        }
    }

    /// The shared JSON encoder: pretty, sorted keys, unescaped slashes, ISO-8601 dates.
    static var encoder: JSONEncoder {
        let encoder = CustomVisionJSON.makeEncoder(pretty: true)
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}

private func systemWrite(_ fd: Int32, _ pointer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
