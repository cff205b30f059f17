import Foundation

/// Strings, numbers and the other scalars of `JSONInput`.
extension JSONInput {
    /// Reads a string. Escapes other than the simple ones and `\u` pairs, and raw control characters, are refused.
    package mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if b == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard b >= 0x20 else { throw failure() }
            position += 1
        }
        throw failure()
    }

    private mutating func escapedString(from start: Int) throws -> String {
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw failure() }
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw failure() }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                default: throw failure()
                }
            default:
                guard b >= 0x20 else { throw failure() }
                out.append(b)
            }
        }
        throw failure()
    }

    /// The UTF-8 of a `\uXXXX` escape (the `\u` read), a surrogate pair taking its second half too.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard literal("\\u") else { throw failure() }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure() }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure() }
        return Array(String(Character(unicode)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw failure()
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// The text of a JSON number, checked against the JSON grammar.
    private mutating func numberText() throws -> (text: Substring, integral: Bool) {
        _ = try peek()
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            return position - from
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let intStart = position
        let intDigits = digits()
        guard intDigits > 0, intDigits == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw failure() }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure() }
            integral = false
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw failure() }
            integral = false
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return (Substring(text), integral)
    }

    /// Reads a number as a `Double` (finite only).
    package mutating func double() throws -> Double {
        let (text, _) = try numberText()
        guard let value = Double(text), value.isFinite else { throw failure() }
        return value
    }

    /// Reads an integer (no fraction or exponent).
    package mutating func int() throws -> Int {
        let (text, integral) = try numberText()
        guard integral, let value = Int(text) else { throw failure() }
        return value
    }

    /// Reads `true` or `false`.
    package mutating func bool() throws -> Bool {
        _ = try peek()
        if literal("true") { return true }
        if literal("false") { return false }
        throw failure()
    }

    /// Reads a UUID string (`8-4-4-4-12` hex digits, either case).
    package mutating func uuid() throws -> UUID {
        let start = position
        try expect(UInt8(ascii: "\""))
        // The usual case, 36 plain bytes between quotes, is parsed in place; anything else goes through `string()`.
        let end = position + 36
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""),
            let id = UUID(text: UnsafeRawBufferPointer(rebasing: bytes[position..<end]))
        {
            position = end + 1
            return id
        }
        position = start
        guard let id = UUID(text: try string()) else { throw failure() }
        return id
    }

    /// Reads a service timestamp.
    package mutating func date() throws -> Date {
        guard let date = ISO8601Timestamp.parse(try string()) else { throw failure() }
        return date
    }

    /// Reads a base64 string as bytes (standard alphabet with padding, as `JSONDecoder` reads `Data`).
    package mutating func base64() throws -> Data {
        // Base64 text holds no quote: find the closing one with memchr and decode straight from the bytes (an escape
        // such as `\/` is not base64, so such a string is refused here and left to JSONDecoder).
        try expect(UInt8(ascii: "\""))
        let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
        guard let base = rest.baseAddress, let quote = memchr(base, Int32(UInt8(ascii: "\"")), rest.count) else {
            throw failure()
        }
        let length = UnsafeRawPointer(quote) - base
        let text = UnsafeRawBufferPointer(start: base, count: length)
        guard let data = Self.base64Data(text) else { throw failure() }
        position += length + 1
        return data
    }

    /// The bytes of base64 `text`, or nil when it is not base64. Canonical text is decoded into memory of its own
    /// that the Data takes over (not zero-filled first: every byte is written); anything else is left to
    /// Foundation's decoder, as JSONDecoder would.
    private static func base64Data(_ text: UnsafeRawBufferPointer) -> Data? {
        let count = Base64Codec.decodedLength(text) ?? 0
        if count > 0, let memory = malloc(count) {
            if Base64Codec.decode(text, into: UnsafeMutableRawBufferPointer(start: memory, count: count)) {
                return Data(bytesNoCopy: memory, count: count, deallocator: .free)
            }
            free(memory)
        }
        return Data(base64Encoded: Data(text))
    }
}
