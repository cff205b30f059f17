import CVTestSupport
import CustomVisionCore
import Foundation
import Testing

/// SHA-256 against FIPS 180-4 vectors and HMAC-SHA-256 against RFC 4231.
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func matchesTheFIPSVectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func handlesLongAndChunkedInput() {
        var hasher = SHA256()
        for _ in 0..<1000 { hasher.update(Array(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(hasher.finalize().hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacMatchesRFC4231() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        #expect(
            SHA256.hmac(key: key, message: Array("Hi There".utf8)).hexString
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func hashesDataAndThousandByteInput() {
        #expect(
            SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        var hasher = SHA256()
        hasher.update(Data("ab".utf8))
        hasher.update(Data("c".utf8))
        #expect(hasher.finalizeHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func splittingTheInputAnywhereGivesTheSameDigest() {
        let message = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        let whole = SHA256.hex(message)
        for first in 0...message.count {
            for second in [first, min(first + 1, message.count), min(first + 63, message.count)] {
                var hasher = SHA256()
                hasher.update(message[..<first])
                hasher.update(message[first..<second])
                hasher.update(message[second...])
                #expect(hasher.finalizeHex() == whole, "split at \(first), \(second)")
            }
        }
        // Lengths around the padding boundary (55, 56, 63, 64, 119, 120) against a slice-free one-shot.
        for length in [55, 56, 63, 64, 119, 120] {
            var bytewise = SHA256()
            for byte in message[..<length] { bytewise.update([byte]) }
            #expect(bytewise.finalizeHex() == SHA256.hex(Array(message[..<length])))
        }
    }
}
