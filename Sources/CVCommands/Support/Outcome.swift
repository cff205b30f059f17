import Foundation

/// What a command that returns no model (a delete, an unpublish, a download) reports: a line on stderr, or with
/// `--output json` this document on stdout, so every command prints one JSON document.
struct Outcome: Codable, Sendable, Hashable {
    /// `deleted`, `unpublished`, `downloaded`.
    var action: String
    /// What it acted on: `project`, `tag`, `iteration`, `images`.
    var kind: String
    /// The id acted on, when one.
    var id: UUID?
    /// How many, when several.
    var count: Int?
    /// Where files went, for downloads.
    var path: String?

    init(_ action: String, _ kind: String, id: UUID? = nil, count: Int? = nil, path: String? = nil) {
        (self.action, self.kind, self.id, self.count, self.path) = (action, kind, id, count, path)
    }
}

extension Console {
    /// Reports `outcome` (an ``Outcome`` or a small document): `message` on stderr (unless quiet) for tables, the
    /// outcome as JSON on stdout for JSON.
    func report(_ outcome: some Encodable, _ message: String) throws {
        switch format {
        case .json: try json(outcome)
        case .table: info(message)
        }
    }
}
