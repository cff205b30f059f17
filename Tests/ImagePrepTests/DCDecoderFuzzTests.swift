import CVTestSupport
import Foundation
@testable import ImagePrep
import Testing

/// Hostile input for the hand-written 1/8-scale entropy decoder: thousands of damaged variants of real JPEGs
/// (bytes changed in the headers, the Huffman and quantization tables and the scan; cuts; insertions). Each must
/// either be left to libjpeg-turbo or decode to exactly libjpeg-turbo's planes — and never crash (run this suite
/// under `-sanitize=address` to check memory safety as well).
struct DCDecoderFuzzTests {
    /// A deterministic xorshift generator, so a failure names a reproducible case.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    static func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        var out = bytes
        switch random.next(5) {
        case 0:  // a few bytes anywhere (headers included)
            for _ in 0...random.next(4) { out[random.next(out.count)] = UInt8(random.next(256)) }
        case 1:  // a byte in the first 1 KB: tables, frame and scan headers
            out[random.next(min(1024, out.count))] ^= UInt8(1 << random.next(8))
        case 2:  // cut, with or without an end marker
            out = Array(out.prefix(random.next(out.count)))
            if random.next(2) == 0 { out += [0xFF, 0xD9] }
        case 3:  // inserted bytes, sometimes a marker-looking pair
            let at = random.next(out.count)
            out.insert(contentsOf: random.next(2) == 0 ? [0xFF, UInt8(random.next(256))] : [UInt8(random.next(256))],
                at: at)
        default:  // a run of 0xFF in the scan
            let at = random.next(out.count)
            for i in at..<min(out.count, at + 1 + random.next(8)) { out[i] = 0xFF }
        }
        return out
    }

    @Test(arguments: ["images/coco/000000037777.jpg", "images/neu/crazing_1.jpg", "prep-dc/restart-16.jpg",
        "prep-dc/odd-422-333x157.jpg", "prep-dc/444-97x51.jpg"])
    func damagedFilesAreLeftToLibjpegTurboOrDecodeToItsValues(file: String) throws {
        let original = try TestImages.bytes(file)
        var random = Generator(state: file.utf8.reduce(0x9E37_79B9) { $0 &* 31 &+ UInt64($1) } | 1)
        var decodedByUs = 0
        for round in 0..<300 {
            let damaged = Self.mutate(original, &random)
            let referenceResult = Result { try DCDecoderTests.planes(damaged, allowDCOnly: false) }
            guard let reference = try? referenceResult.get() else {
                // libjpeg-turbo refuses it: ours must not have produced planes it would then pass on.
                let ours = try? DCDecoderTests.planes(damaged, allowDCOnly: true)
                #expect(ours == nil || ours?.dcOnly == false, "\(file) round \(round): \(referenceResult)")
                continue
            }
            let ours = try DCDecoderTests.planes(damaged, allowDCOnly: true)
            if ours.dcOnly {
                decodedByUs += 1
                #expect(ours.planes == reference.planes, "\(file) round \(round)")
            }
        }
        // Most damage is caught and handed over; some (e.g. a changed quantizer value) still decodes.
        #expect(decodedByUs < 300)
        // Damaged tables each were built once and cached; the cache stays bounded.
        #expect(JPEGDCDecoder.HuffmanStorage.cachedCount <= JPEGDCDecoder.HuffmanStorage.cacheLimit)
    }

    /// Upload validation takes the DC decoder's word for a file it reads to the end: it must accept exactly the
    /// damaged files libjpeg-turbo's 1/8-scale decode accepts, with the same header, and refuse the rest.
    @Test(arguments: ["images/coco/000000037777.jpg", "images/neu/crazing_1.jpg", "prep-dc/restart-16.jpg",
        "prep-dc/444-97x51.jpg"])
    func validationAcceptsExactlyWhatLibjpegTurboDecodes(file: String) throws {
        let original = try TestImages.bytes(file)
        #expect(try ImageDecoder.validateBaselineJPEG(original) != nil, "the fast path takes the intact file")
        var random = Generator(state: file.utf8.reduce(0x85EB_CA6B) { $0 &* 33 &+ UInt64($1) } | 1)
        var accepted = 0
        for round in 0..<300 {
            let damaged = round == 0 ? original : Self.mutate(original, &random)
            let reference = try? ImageDecoder.decodeWithHeader(damaged, options: DecodeOptions(minimumSize: (1, 1)))
            let ours = try? ImageDecoder.validate(damaged)
            #expect(ours == reference?.header, "\(file) round \(round)")
            if ours != nil { accepted += 1 }
        }
        #expect(accepted > 0 && accepted < 300)
    }
}
