import Foundation

/// One call of one operation, before it becomes an ``TransportRequest``.
struct Operation: Sendable {
    /// The spec's operationId.
    var id: String
    var method: TransportMethod
    /// The path below the API's base path, percent-encoded.
    var path: String
    var query = QueryItems()
    var body: TransportBody?
    var safety: RetrySafety
    var downloadDestination: URL?

    init(_ id: String, _ method: TransportMethod, _ path: String, safety: RetrySafety? = nil) {
        self.id = id
        self.method = method
        self.path = path
        self.safety = safety ?? (method == .post ? .unsafe : .idempotent)
    }
}

/// Query parameters in order, already encoded as the service expects (csv arrays, `true`/`false`).
struct QueryItems: Sendable {
    private(set) var items: [(name: String, value: String)] = []

    mutating func add(_ name: String, _ value: String?) {
        if let value { items.append((name, value)) }
    }

    mutating func add(_ name: String, _ value: UUID?) { add(name, value.map(Path.uuid)) }

    mutating func add(_ name: String, _ values: [UUID]?) {
        if let values { add(name, values.map(Path.uuid).joined(separator: ",")) }
    }

    mutating func add(_ name: String, _ values: [some RawRepresentable<String>]?) {
        if let values { add(name, values.map(\.rawValue).joined(separator: ",")) }
    }

    mutating func add(_ name: String, _ value: (some RawRepresentable<String>)?) { add(name, value?.rawValue) }

    mutating func add(_ name: String, _ value: Bool?) { add(name, value.map { $0 ? "true" : "false" }) }

    mutating func add(_ name: String, _ value: Int?) { add(name, value.map(String.init)) }

    mutating func add(_ name: String, _ value: Double?) { add(name, value.map { String($0) }) }

    /// `name=value&…`, each part percent-encoded (commas kept: they separate csv items).
    var encoded: String {
        items.map { Path.encode($0.name, allowing: "$") + "=" + Path.encode($0.value, allowing: ",") }
            .joined(separator: "&")
    }
}

/// Percent-encoding of path segments and query parts (RFC 3986 unreserved characters pass).
enum Path {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// A UUID as the service writes it (lower case).
    static func uuid(_ id: UUID) -> String { id.lowercasedText }

    /// One path segment: `/` and everything outside the unreserved set is encoded.
    static func segment(_ text: String) -> String { encode(text, allowing: "") }

    static func encode(_ text: String, allowing extra: String) -> String {
        let allowed = unreserved.union(extra.utf8)
        var out = ""
        for byte in text.utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

extension Operation {
    /// Throws an ``CustomVisionClientError/Kind/invalidRequest`` error, before anything is sent, when a documented
    /// limit is broken.
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else {
            throw CustomVisionClientError(kind: .invalidRequest, operationID: id, message: message(), attempts: 0)
        }
    }

    /// Checks a listing's `take` (0…256) and `skip` (≥ 0).
    func requirePage(take: Int?, skip: Int?) throws {
        if let take { try require((0...ServiceLimits.maxTake).contains(take), "take must be 0…256, not \(take)") }
        if let skip { try require(skip >= 0, "skip must not be negative, not \(skip)") }
    }

    /// Checks the length of an id list.
    func require(_ ids: [UUID]?, atMost limit: Int, _ name: String) throws {
        guard let ids else { return }
        try require(ids.count <= limit, "at most \(limit) \(name) per request, not \(ids.count)")
    }
}
