@testable import CustomVisionCore
import Foundation
import Testing

/// `Base64Codec` against Foundation's base64: the same text both ways, and nothing accepted that is not canonical.
struct Base64CodecTests {
    private func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: Base64Codec.encodedLength(bytes.count))
        bytes.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { Base64Codec.encode(source, into: $0.baseAddress!) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        return utf8.withUnsafeBytes { text -> [UInt8]? in
            guard let length = Base64Codec.decodedLength(text) else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            return out.withUnsafeMutableBytes { Base64Codec.decode(text, into: $0) } ? out : nil
        }
    }

    @Test func roundTripsEveryLengthAsFoundationDoes() {
        var generator = SeededRandomGenerator(seed: 7)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = encode(bytes)
            #expect(text == Data(bytes).base64EncodedString(), "length \(length)")
            #expect(decode(text) == bytes, "length \(length)")
        }
    }

    @Test func encodesFromAndIntoUnalignedPlacesAsFoundationDoes() {
        // The encoder reads 8 bytes at a time and writes 8 characters at a time, at any alignment.
        var generator = SeededRandomGenerator(seed: 11)
        let pool = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for from in 0..<8 {
            for length in [0, 1, 5, 6, 7, 8, 9, 13, 14, 15, 16, 64, 191, 255] {
                let bytes = Array(pool[from..<(from + length)])
                var out = [UInt8](repeating: 0, count: Base64Codec.encodedLength(length) + 8)
                pool.withUnsafeBytes { source in
                    out.withUnsafeMutableBytes {
                        Base64Codec.encode(UnsafeRawBufferPointer(rebasing: source[from..<(from + length)]),
                                           into: $0.baseAddress! + from)
                    }
                }
                let text = String(decoding: out[from..<(from + Base64Codec.encodedLength(length))], as: UTF8.self)
                #expect(text == Data(bytes).base64EncodedString(), "from \(from), length \(length)")
                #expect(out[..<from].allSatisfy { $0 == 0 }, "wrote before its place")
                #expect(out[(from + Base64Codec.encodedLength(length))...].allSatisfy { $0 == 0 }, "wrote past its end")
            }
        }
    }

    @Test func everyByteAtEveryPlaceOfAVectorBlockDecodesAsFoundationSays() {
        // 128 characters: the AVX2 decoder (when the CPU has it) takes the first 96 in blocks of 32, the scalar
        // loop the rest. Each of 256 byte values at each of the first 64 places: refused unless in the alphabet,
        // else the bytes Foundation decodes.
        var generator = SeededRandomGenerator(seed: 5)
        let bytes = (0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Array(encode(bytes).utf8)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var mismatches = 0
        for place in 0..<64 {
            for value in 0...255 {
                var changed = text
                changed[place] = UInt8(value)
                let string = String(decoding: changed, as: UTF8.self)
                let expected = alphabet.contains(UInt8(value)) ? Data(base64Encoded: string).map { [UInt8]($0) } : nil
                if decode(string) != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func largeBuffersRoundTripAsFoundationDoes() {
        var generator = SeededRandomGenerator(seed: 3)
        for length in [1_000, 65_536, 100_003, 1_048_577] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = encode(bytes)
            #expect(text == Data(bytes).base64EncodedString(), "length \(length)")
            #expect(decode(text) == bytes, "length \(length)")
        }
    }

    @Test(arguments: [
        "QQ", "QQ=", "Q===", "====", "QQ==QQ==", "QQ\n==", "QUJD RA==", "QUJ-", "QUJ_", "QR==", "QUF=", "Zm9v\u{0}",
    ])
    func refusesWhatIsNotCanonical(text: String) {
        #expect(decode(text) == nil)
    }

    @Test func nonCanonicalTextIsLeftToFoundationWhenReadFromJSON() throws {
        // "QR==" has non-zero padding bits: the fast path refuses it and Foundation decides, as JSONDecoder does.
        let json = Array(#"{"images":[{"name":"a","contents":"QR=="}]}"#.utf8)
        let fast = try json.withUnsafeBytes { try CustomVisionJSON.decode(ImageFileCreateBatch.self, from: $0) }
        let reference = try CustomVisionJSON.makeDecoder().decode(ImageFileCreateBatch.self, from: Data(json))
        #expect(fast.images?.first?.contents == reference.images?.first?.contents)
    }

    @Test func hmacWithAPrecomputedKeyMatchesTheOneShotFunction() {
        for keyLength in [0, 20, 64, 65, 131] {
            let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let hmac = SHA256.HMAC(key: key)
            for message in ["", "Hi There", String(repeating: "abc", count: 50)] {
                let expected = SHA256.hmac(key: key, message: Array(message.utf8))
                #expect(hmac.authenticationCode(for: Array(message.utf8)) == expected)
                #expect(hmac.authenticationCode(for: message.utf8) == expected)
            }
        }
    }

    @Test func concurrentMapKeepsOrder() {
        let values = Array(0..<1000)
        #expect(values.concurrentMap { $0 * 3 } == values.map { $0 * 3 })
        #expect([Int]().concurrentMap { $0 } == [])
        #expect([5].concurrentMap { $0 + 1 } == [6])
    }
}
