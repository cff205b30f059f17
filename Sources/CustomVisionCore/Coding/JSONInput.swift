import Foundation

/// A value that reads itself from JSON, faster than `JSONDecoder` (no intermediate tree, no boxing). The reader is
/// a fast path only: whenever it throws, callers decode with `CustomVisionJSON.makeDecoder()`, whose result or
/// error stands — so it may be stricter than `JSONDecoder`, never more lenient. `JSONReadableTests` holds the two
/// to the same values.
package protocol JSONReadable: Decodable {
    /// Reads one value at the input's position.
    init(json: inout JSONInput) throws
}

extension JSONReadable {
    /// Reads a whole document: this value, then nothing but whitespace.
    package static func read(json bytes: UnsafeRawBufferPointer) throws -> Self {
        var input = JSONInput(bytes)
        let value = try Self(json: &input)
        try input.end()
        return value
    }
}

extension CustomVisionJSON {
    /// Decodes a `T` from JSON: a ``JSONReadable`` type with its own reader, falling back to `makeDecoder()` (whose
    /// value or `DecodingError` then stands) when the reader gives up; any other type with `makeDecoder()`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let value = data.withUnsafeBytes({ readFast(T.self, from: $0) }) { return value }
        return try makeDecoder().decode(T.self, from: data)
    }

    /// `decode(_:from:)` of the JSON in `bytes`, read in place; only the fallback to `JSONDecoder` copies them.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        if let value = readFast(T.self, from: bytes) { return value }
        return try makeDecoder().decode(T.self, from: Data(bytes))
    }

    private static func readFast<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) -> T? {
        guard let readable = T.self as? any JSONReadable.Type else { return nil }
        return (try? readable.read(json: bytes)) as? T
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    /// Reads an array of elements.
    package init(json: inout JSONInput) throws {
        self = []
        try json.array { json in append(try Element(json: &json)) }
    }
}

/// Why the fast JSON reader gave up (the caller then asks `JSONDecoder`).
package struct JSONInputError: Error, Sendable {
    /// The byte offset where reading stopped.
    package var offset: Int
}

/// A pull reader over JSON bytes: objects member by member, arrays element by element, scalars typed.
package struct JSONInput {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    /// Objects and arrays open around the position: hostile input nested deeper than `maximumDepth` is refused
    /// (and then refused by `JSONDecoder` too) instead of recursing until the stack runs out.
    private var depth = 0
    /// As deep as `JSONDecoder` goes (512).
    static let maximumDepth = 512

    /// A reader at the start of `bytes`, which must outlive it.
    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    func failure() -> JSONInputError { JSONInputError(offset: position) }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func peek() throws -> UInt8 {
        skipSpace()
        guard position < bytes.count else { throw failure() }
        return bytes[position]
    }

    mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw failure() }
        position += 1
    }

    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard position + n <= bytes.count else { return false }
        for i in 0..<n where bytes[position + i] != text.utf8Start[i] { return false }
        position += n
        return true
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure() }
    }

    /// Only whitespace is left.
    package mutating func end() throws {
        skipSpace()
        guard position == bytes.count else { throw failure() }
    }

    /// True (and consumed) when the next value is `null`.
    package mutating func null() throws -> Bool {
        try peek() == UInt8(ascii: "n") && literal("null")
    }

    /// Reads an object, calling `member` with each key; `member` must read (or `skip()`) the value.
    package mutating func object(_ member: (String, inout JSONInput) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        if try peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(key, &self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw failure() }
        }
    }

    /// Reads an array, calling `element` for each element.
    package mutating func array(_ element: (inout JSONInput) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        if try peek() == UInt8(ascii: "]") { position += 1; return }
        while true {
            try element(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw failure() }
        }
    }

    /// Skips one value of any kind.
    package mutating func skip() throws {
        switch try peek() {
        case UInt8(ascii: "{"): try object { _, json in try json.skip() }
        case UInt8(ascii: "["): try array { json in try json.skip() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): guard literal("true") else { throw failure() }
        case UInt8(ascii: "f"): guard literal("false") else { throw failure() }
        case UInt8(ascii: "n"): guard literal("null") else { throw failure() }
        default: _ = try double()
        }
    }

    /// Reads an object of strings.
    package mutating func stringMap() throws -> [String: String] {
        var map: [String: String] = [:]
        try object { key, json in map[key] = try json.string() }
        return map
    }

    /// Reads `null` as nil, anything else with `read`.
    package mutating func optional<T>(_ read: (inout JSONInput) throws -> T) throws -> T? {
        try null() ? nil : read(&self)
    }

    /// A missing required member: the reader gives up.
    package func missing() -> JSONInputError { failure() }
}
