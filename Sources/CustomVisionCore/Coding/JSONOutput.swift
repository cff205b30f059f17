import Foundation

/// A value that writes its own JSON: exactly the bytes `CustomVisionJSON.makeEncoder()` gives for it (same key
/// order, nil properties left out, the same number, string and date forms), without `JSONEncoder`'s boxing of every
/// value. The hot responses — upload summaries, image lists, predictions — use it; `JSONWritableTests` holds the
/// two byte for byte equal.
package protocol JSONWritable: Encodable {
    /// Appends this value's JSON to `json`.
    func write(to json: inout JSONOutput)
}

extension JSONWritable {
    /// This value as JSON bytes, or nil when it holds a number JSON cannot carry (NaN, infinity), which
    /// `JSONEncoder` refuses too.
    /// - Parameter lowercaseUUIDs: write UUIDs in lower case, as the service does, instead of in `JSONEncoder`'s
    ///   upper case.
    package func jsonBytes(lowercaseUUIDs: Bool = false) -> [UInt8]? {
        var json = JSONOutput(lowercaseUUIDs: lowercaseUUIDs)
        write(to: &json)
        return json.isValid ? json.bytes : nil
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    /// Appends the array's JSON to `json`.
    package func write(to json: inout JSONOutput) {
        json.array(self) { json, element in element.write(to: &json) }
    }
}

/// The bytes of a JSON document under construction, with the commas between members and elements kept track of.
package struct JSONOutput: Sendable {
    /// The JSON written so far.
    package private(set) var bytes: [UInt8] = []
    /// False once a non-finite number was written: the bytes are then not JSON.
    package private(set) var isValid = true
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false
    /// Whether UUIDs are written in lower case (the service's form) rather than upper case (`JSONEncoder`'s).
    package let lowercaseUUIDs: Bool

    /// An empty document; UUIDs are written in lower case when `lowercaseUUIDs`, else as `JSONEncoder` writes them.
    package init(lowercaseUUIDs: Bool = false) {
        self.lowercaseUUIDs = lowercaseUUIDs
        bytes.reserveCapacity(1024)
    }

    /// Writes an object whose members `body` writes with the `member` functions.
    package mutating func object(_ body: (inout JSONOutput) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes an array of `elements`, each by `element`.
    package mutating func array<S: Sequence>(_ elements: S, _ element: (inout JSONOutput, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in elements {
            separate()
            element(&self, item)
            needsComma = true
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":` (with a comma before it when needed); the value must follow.
    package mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    // MARK: Members, left out when nil (as `encodeIfPresent` does)

    /// A string member.
    package mutating func member(_ name: StaticString, _ value: String?) {
        if let value { key(name); string(value) }
    }

    /// A UUID member (upper case, as `JSONEncoder` writes it, unless `lowercaseUUIDs`).
    package mutating func member(_ name: StaticString, _ value: UUID?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        value.appendText(to: &bytes, uppercase: !lowercaseUUIDs)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A date member, in the service's timestamp form.
    package mutating func member(_ name: StaticString, _ value: Date?) {
        if let value { key(name); string(ISO8601Timestamp.format(value)) }
    }

    /// An integer member.
    package mutating func member(_ name: StaticString, _ value: Int?) {
        if let value { key(name); raw(String(value)) }
    }

    /// A number member.
    package mutating func member(_ name: StaticString, _ value: Double?) {
        if let value { key(name); number(value) }
    }

    /// A Boolean member.
    package mutating func member(_ name: StaticString, _ value: Bool?) {
        if let value { key(name); raw(value ? "true" : "false") }
    }

    /// A member that writes itself.
    package mutating func member(_ name: StaticString, _ value: (some JSONWritable)?) {
        if let value { key(name); value.write(to: &self) }
    }

    /// A string-to-string object member, in the dictionary's own order (as `JSONEncoder` without `sortedKeys`).
    package mutating func member(_ name: StaticString, _ value: [String: String]?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (k, v) in value {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(k)
            bytes.append(UInt8(ascii: ":"))
            string(v)
        }
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    // MARK: Values

    /// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00xx`, everything else
    /// (slashes and non-ASCII included) as its UTF-8 bytes.
    package mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                escape(b)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A finite number as `JSONEncoder` writes a `Double`: its shortest round-trip form, without a trailing `.0`.
    package mutating func number(_ value: Double) {
        if !value.isFinite { isValid = false }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text)
    }

    private mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
    }

    private mutating func escape(_ b: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(b)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)],
                hex[Int(b & 15)]])
        }
    }
}
