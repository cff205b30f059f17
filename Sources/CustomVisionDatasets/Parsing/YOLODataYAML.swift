import Foundation

/// The fields of a YOLO `data.yaml` this package uses, read by a minimal, strict YAML-subset parser.
///
/// Accepted: top-level `key: value` pairs (`path`, `train`, `val`, `test`, `nc`, others ignored), comments,
/// quoted or plain scalars, and `names` as a flow list (`[a, b]`), a block list (`- a`), a block map (`0: a`) or a
/// flow map (`{0: a, 1: b}`). Anchors, aliases, tags and multi-document streams are refused.
struct YOLODataYAML: Sendable, Hashable {
    var path: String?
    var train: String?
    var val: String?
    var test: String?
    /// Class names by index.
    var names: [String] = []

    static func parse(_ text: String, file: String) throws -> YOLODataYAML {
        var result = YOLODataYAML()
        var nc: Int?
        let lines = text.textLines().map { String($0) }
        var index = 0
        func fail(_ message: String, line: Int) -> DatasetError {
            DatasetError(.malformed, "YAML: \(message)", at: DatasetLocation(file: file, line: line))
        }
        while index < lines.count {
            let lineNumber = index + 1
            let raw = try stripComment(lines[index], line: lineNumber, file: file)
            index += 1
            if raw.trimmingCharacters(in: .whitespaces).isEmpty || raw == "---" { continue }
            if raw.hasPrefix(" ") || raw.hasPrefix("\t") || raw.hasPrefix("-") {
                throw fail("unexpected indented line or list item outside 'names'", line: lineNumber)
            }
            guard let colon = keyColon(raw) else { throw fail("expected 'key: value'", line: lineNumber) }
            let key = try scalar(String(raw[..<colon]), line: lineNumber, file: file)
            let value = String(raw[raw.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("&") || value.hasPrefix("*") || value.hasPrefix("!") {
                throw fail("anchors, aliases and tags are not accepted", line: lineNumber)
            }
            switch key {
            case "names":
                if value.isEmpty {
                    var block: [(String, Int)] = []
                    while index < lines.count {
                        let next = try stripComment(lines[index], line: index + 1, file: file)
                        if next.trimmingCharacters(in: .whitespaces).isEmpty {
                            index += 1
                            continue
                        }
                        guard next.hasPrefix(" ") || next.hasPrefix("\t") || next.hasPrefix("- ") else { break }
                        block.append((next.trimmingCharacters(in: .whitespaces), index + 1))
                        index += 1
                    }
                    result.names = try blockNames(block, file: file)
                } else {
                    result.names = try flowNames(value, line: lineNumber, file: file)
                }
            case "nc":
                guard let n = Int(try scalar(value, line: lineNumber, file: file)), n >= 0 else {
                    throw DatasetError(
                        .invalidValue, "YAML: 'nc' must be a whole number",
                        at: DatasetLocation(file: file, line: lineNumber))
                }
                nc = n
            case "path": result.path = try scalar(value, line: lineNumber, file: file)
            case "train": result.train = try scalar(value, line: lineNumber, file: file)
            case "val": result.val = try scalar(value, line: lineNumber, file: file)
            case "test": result.test = try scalar(value, line: lineNumber, file: file)
            default: continue
            }
        }
        if let nc, nc != result.names.count {
            throw DatasetError(
                .invalidValue, "YAML: nc is \(nc) but names has \(result.names.count) entries",
                at: DatasetLocation(file: file))
        }
        return result
    }

    /// The position of the `:` that ends a key, outside quotes.
    private static func keyColon(_ s: String) -> String.Index? {
        var quotes = QuoteTracker()
        for index in s.indices {
            let c = s[index]
            if quotes.isQuoted(c) { continue }
            if c == ":" {
                let next = s.index(after: index)
                if next == s.endIndex || s[next] == " " { return index }
            }
        }
        return nil
    }

    private static func stripComment(_ line: String, line number: Int, file: String) throws -> String {
        var quotes = QuoteTracker()
        var previous: Character = " "
        var out = ""
        for c in line {
            if !quotes.isQuoted(c), c == "#", previous == " " || previous == "\t" { break }
            out.append(c)
            previous = c
        }
        if quotes.isOpen {
            throw DatasetError(
                .malformed, "YAML: unterminated quoted string", at: DatasetLocation(file: file, line: number))
        }
        while out.last == " " || out.last == "\t" || out.last == "\r" { out.removeLast() }
        return out
    }

    /// A plain or quoted scalar.
    private static func scalar(_ raw: String, line: Int, file: String) throws -> String {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.count >= 2, let first = s.first, first == "\"" || first == "'", s.last == first {
            let inner = String(s.dropFirst().dropLast())
            if first == "'" { return inner.replacingOccurrences(of: "''", with: "'") }
            // Double quotes: a backslash takes the next character as it is (`\"`, `\\`, as YOLOWriter writes).
            var out = ""
            var escaped = false
            for c in inner {
                if !escaped, c == "\\" {
                    escaped = true
                    continue
                }
                escaped = false
                out.append(c)
            }
            return out
        }
        if s.hasPrefix("\"") || s.hasPrefix("'") || s.hasPrefix("[") || s.hasPrefix("{") {
            throw DatasetError(.malformed, "YAML: unexpected value '\(s)'", at: DatasetLocation(file: file, line: line))
        }
        return s
    }

    /// Splits a flow collection's items at top-level commas.
    private static func flowItems(_ inner: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quotes = QuoteTracker()
        for c in inner {
            if !quotes.isQuoted(c), c == "," {
                items.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty || !items.isEmpty { items.append(current) }
        return items
    }

    private static func flowNames(_ value: String, line: Int, file: String) throws -> [String] {
        let place = DatasetLocation(file: file, line: line)
        if value.hasPrefix("["), value.hasSuffix("]") {
            return try flowItems(String(value.dropFirst().dropLast())).map { try scalar($0, line: line, file: file) }
        }
        if value.hasPrefix("{"), value.hasSuffix("}") {
            let pairs = flowItems(String(value.dropFirst().dropLast())).map {
                ($0.trimmingCharacters(in: .whitespaces), line)
            }
            return try blockNames(pairs, file: file)
        }
        throw DatasetError(.malformed, "YAML: 'names' must be a list or a map", at: place)
    }

    /// Names from block lines: all `- name`, or all `index: name` with indices 0..<n.
    private static func blockNames(_ lines: [(String, Int)], file: String) throws -> [String] {
        if lines.allSatisfy({ $0.0.hasPrefix("- ") || $0.0 == "-" }) {
            return try lines.map { try scalar(String($0.0.dropFirst()), line: $0.1, file: file) }
        }
        var byIndex: [Int: String] = [:]
        for (text, line) in lines {
            guard let colon = keyColon(text + " "), let key = Int(text[..<colon].trimmingCharacters(in: .whitespaces)),
                key >= 0, key < 100_000
            else {
                throw DatasetError(
                    .malformed, "YAML: names entries must all be '- name' or all be 'index: name'",
                    at: DatasetLocation(file: file, line: line))
            }
            guard byIndex[key] == nil else {
                throw DatasetError(
                    .invalidValue, "YAML: class index \(key) appears twice",
                    at: DatasetLocation(file: file, line: line))
            }
            byIndex[key] = try scalar(String(text[text.index(after: colon)...]), line: line, file: file)
        }
        guard byIndex.keys.sorted() == Array(0..<byIndex.count) else {
            throw DatasetError(
                .invalidValue, "YAML: class indices of names must be 0..<\(byIndex.count)",
                at: DatasetLocation(file: file, line: lines.first?.1))
        }
        return (0..<byIndex.count).map { byIndex[$0]! }
    }
}

/// Whether a character of a YAML line lies inside a quoted scalar: `'…'` (where `''` is a quote) or `"…"` (where a
/// backslash escapes the next character).
private struct QuoteTracker {
    private var quote: Character?
    private var escaped = false

    /// Whether a quoted scalar is still open.
    var isOpen: Bool { quote != nil }

    /// Steps over `c`: true when it opens, lies inside or closes a quoted scalar.
    mutating func isQuoted(_ c: Character) -> Bool {
        guard let q = quote else {
            if c == "\"" || c == "'" { quote = c }
            return quote != nil
        }
        if escaped {
            escaped = false
        } else if q == "\"", c == "\\" {
            escaped = true
        } else if c == q {
            quote = nil
        }
        return true
    }
}
