import Foundation

/// Lowercases UUIDs in encoded JSON: Foundation's `JSONEncoder` writes `UUID` as `uuidString` (uppercase), while the
/// service writes them lowercase. cvserver's responses and cvctl's JSON output both go through it.
package enum JSONUUIDCase {
    /// `json` with every string that is exactly a UUID (`"8-4-4-4-12"` hex digits, keys included) lowercased.
    /// Anything else, including a UUID inside a longer string, is left as it is.
    package static func lowercased(_ json: [UInt8]) -> [UInt8] {
        var bytes = json
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var i = 0
        while i + 37 < bytes.count {
            if bytes[i] == quote, i == 0 || bytes[i - 1] != backslash, bytes[i + 37] == quote,
                isUUID(bytes, from: i + 1)
            {
                for j in (i + 1)...(i + 36) where bytes[j] >= UInt8(ascii: "A") && bytes[j] <= UInt8(ascii: "F") {
                    bytes[j] += 32
                }
                i += 38
            } else {
                i += 1
            }
        }
        return bytes
    }

    /// Whether the 36 bytes at `start` are a UUID's text (hex digits with dashes at 8, 13, 18 and 23).
    static func isUUID(_ bytes: [UInt8], from start: Int) -> Bool {
        bytes.withUnsafeBytes { UUID(text: UnsafeRawBufferPointer(rebasing: $0[start..<start + 36])) != nil }
    }
}
