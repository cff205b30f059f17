import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The format and pixel size of an image file, read from its header without decoding the pixels.
public struct ImageFileHeader: Sendable, Hashable {
    /// An image file format.
    public enum Format: String, Sendable, Hashable, Codable {
        case jpeg, png, gif, bmp, webp, tiff
        /// The formats the Custom Vision service accepts for training.
        public var isAcceptedByService: Bool { self == .jpeg || self == .png || self == .gif || self == .bmp }
    }

    /// The format, from the file's magic bytes.
    public var format: Format
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// Creates a header.
    public init(format: Format, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// Reads the header of the image at `url`.
    /// - Returns: nil when the file does not start like a known image or its header is cut short.
    public static func read(contentsOf url: URL) -> ImageFileHeader? {
        read(path: url.path)
    }

    /// Reads the header of the image at `path` (`open` and `read`, no Foundation file handle).
    /// - Returns: nil when the file is not a regular file or cannot be read, does not start like a known image or
    ///   its header is cut short.
    static func read(path: String) -> ImageFileHeader? {
        guard let (fd, _) = FileDescriptorReading.openRegularFile(path) else { return nil }
        defer { close(fd) }
        // Most headers lie in the first 4 KiB; a header found there is the one the first 64 KiB would give.
        guard var head = FileDescriptorReading.read(fd, upTo: 4 * 1024) else { return nil }
        if let header = parse(bytes: head) { return header }
        guard head.count == 4 * 1024, let more = FileDescriptorReading.read(fd, upTo: 60 * 1024) else { return nil }
        head += more
        if let header = parse(bytes: head) { return header }
        // A JPEG may carry a large EXIF/ICC block before its frame header: read on, within the service's 6 MB cap.
        guard head.starts(with: [0xFF, 0xD8]), head.count == 64 * 1024,
            let rest = FileDescriptorReading.read(fd, upTo: 16 * 1024 * 1024)
        else { return nil }
        return parse(bytes: head + rest)
    }

    /// Parses an image header from the first bytes of a file (a whole file included). The first 4 KiB are tried
    /// first, as `read(path:)` reads them first: a header found there is the one more bytes would give, and only a
    /// header cut short there costs a copy of the rest.
    public static func parse(_ data: Data) -> ImageFileHeader? {
        if let header = parse(bytes: [UInt8](data.prefix(4 * 1024))) { return header }
        guard data.count > 4 * 1024 else { return nil }
        return parse(bytes: [UInt8](data.prefix(16 * 1024 * 1024 + 64 * 1024)))
    }

    /// Parses an image header from the first bytes of a file (at most 16 MiB + 64 KiB are looked at).
    static func parse(bytes b: [UInt8]) -> ImageFileHeader? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            guard b.count >= 24 else { return nil }
            return ImageFileHeader(format: .png, width: be32(b, 16), height: be32(b, 20))
        }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) {
            guard b.count >= 10 else { return nil }
            return ImageFileHeader(format: .gif, width: le16(b, 6), height: le16(b, 8))
        }
        if b.starts(with: [0x42, 0x4D]) {
            guard b.count >= 26 else { return nil }
            if le32(b, 14) == 12 { return ImageFileHeader(format: .bmp, width: le16(b, 18), height: le16(b, 20)) }
            let h = Int32(bitPattern: UInt32(le32(b, 22)))
            return ImageFileHeader(
                format: .bmp, width: Int(Int32(bitPattern: UInt32(le32(b, 18)))), height: Int(h.magnitude))
        }
        if b.starts(with: [0xFF, 0xD8]) { return parseJPEG(b) }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) {
            return parseWebP(b)
        }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return ImageFileHeader(format: .tiff, width: 0, height: 0)
        }
        return nil
    }

    private static func parseJPEG(_ b: [UInt8]) -> ImageFileHeader? {
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                i += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { return nil }  // end, or scan data before any frame header
            let length = be16(b, i + 2)
            guard length >= 2 else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard i + 9 <= b.count else { return nil }
                return ImageFileHeader(format: .jpeg, width: be16(b, i + 7), height: be16(b, i + 5))
            }
            i += 2 + length
        }
        return nil
    }

    private static func parseWebP(_ b: [UInt8]) -> ImageFileHeader? {
        guard b.count >= 30 else { return nil }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        switch chunk {
        case "VP8 ": return ImageFileHeader(format: .webp, width: le16(b, 26) & 0x3FFF, height: le16(b, 28) & 0x3FFF)
        case "VP8L":
            let bits = le32(b, 21)
            return ImageFileHeader(format: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            let w = Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16
            let h = Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16
            return ImageFileHeader(format: .webp, width: w + 1, height: h + 1)
        default: return nil
        }
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    private static func be32(_ b: [UInt8], _ i: Int) -> Int { be16(b, i) << 16 | be16(b, i + 2) }
    private static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func le32(_ b: [UInt8], _ i: Int) -> Int { le16(b, i) | le16(b, i + 2) << 16 }
}
