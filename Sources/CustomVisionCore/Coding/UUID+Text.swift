import Foundation

/// UUIDs made, written and read without Foundation's per-call costs on Linux: `UUID()` opens and reads
/// `/dev/urandom` for each id, `uuidString` formats through `snprintf`, and `UUID(uuidString:)` parses through
/// `sscanf`. An upload batch makes, writes and reads several thousand of them.
extension UUID {
    /// A random (version 4) UUID from the operating system's cryptographic source (`getrandom` on Linux), read
    /// 4 KB at a time by `RandomBytes` rather than in two system calls per id.
    public static func random() -> UUID {
        var generator = RandomBytes.Generator()
        return random(using: &generator)
    }

    /// The 36-character text in lower case, as the service writes ids.
    public var lowercasedText: String { text(uppercase: false) }

    /// The 36-character text in upper case: `uuidString`, without its `snprintf`.
    public var uppercasedText: String { text(uppercase: true) }

    private func text(uppercase: Bool) -> String {
        var text = [UInt8]()
        text.reserveCapacity(36)
        appendText(to: &text, uppercase: uppercase)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends the 36-character text (`8-4-4-4-12` hex digits) to `bytes`, lower case unless `uppercase`.
    public func appendText(to bytes: inout [UInt8], uppercase: Bool = false) {
        let digits: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
        withUnsafeBytes(of: uuid) { raw in
            digits.withUTF8Buffer { hex in
                for (i, byte) in raw.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { bytes.append(UInt8(ascii: "-")) }
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            }
        }
    }

    /// Parses exactly 36 bytes of `8-4-4-4-12` hex digits (either case); nil for anything else.
    public init?(text utf8: UnsafeRawBufferPointer) {
        guard utf8.count == 36 else { return nil }
        var value = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var i = 0
            for k in 0..<16 {
                if k == 4 || k == 6 || k == 8 || k == 10 {
                    guard utf8[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let high = Self.hexValue(utf8[i]), let low = Self.hexValue(utf8[i + 1]) else { return false }
                out[k] = high << 4 | low
                i += 2
            }
            return true
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }

    /// Parses `text` as `init?(text:)` does for its UTF-8.
    public init?(text: some StringProtocol) {
        var string = String(text)
        guard let id = string.withUTF8({ UUID(text: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
