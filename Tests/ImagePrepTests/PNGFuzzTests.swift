import CVTestSupport
import Foundation
import ImagePrep
import Testing

/// Hostile input for the row-by-row PNG reader (a C shim over libpng's setjmp-based API, and Swift that writes
/// rows through raw pointers): damaged variants of the PNG fixtures, with the CRC of the damaged chunk made right
/// again so the damage reaches zlib and the row filters instead of stopping at the CRC check. Each must decode or
/// throw `ImagePrepError`, at full size and reduced, plain and interlaced — never crash (run this suite under
/// `-sanitize=address` to check memory safety as well).
struct PNGFuzzTests {
    /// The chunks of a PNG: offset of the length field, type, data range.
    static func chunks(_ bytes: [UInt8]) -> [(offset: Int, data: Range<Int>)] {
        var result: [(Int, Range<Int>)] = []
        var at = 8
        while at + 12 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard at + 12 + length <= bytes.count else { break }
            result.append((at, at + 8..<at + 8 + length))
            at += 12 + length
        }
        return result
    }

    /// Rewrites the CRC of the chunk at `offset` to match its (damaged) type and data.
    static func fixCRC(_ bytes: inout [UInt8], chunkAt offset: Int, dataEnd: Int) {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes[(offset + 4)..<dataEnd] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        for i in 0..<4 { bytes[dataEnd + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * i)) }
    }

    static func damage(_ original: [UInt8], _ random: inout DCDecoderFuzzTests.Generator) -> [UInt8] {
        var bytes = original
        let chunks = Self.chunks(bytes)
        guard let chunk = chunks.randomElement(using: &random), !chunk.data.isEmpty else { return bytes }
        switch random.next(4) {
        case 0:  // bytes of one chunk's data (IHDR sizes, palette, zlib stream, filter bytes), CRC made right
            for _ in 0...random.next(6) {
                bytes[chunk.data.lowerBound + random.next(chunk.data.count)] = UInt8(random.next(256))
            }
            fixCRC(&bytes, chunkAt: chunk.offset, dataEnd: chunk.data.upperBound)
        case 1:  // a cut anywhere
            bytes = Array(bytes.prefix(random.next(bytes.count)))
        case 2:  // a bit flipped anywhere, CRC left wrong
            bytes[random.next(bytes.count)] ^= UInt8(1 << random.next(8))
        default:  // a chunk's length field changed
            bytes[chunk.offset + 3] = UInt8(random.next(256))
            bytes[chunk.offset + 2] = random.next(4) == 0 ? 0xFF : bytes[chunk.offset + 2]
        }
        return bytes
    }

    @Test(arguments: ["rgb.png", "gray8.png", "gray_alpha.png", "rgba.png", "palette.png", "palette_trns.png",
        "rgb16.png", "interlaced.png", "odd_rgba16.png", "odd_rgba16_adam7.png", "odd_gray1_adam7.png"])
    func damagedPNGsDecodeOrThrowNeverCrash(file: String) throws {
        let original = try TestImages.bytes("images/generated/\(file)")
        var random = DCDecoderFuzzTests.Generator(state: file.utf8.reduce(0x51ED_270B) { $0 &* 31 &+ UInt64($1) } | 1)
        var outcomes = [0, 0]
        for _ in 0..<150 {
            let damaged = Self.damage(original, &random)
            for minimum in [nil, (1, 1), (10, 10)] as [(Int, Int)?] {
                do {
                    let image = try ImageDecoder.decode(damaged, options: DecodeOptions(minimumSize: minimum))
                    #expect(image.pixels.count == image.width * image.height * 3)
                    outcomes[0] += 1
                } catch is ImagePrepError {
                    outcomes[1] += 1
                }
            }
        }
        // Both kinds of outcome happen, so the damage is neither always harmless nor always caught up front.
        #expect(outcomes[0] > 0 && outcomes[1] > 0, "\(file): \(outcomes)")
    }
}

extension DCDecoderFuzzTests.Generator: RandomNumberGenerator {
    /// The whole 64-bit state after a step (`randomElement(using:)` reads the high bits).
    mutating func next() -> UInt64 {
        _ = next(2)
        return state
    }
}
