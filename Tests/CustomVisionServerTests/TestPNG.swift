import Foundation

/// Encodes small RGB images as PNG (stored deflate blocks), so tests upload real, decodable image bytes.
enum TestPNG {
    /// A `width`×`height` PNG of one colour, with `noise` varying the bytes (and so the content hash).
    static func solid(_ width: Int = 64, _ height: Int = 64, rgb: (UInt8, UInt8, UInt8), noise: UInt8 = 0) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width {
                let n = (x == 0 && y == 0) ? noise : 0
                raw += [rgb.0 &+ n, rgb.1, rgb.2]
            }
        }
        return encode(width: width, height: height, raw: raw)
    }

    /// A `width`×`height` PNG of one colour whose pixel data is deflate-compressed (fixed Huffman codes, runs of
    /// zero bytes as matches one byte back): about 200 bytes a row of 10,000 pixels, so a test can send an image
    /// declaring a huge size in a small body. Rows are filtered Sub (the first) and Up (the rest), leaving zeros.
    static func solidCompressed(_ width: Int, _ height: Int, rgb: (UInt8, UInt8, UInt8)) -> [UInt8] {
        var bits = BitWriter()
        var adler = Adler32()
        bits.write(0b011, count: 3)  // the final block, fixed codes
        func literal(_ byte: UInt8) {
            let v = Int(byte)
            if v < 144 { bits.writeCode(0x30 + v, count: 8) } else { bits.writeCode(0x190 + v - 144, count: 9) }
            adler.add(byte)
        }
        func zeros(_ count: Int) {
            guard count > 0 else { return }
            literal(0)
            var left = count - 1
            while left > 0 {
                if left < 3 {
                    for _ in 0..<left { literal(0) }
                    return
                }
                var length = min(left, 258)
                if (1...2).contains(left - length) { length -= 3 }
                let index = lengthBases.lastIndex { $0 <= length } ?? 0
                let code = 257 + index
                if code < 280 {
                    bits.writeCode(code - 256, count: 7)
                } else {
                    bits.writeCode(0xC0 + code - 280, count: 8)
                }
                bits.write(length - lengthBases[index], count: lengthExtraBits[index])
                bits.writeCode(0, count: 5)  // distance 1
                adler.addZeros(length)
                left -= length
            }
        }
        for y in 0..<height {
            if y == 0 {
                [1, rgb.0, rgb.1, rgb.2].forEach(literal)
                zeros(3 * (width - 1))
            } else {
                literal(2)
                zeros(3 * width)
            }
        }
        bits.writeCode(0, count: 7)  // end of block
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        out += chunk("IDAT", [0x78, 0x01] + bits.bytes + be32(adler.value))
        out += chunk("IEND", [])
        return out
    }

    /// Deflate's match lengths: the shortest of each length code (257...285) and its count of extra bits.
    private static let lengthBases = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtraBits = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    /// Deflate's bit order: values least significant bit first, Huffman codes most significant bit first.
    private struct BitWriter {
        var bytes: [UInt8] = []
        var used = 8

        mutating func write(_ value: Int, count: Int) {
            for i in 0..<count { bit((value >> i) & 1) }
        }

        mutating func writeCode(_ code: Int, count: Int) {
            for i in (0..<count).reversed() { bit((code >> i) & 1) }
        }

        private mutating func bit(_ b: Int) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= UInt8(b) << used
            used += 1
        }
    }

    /// zlib's checksum of the uncompressed data, with runs of zeros added in one step.
    private struct Adler32 {
        var a: UInt64 = 1
        var b: UInt64 = 0

        mutating func add(_ byte: UInt8) {
            a = (a + UInt64(byte)) % 65_521
            b = (b + a) % 65_521
        }

        mutating func addZeros(_ count: Int) { b = (b + UInt64(count) % 65_521 * a) % 65_521 }

        var value: UInt32 { UInt32(b << 16 | a) }
    }

    private static func encode(width: Int, height: Int, raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        var z: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let final: UInt8 = offset + n >= raw.count ? 1 : 0
            z += [final, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            z += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        z += be32(b << 16 | a)
        out += chunk("IDAT", z)
        out += chunk("IEND", [])
        return out
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc(body))
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }

    private static func crc(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
