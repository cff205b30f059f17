/// Reads the size of a TIFF image from its first IFD (tags 256 ImageWidth and 257 ImageLength).
enum TIFFHeader {
    static func read(_ b: UnsafeBufferPointer<UInt8>) throws -> ImageHeader {
        let little = b[0] == 0x49
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= b.count else { throw ImagePrepError(.truncated, "TIFF header is cut short") }
            return little ? Int(b[at]) | Int(b[at + 1]) << 8 : Int(b[at]) << 8 | Int(b[at + 1])
        }
        func u32(_ at: Int) throws -> Int {
            let a = try u16(at), c = try u16(at + 2)
            return little ? a | c << 16 : a << 16 | c
        }
        let ifd = try u32(4)
        let count = try u16(ifd)
        var width = 0, height = 0
        for n in 0..<min(count, 1024) {
            let entry = ifd + 2 + n * 12
            let tag = try u16(entry)
            guard tag == 256 || tag == 257 else { continue }
            let value = try u16(entry + 2) == 3 ? try u16(entry + 8) : try u32(entry + 8)
            if tag == 256 { width = value } else { height = value }
        }
        return ImageHeader(format: .tiff, width: width, height: height)
    }
}
