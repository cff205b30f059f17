import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// A small multipart/form-data parser: enough for `imageData` uploads.
enum Multipart {
    struct Part: Sendable {
        var name: String?
        /// The `filename` parameter exactly as sent, quotes included: the service echoes it as `sourceUrl`
        /// (`"\"hemlock_10.jpg\""` in its CreateImagesFromData example).
        var filename: String? = nil
        var body: [UInt8]
    }

    /// The boundary parameter of a `Content-Type` header.
    static func boundary(_ contentType: String) -> String? {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// The parts of `body`.
    static func parse(_ body: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var i = 0
        while let found = find(delimiter, in: body, from: i) {
            positions.append(found)
            i = found + delimiter.count
        }
        guard positions.count >= 2 else {
            throw APIError.badRequest("The multipart body is malformed.", code: .badRequestImageStream)
        }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var from = start + delimiter.count
            if from + 1 < body.count, body[from] == 13, body[from + 1] == 10 { from += 2 }
            var to = end
            if to >= 2, body[to - 2] == 13, body[to - 1] == 10 { to -= 2 }
            guard from <= to, let headerEnd = find([13, 10, 13, 10], in: body, from: from), headerEnd <= to else {
                continue
            }
            let headerText = String(decoding: body[from..<headerEnd], as: UTF8.self)
            parts.append(
                Part(
                    name: name(in: headerText), filename: filename(in: headerText),
                    body: Array(body[(headerEnd + 4)..<to])))
        }
        return parts
    }

    private static func name(in headers: String) -> String? {
        guard let range = headers.range(of: "name=\"") else { return nil }
        let rest = headers[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// The raw value of the `filename` parameter: a quoted string with its quotes, or a token.
    private static func filename(in headers: String) -> String? {
        guard let range = headers.range(of: "filename=", options: .caseInsensitive) else { return nil }
        let rest = headers[range.upperBound...]
        if rest.hasPrefix("\"") {
            return rest.dropFirst().firstIndex(of: "\"").map { String(rest[...$0]) }
        }
        let token = rest.prefix { $0 != ";" && !$0.isNewline }
        return token.isEmpty ? nil : String(token)
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count, hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
