import Foundation

/// Finds UUIDs written with uppercase hex digits in `cvctl` output (the service and `cvctl` write them lowercase).
enum UUIDScan {
    private static let pattern = try! NSRegularExpression(
        pattern: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")

    /// Every UUID in `text`.
    static func uuids(in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    /// The UUIDs in `text` that have an uppercase letter.
    static func uppercase(in text: String) -> [String] {
        uuids(in: text).filter { $0 != $0.lowercased() }
    }
}
