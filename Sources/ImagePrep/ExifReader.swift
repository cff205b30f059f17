/// Reads the EXIF orientation from a JPEG's APP1 segment or a PNG's `eXIf` chunk, bounds-checked at every step (bad
/// EXIF is ignored, not an error: the pixels are still good).
enum ExifReader {
    /// The orientation in a JPEG's or PNG's EXIF data (by signature), `.up` for other bytes.
    static func orientation(_ bytes: UnsafeBufferPointer<UInt8>) -> ImageOrientation {
        switch ImageFormat.detect(bytes) {
        case .jpeg: jpegOrientation(bytes)
        case .png: pngOrientation(bytes)
        default: .up
        }
    }

    /// The orientation in a PNG's `eXIf` chunk, `.up` when there is none before the image data or it is unreadable.
    /// An `eXIf` after the first `IDAT` is not looked for: the PNG specification places it before, as libpng,
    /// Pillow and exiftool write it, and the orientation must be known before the rows are read.
    static func pngOrientation(_ bytes: UnsafeBufferPointer<UInt8>) -> ImageOrientation {
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let type = (bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7])
            if type == (0x49, 0x44, 0x41, 0x54) { return .up }  // IDAT
            let start = i + 8, end = start + length
            guard length <= Int(Int32.max), end <= bytes.count else { return .up }
            if type == (0x65, 0x58, 0x49, 0x66) {  // eXIf
                // The chunk holds the TIFF structure itself; some writers put JPEG's "Exif\0\0" before it.
                let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]
                let prefixed = length >= 6 && (0..<6).allSatisfy { bytes[start + $0] == exifHeader[$0] }
                return tiffOrientation(bytes, start: prefixed ? start + 6 : start, end: end) ?? .up
            }
            i = end + 4  // past the CRC
        }
        return .up
    }

    /// The orientation in the JPEG's EXIF data, `.up` when there is none or it is unreadable.
    static func jpegOrientation(_ bytes: UnsafeBufferPointer<UInt8>) -> ImageOrientation {
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return .up }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return .up }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return .up }
            if marker == 0xE1, length >= 16 {
                let start = i + 4
                let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]
                if (0..<6).allSatisfy({ bytes[start + $0] == exifHeader[$0] }),
                    let value = tiffOrientation(bytes, start: start + 6, end: i + 2 + length)
                {
                    return value
                }
            }
            i += 2 + length
        }
        return .up
    }

    /// The orientation tag of IFD0 in the TIFF structure at `start..<end`.
    private static func tiffOrientation(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> ImageOrientation? {
        guard end - start >= 8 else { return nil }
        let little: Bool
        switch (b[start], b[start + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= start, at + 2 <= end else { return nil }
            return little ? Int(b[at]) | Int(b[at + 1]) << 8 : Int(b[at]) << 8 | Int(b[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let lo = u16(little ? at : at + 2), let hi = u16(little ? at + 2 : at) else { return nil }
            return hi << 16 | lo
        }
        guard u16(start + 2) == 42, let ifd = u32(start + 4), let count = u16(start + ifd) else { return nil }
        for n in 0..<min(count, 512) {
            let entry = start + ifd + 2 + n * 12
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard u16(entry + 2) == 3, let value = u16(entry + 8) else { return nil }
                return ImageOrientation(rawValue: value)
            }
        }
        return nil
    }
}
