import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// The `$filter` of image listings: `key eq 'value'` / `ne` clauses joined by `and` / `or` (no parentheses;
/// `and` binds tighter).
struct MetadataFilter: Sendable {
    private struct Clause: Sendable {
        var key: String
        var equal: Bool
        var value: String
    }
    private var anyOf: [[Clause]] = []

    init(_ text: String?) throws {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        anyOf = try text.components(separatedBy: " or ").map { disjunct in
            try disjunct.components(separatedBy: " and ").map { clause in
                let parts = clause.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2)
                guard parts.count == 3, ["eq", "ne"].contains(parts[1].lowercased()),
                    parts[2].hasPrefix("'"), parts[2].hasSuffix("'"), parts[2].count >= 2
                else {
                    throw APIError.badRequest(
                        "Unsupported $filter clause '\(clause.prefix(64))'.",
                        code: .badRequestPredictionInvalidQueryParameters)
                }
                return Clause(
                    key: String(parts[0]), equal: parts[1].lowercased() == "eq",
                    value: String(parts[2].dropFirst().dropLast()))
            }
        }
    }

    func matches(_ metadata: [String: String]) -> Bool {
        anyOf.isEmpty || anyOf.contains { all in all.allSatisfy { ($0.value == metadata[$0.key]) == $0.equal } }
    }
}
