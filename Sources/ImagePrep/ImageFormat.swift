/// An image file format, recognised from the first bytes of the data (never from a file name).
public enum ImageFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case jpeg, png, gif, bmp, webp, tiff

    /// The format whose signature starts `bytes`, or nil when none matches.
    public static func detect<C: Collection<UInt8>>(_ bytes: C) -> ImageFormat? where C.Index == Int {
        let b = Array(bytes.prefix(12))
        func starts(_ sig: [UInt8]) -> Bool { b.count >= sig.count && Array(b.prefix(sig.count)) == sig }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("BM".utf8)) && b.count >= 6 { return .bmp }
        if starts(Array("RIFF".utf8)) && b.count >= 12 && Array(b[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        return nil
    }

    /// The format's usual name, e.g. "JPEG".
    public var displayName: String { rawValue.uppercased() }

    /// True for the formats `ImageDecoder` decodes: those the service takes (JPEG, PNG, GIF, BMP).
    public var isDecodable: Bool { self == .jpeg || self == .png || self == .gif || self == .bmp }

    public var description: String { displayName }
}
