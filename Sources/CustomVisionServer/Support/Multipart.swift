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

    /// The parts of `body`; more than `maxParts` is refused as soon as the next one is found.
    ///
    /// Linear in the body: each part's header block is looked for within the part only (a search to the end of the
    /// body for every part made a body of many tiny parts take hours).
    /// - Parameter keep: which parts count and are returned (the others are skipped).
    static func parse(
        _ body: [UInt8], boundary: String, maxParts: Int = .max, keep: (Part) -> Bool = { _ in true }
    ) throws -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        let malformed = APIError.badRequest("The multipart body is malformed.", code: .badRequestImageStream)
        guard var start = find(delimiter, in: body, from: 0, to: body.count) else { throw malformed }
        var parts: [Part] = []
        var delimiters = 1
        while let end = find(delimiter, in: body, from: start + delimiter.count, to: body.count) {
            delimiters += 1
            if let part = part(of: body, from: start + delimiter.count, to: end), keep(part) {
                guard parts.count < maxParts else {
                    throw APIError.badRequest(
                        "A batch holds at most \(maxParts) images.", code: .badRequestImageBatch)
                }
                parts.append(part)
            }
            start = end
        }
        guard delimiters >= 2 else { throw malformed }
        return parts
    }

    /// The part between the delimiter ending at `start` and the next one at `end`; nil without a header block.
    private static func part(of body: [UInt8], from start: Int, to end: Int) -> Part? {
        let crlf: [UInt8] = [13, 10]
        var from = start
        if end - from >= 2, Array(body[from..<(from + 2)]) == crlf { from += 2 }
        var to = end
        if to - from >= 2, Array(body[(to - 2)..<to]) == crlf { to -= 2 }
        // Headers end with an empty line; a part with no headers starts with it.
        let headerEnd: Int
        if to - from >= 2, Array(body[from..<(from + 2)]) == crlf {
            headerEnd = from - 2
        } else if let found = find(crlf + crlf, in: body, from: from, to: to) {
            headerEnd = found
        } else {
            return nil
        }
        let headerText = String(decoding: body[from..<max(from, headerEnd)], as: UTF8.self)
        return Part(
            name: name(in: headerText), filename: filename(in: headerText), body: Array(body[(headerEnd + 4)..<to]))
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

    /// The first `needle` lying wholly within `hay[from..<to]`, by Knuth–Morris–Pratt: linear whatever the needle
    /// (the boundary is the client's choice, so a naive search could be made to compare every byte many times).
    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, from >= 0, to <= hay.count, to - from >= needle.count else { return nil }
        // border[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var border = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in needle.indices.dropFirst() {
            while k > 0, needle[i] != needle[k] { k = border[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            border[i] = k
        }
        k = 0
        for i in from..<to {
            while k > 0, hay[i] != needle[k] { k = border[k - 1] }
            if hay[i] == needle[k] { k += 1 }
            if k == needle.count { return i - needle.count + 1 }
        }
        return nil
    }
}
