import Foundation

/// A small, strict XML parser: enough for Pascal VOC, and safe on hostile input.
///
/// Supports elements, attributes, text, CDATA, comments, processing instructions (the XML declaration) and the
/// predefined and numeric character references. Refuses DTDs (`<!DOCTYPE`) and so any entity expansion, caps the
/// nesting depth, and reports the line of the first error. Foundation's `XMLParser` is avoided on purpose: on Linux
/// it needs libxml2 at run time.
struct XMLReader {
    private let bytes: [UInt8]
    private let file: String
    private var i = 0
    private var line = 1
    private let maxDepth: Int

    /// Parses `data` and returns the root element.
    /// - Throws: `DatasetError` (`.malformed` or `.forbiddenConstruct`) naming `file` and the line.
    static func parse(_ data: Data, file: String, maxDepth: Int = 64) throws -> XMLElement {
        try parse(bytes: [UInt8](data), file: file, maxDepth: maxDepth)
    }

    /// Parses `bytes` and returns the root element, as `parse(_:file:maxDepth:)`.
    static func parse(bytes: [UInt8], file: String, maxDepth: Int = 64) throws -> XMLElement {
        var reader = XMLReader(bytes: try utf8(bytes, file: file), file: file, maxDepth: maxDepth)
        return try reader.document()
    }

    /// `bytes` as UTF-8: as they are when the XML declaration names UTF-8 or no encoding (and they are valid
    /// UTF-8), transcoded when it names ISO-8859-1 or Windows-1252 (what older labelling tools on Windows write).
    /// - Throws: `.malformed` for invalid UTF-8 or an encoding this reader does not know, rather than reading a
    ///   tag name with replacement characters in it.
    static func utf8(_ bytes: [UInt8], file: String) throws -> [UInt8] {
        let encoding = declaredEncoding(bytes)?.lowercased()
        let legacy: String.Encoding?
        switch encoding {
        case nil, "utf-8", "utf8": legacy = nil
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii": legacy = .isoLatin1
        case "windows-1252", "cp1252": legacy = .windowsCP1252
        default:
            throw DatasetError(
                .malformed, "XML: encoding '\(encoding ?? "")' is not supported (UTF-8, ISO-8859-1 or Windows-1252)",
                at: DatasetLocation(file: file, line: 1))
        }
        if let legacy {
            guard let text = String(bytes: bytes, encoding: legacy) else {
                throw DatasetError(.malformed, "XML: the file is not valid \(encoding ?? "") text",
                                   at: DatasetLocation(file: file, line: 1))
            }
            return Array(text.utf8)
        }
        guard bytes.contains(where: { $0 >= 0x80 }) else { return bytes }  // ASCII: nothing to check
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let line = 1 + (firstInvalidUTF8(bytes).map { bytes[..<$0].count { $0 == 0x0A } } ?? 0)
            throw DatasetError(
                .malformed, "XML: the file is not valid UTF-8 text (declare its encoding, e.g. ISO-8859-1)",
                at: DatasetLocation(file: file, line: line))
        }
        return bytes
    }

    /// The `encoding` of the XML declaration at the start of `bytes`, if any.
    private static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard bytes.dropFirst(start).starts(with: Array("<?xml".utf8)) else { return nil }  // no declaration
        let head = String(decoding: bytes[start..<min(bytes.count, start + 256)], as: UTF8.self)
        guard let end = head.range(of: "?>"),
            let key = head[..<end.lowerBound].range(of: "encoding")
        else { return nil }
        let rest = head[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// The offset of the first byte that starts an invalid UTF-8 sequence.
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private init(bytes: [UInt8], file: String, maxDepth: Int) {
        self.bytes = bytes
        self.file = file
        self.maxDepth = maxDepth
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    private func fail(_ message: String, _ code: DatasetError.Code = .malformed) -> DatasetError {
        DatasetError(code, "XML: \(message)", at: DatasetLocation(file: file, line: line))
    }

    private var atEnd: Bool { i >= bytes.count }

    private func peek(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        return s.withUTF8Buffer { u in
            for k in 0..<n where bytes[i + k] != u[k] { return false }
            return true
        }
    }

    private mutating func advance() {
        if bytes[i] == 0x0A { line += 1 }
        i += 1
    }

    private mutating func skipWhitespace() {
        while !atEnd {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: advance()
            default: return
            }
        }
    }

    /// Skips past `terminator`, failing at end of input.
    private mutating func skip(past terminator: StaticString, what: String) throws {
        while !atEnd {
            if peek(terminator) {
                for _ in 0..<terminator.utf8CodeUnitCount { advance() }
                return
            }
            advance()
        }
        throw fail("unterminated \(what)")
    }

    /// Skips comments, processing instructions and whitespace; refuses DOCTYPE.
    private mutating func skipMisc() throws {
        while true {
            skipWhitespace()
            if peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if peek("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if peek("<!DOCTYPE") || peek("<!ENTITY") {
                throw fail("DTDs and entity declarations are not accepted", .forbiddenConstruct)
            } else {
                return
            }
        }
    }

    private mutating func document() throws -> XMLElement {
        try skipMisc()
        guard !atEnd else { throw fail("the document is empty") }
        guard bytes[i] == UInt8(ascii: "<") else { throw fail("text before the root element") }
        let root = try element()
        try skipMisc()
        guard atEnd else { throw fail("content after the root element") }
        return root
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    private mutating func name() throws -> String { string(try nameRange()) }

    /// The bytes of the name at the cursor, which moves past it.
    private mutating func nameRange() throws -> Range<Int> {
        let start = i
        while !atEnd, Self.isNameByte(bytes[i]) { i += 1 }
        guard i > start, !(0x30...0x39).contains(bytes[start]), bytes[start] != UInt8(ascii: "-") else {
            throw fail("expected a name")
        }
        return start..<i
    }

    private func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// Whether the name at `range` is `name` (compared as bytes, without making a string of it).
    private func closes(_ name: String, _ range: Range<Int>) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            utf8.count == range.count && bytes.withUnsafeBufferPointer { all in
                memcmp(all.baseAddress! + range.lowerBound, utf8.baseAddress!, range.count) == 0
            }
        }
    }

    /// Parses an element starting at `<`, iteratively (no recursion, so depth is bounded by `maxDepth`).
    private mutating func element() throws -> XMLElement {
        var stack: [XMLElement] = []
        while true {
            guard !atEnd else {
                throw fail("unexpected end of document inside <\(stack.last?.name ?? "?")>")
            }
            let next = i + 1 < bytes.count ? bytes[i + 1] : 0  // after '<': which markup (one byte, not five peeks)
            if bytes[i] != UInt8(ascii: "<") {
                // Indentation between tags is no element's text: skipped without making a string of it.
                skipWhitespace()
                guard !atEnd, bytes[i] != UInt8(ascii: "<") else { continue }
                guard !stack.isEmpty else { throw fail("text outside the root element") }
                stack[stack.count - 1].text += try textRun()
            } else if next == UInt8(ascii: "/") {
                i += 2
                let closing = try nameRange()
                skipWhitespace()
                guard !atEnd, bytes[i] == UInt8(ascii: ">") else {
                    throw fail("expected '>' after </\(string(closing))")
                }
                i += 1
                guard let done = stack.popLast() else { throw fail("unexpected </\(string(closing))>") }
                guard closes(done.name, closing) else {
                    throw fail("</\(string(closing))> closes <\(done.name)> opened on line \(done.line)")
                }
                if stack.isEmpty { return done }
                stack[stack.count - 1].children.append(done)
            } else if next == UInt8(ascii: "!"), peek("<!--") {
                try skip(past: "-->", what: "comment")
            } else if next == UInt8(ascii: "!"), peek("<![CDATA[") {
                guard !stack.isEmpty else { throw fail("CDATA outside an element") }
                i += 9
                let start = i
                try skip(past: "]]>", what: "CDATA section")
                stack[stack.count - 1].text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
            } else if next == UInt8(ascii: "?") {
                try skip(past: "?>", what: "processing instruction")
            } else if next == UInt8(ascii: "!") {
                throw fail("DTDs and entity declarations are not accepted", .forbiddenConstruct)
            } else {
                guard stack.count < maxDepth else { throw fail("elements nested deeper than \(maxDepth)") }
                i += 1
                let (element, selfClosing) = try startTag()
                if selfClosing {
                    if stack.isEmpty { return element }
                    stack[stack.count - 1].children.append(element)
                } else {
                    stack.append(element)
                }
            }
        }
    }

    private mutating func startTag() throws -> (XMLElement, Bool) {
        var element = XMLElement(name: try name(), line: line)
        while true {
            skipWhitespace()
            guard !atEnd else { throw fail("unterminated start tag <\(element.name)") }
            if peek("/>") {
                i += 2
                return (element, true)
            }
            if bytes[i] == UInt8(ascii: ">") {
                i += 1
                return (element, false)
            }
            let attribute = try name()
            skipWhitespace()
            guard !atEnd, bytes[i] == UInt8(ascii: "=") else { throw fail("expected '=' after \(attribute)") }
            i += 1
            skipWhitespace()
            guard !atEnd, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw fail("attribute \(attribute) needs a quoted value")
            }
            let quote = bytes[i]
            i += 1
            let start = i
            while !atEnd, bytes[i] != quote {
                guard bytes[i] != UInt8(ascii: "<") else { throw fail("'<' in the value of \(attribute)") }
                advance()
            }
            guard !atEnd else { throw fail("unterminated value of \(attribute)") }
            let raw = try decodedText(start..<i)
            i += 1
            guard element.attributes[attribute] == nil else { throw fail("duplicate attribute \(attribute)") }
            element.attributes[attribute] = raw
        }
    }

    private mutating func textRun() throws -> String {
        let start = i
        while !atEnd, bytes[i] != UInt8(ascii: "<") { advance() }
        return try decodedText(start..<i)
    }

    /// The text of `range`, entities decoded; the bytes are scanned for '&' first, so text without any (nearly all)
    /// is just decoded from UTF-8.
    private func decodedText(_ range: Range<Int>) throws -> String {
        let text = String(decoding: bytes[range], as: UTF8.self)
        return bytes[range].contains(UInt8(ascii: "&")) ? try decodeEntities(text) : text
    }

    private func decodeEntities(_ raw: String) throws -> String {
        var out = ""
        var rest = Substring(raw)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 12 else {
                throw fail("'&' not starting a character reference")
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32?
                if entity.hasPrefix("#x") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst(), radix: 10)
                } else {
                    throw fail("unknown entity &\(entity); (only the five predefined and numeric ones are accepted)")
                }
                guard let value = scalar, value != 0, let character = Unicode.Scalar(value) else {
                    throw fail("invalid character reference &\(entity);")
                }
                out.unicodeScalars.append(character)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
