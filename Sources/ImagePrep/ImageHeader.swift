import CTurboJPEG

/// What an image's header says, read without decoding any pixel: fast enough to validate uploads.
public struct ImageHeader: Sendable, Hashable {
    /// The format, from the signature bytes.
    public var format: ImageFormat
    /// The stored width in pixels (before orientation).
    public var width: Int
    /// The stored height in pixels (before orientation).
    public var height: Int
    /// The EXIF orientation (a JPEG's APP1 segment or a PNG's `eXIf` chunk; `.up` otherwise).
    public var orientation: ImageOrientation

    /// Creates a header.
    public init(format: ImageFormat, width: Int, height: Int, orientation: ImageOrientation = .up) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
    }

    /// The upright size (width and height swapped for orientations 5–8).
    public var orientedSize: (width: Int, height: Int) { orientation.orientedSize(width: width, height: height) }

    /// Width × height.
    public var pixelCount: Int { width * height }

    /// Reads the header of a JPEG, PNG, GIF, BMP, WEBP or TIFF image.
    /// - Parameter bytes: the whole file, or at least its beginning (JPEG: up to the first frame header).
    /// - Returns: the format, stored size and orientation.
    /// - Throws: `ImagePrepError` with `.empty`, `.truncated` or `.corrupt` (unknown signature, zero size).
    public static func read(_ bytes: [UInt8]) throws -> ImageHeader {
        guard !bytes.isEmpty else { throw ImagePrepError(.empty, "the file has no bytes") }
        guard let format = ImageFormat.detect(bytes) else {
            throw ImagePrepError(.corrupt, "not a JPEG, PNG, GIF, BMP, WEBP or TIFF image (unknown signature)")
        }
        let header = try bytes.withUnsafeBufferPointer { b -> ImageHeader in
            switch format {
            case .jpeg: return try jpeg(b)
            case .png: return try png(b)
            case .gif:
                try need(b, 10, format)
                return ImageHeader(format: format, width: le16(b, 6), height: le16(b, 8))
            case .bmp: return try bmp(b)
            case .webp: return try webp(b)
            case .tiff: return try TIFFHeader.read(b)
            }
        }
        guard header.width > 0, header.height > 0 else {
            throw ImagePrepError(.corrupt, "\(format) header gives a zero size (\(header.width)×\(header.height))")
        }
        return header
    }

    private static func need(_ b: UnsafeBufferPointer<UInt8>, _ count: Int, _ format: ImageFormat) throws {
        guard b.count >= count else { throw ImagePrepError(.truncated, "\(format) header is cut short") }
    }

    static func le16(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    static func le32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int { le16(b, at) | le16(b, at + 2) << 16 }
    static func be32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int {
        Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
    }

    private static func jpeg(_ b: UnsafeBufferPointer<UInt8>) throws -> ImageHeader {
        guard let handle = tjInitDecompress() else { throw ImagePrepError(.corrupt, "cannot start libjpeg-turbo") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
        let rc = tjDecompressHeader3(handle, b.baseAddress, UInt(b.count), &width, &height, &subsamp, &colorspace)
        guard rc == 0, width > 0, height > 0 else {
            let message = rc == 0 ? "no frame header" : String(cString: tjGetErrorStr2(handle))
            // No frame header before the data ran out: the file is cut short; anything else is damage.
            let code: ImagePrepError.Code = hasFrameHeader(b) ? .corrupt : .truncated
            throw ImagePrepError(code, "JPEG header: \(message)")
        }
        return ImageHeader(format: .jpeg, width: Int(width), height: Int(height),
            orientation: ExifReader.jpegOrientation(b))
    }

    /// True when a complete SOFn marker segment is present.
    private static func hasFrameHeader(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                return i + 2 + length <= b.count
            }
            i += 2 + length
        }
        return false
    }

    private static func png(_ b: UnsafeBufferPointer<UInt8>) throws -> ImageHeader {
        try need(b, 24, .png)
        guard b[12] == 0x49, b[13] == 0x48, b[14] == 0x44, b[15] == 0x52 else {
            throw ImagePrepError(.corrupt, "PNG: the first chunk is not IHDR")
        }
        let width = be32(b, 16), height = be32(b, 20)
        guard width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImagePrepError(.corrupt, "PNG: IHDR size out of range")
        }
        return ImageHeader(format: .png, width: width, height: height, orientation: ExifReader.pngOrientation(b))
    }

    private static func bmp(_ b: UnsafeBufferPointer<UInt8>) throws -> ImageHeader {
        try need(b, 26, .bmp)
        if le32(b, 14) == 12 { return ImageHeader(format: .bmp, width: le16(b, 18), height: le16(b, 20)) }
        let height = Int(Int32(truncatingIfNeeded: le32(b, 22)))
        return ImageHeader(format: .bmp, width: Int(Int32(truncatingIfNeeded: le32(b, 18))), height: abs(height))
    }

    private static func webp(_ b: UnsafeBufferPointer<UInt8>) throws -> ImageHeader {
        try need(b, 30, .webp)
        let chunk = String(decoding: UnsafeBufferPointer(rebasing: b[12..<16]), as: UTF8.self)
        switch chunk {
        case "VP8X":
            let w = (Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16) + 1
            let h = (Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16) + 1
            return ImageHeader(format: .webp, width: w, height: h)
        case "VP8 ":
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else {
                throw ImagePrepError(.corrupt, "WEBP: bad VP8 start code")
            }
            return ImageHeader(format: .webp, width: le16(b, 26) & 0x3FFF, height: le16(b, 28) & 0x3FFF)
        case "VP8L":
            guard b[20] == 0x2F else { throw ImagePrepError(.corrupt, "WEBP: bad VP8L signature") }
            let bits = le32(b, 21)
            return ImageHeader(format: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        default:
            throw ImagePrepError(.corrupt, "WEBP: unknown chunk \(chunk.debugDescription)")
        }
    }
}
