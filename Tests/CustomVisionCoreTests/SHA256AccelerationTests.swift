import CustomVisionCore
import Foundation
import Testing

/// `SHA256` on the x86-64 SHA extensions against the portable Swift compression function.
///
/// Where the CPU lacks the SHA extensions (or is not x86-64) `SHA256()` runs the portable path too: these tests
/// still run and still check the published vectors on it, but then compare the Swift code with itself.
/// `detectionAgreesWithTheKernel` pins down which of the two cases a run was.
struct SHA256AccelerationTests {
    /// The digest of `bytes` on the portable path or on the default (accelerated where available) one.
    private static func digest(_ bytes: UnsafeRawBufferPointer, portable: Bool) -> [UInt8] {
        var hasher = SHA256(forcePortable: portable)
        hasher.update(bytes)
        return hasher.finalize()
    }

    private static func digest(_ bytes: [UInt8], portable: Bool) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0, portable: portable) }
    }

    private static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededRandomGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test func detectionAgreesWithTheKernel() throws {
        #if arch(x86_64) && os(Linux)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let expected = flags.isSuperset(of: ["sha_ni", "ssse3", "sse4_1"])
        #expect(SHA256.isAccelerationAvailable == expected)
        #elseif !arch(x86_64)
        #expect(!SHA256.isAccelerationAvailable)
        #endif
    }

    @Test func bothPathsAgreeOnEveryLengthUpTo300() {
        let message = Self.randomBytes(300, seed: 256)
        for length in 0...300 {
            let prefix = Array(message[..<length])
            #expect(
                Self.digest(prefix, portable: false) == Self.digest(prefix, portable: true), "length \(length)")
        }
    }

    @Test(arguments: 1...7)
    func bothPathsAgreeOnAMegabyteAtAnUnalignedOffset(offset: Int) {
        let buffer = Self.randomBytes(1 << 20 + 8, seed: UInt64(offset))
        buffer.withUnsafeBytes { raw in
            let message = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + (1 << 20))])
            #expect(Self.digest(message, portable: false) == Self.digest(message, portable: true))
        }
    }

    @Test func bothPathsAgreeWhenUpdatesSplitAtOddPoints() {
        let message = Self.randomBytes(20_000, seed: 7)
        let whole = Self.digest(message, portable: true)
        // Piece sizes that start, straddle and finish blocks: 1, 3, 63, 65, 127 ... and some whole-block runs.
        let sizeCycles: [[Int]] = [[1, 3, 63, 65, 127, 129], [55, 9, 64, 1], [200, 7, 1000, 13], [4096, 17, 511]]
        for sizes in sizeCycles {
            for portable in [false, true] {
                var hasher = SHA256(forcePortable: portable)
                var start = 0
                var piece = 0
                while start < message.count {
                    let end = min(start + sizes[piece % sizes.count], message.count)
                    hasher.update(message[start..<end])
                    start = end
                    piece += 1
                }
                #expect(hasher.finalize() == whole, "pieces \(sizes), portable: \(portable)")
            }
        }
    }

    @Test(arguments: [false, true])
    func nistVectorsHoldOnBothPaths(portable: Bool) {
        let vectors = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ]
        for (message, expected) in vectors {
            #expect(Self.digest(Array(message.utf8), portable: portable).hexString == expected)
        }
        let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(
            Self.digest(millionA, portable: portable).hexString
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacMatchesRFC4231WithShortAndLongKeys() {
        // Test case 2 (a key shorter than a block) and test case 6 (a 131-byte key, hashed first).
        #expect(
            SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            SHA256.hmac(
                key: [UInt8](repeating: 0xaa, count: 131),
                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
            ).hexString == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}
