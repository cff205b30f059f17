import CBase64

/// Base64 (RFC 4648, standard alphabet, padded) between raw buffers, for the multi-megabyte image batches: no
/// intermediate `Data` or `String`; with AVX2 (CBase64) 24 bytes at a time, else four table lookups per 3 bytes.
///
/// `decode` takes only the canonical form (length a multiple of 4, `=` padding at the end only, no whitespace);
/// callers fall back to Foundation's decoder for anything else, so what is accepted stays what `JSONDecoder`
/// accepts.
package enum Base64Codec {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// For each of a quantum's four characters, its 6 bits already shifted into place in the 24-bit group;
    /// `invalid` for a byte outside the alphabet. OR-ing the four entries gives the group, or a value with the
    /// invalid bit set.
    private static let invalid: UInt32 = 1 << 24
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: invalid, count: 4 * 256)
        for (value, character) in alphabet.enumerated() {
            for position in 0..<4 {
                tables[position * 256 + Int(character)] = UInt32(value) << (18 - 6 * position)
            }
        }
        return tables
    }()

    /// Whether CBase64's AVX2 code runs on this machine (CPUID, asked once).
    static let vectorized = cbase64_avx2_available()

    /// The length of the encoding of `count` bytes.
    package static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// The two characters of each 12-bit value, first character in the low byte: the encoder turns 6 bytes into 8
    /// characters with one 8-byte load, four lookups and one 8-byte store.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }

    /// Writes the encoding of `bytes` to `out`, which must hold `encodedLength(bytes.count)` bytes.
    package static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) {
        var i = 0, o = 0
        let count = bytes.count
        if vectorized, let base = bytes.baseAddress {
            i = cbase64_encode_avx2(base.assumingMemoryBound(to: UInt8.self), count,
                out.assumingMemoryBound(to: UInt8.self))
            o = i / 3 * 4
        }
        if count >= 8, let base = bytes.baseAddress {
            pairs.withUnsafeBufferPointer { pairs in
                // The load reads 8 bytes and uses the first 6, so it stops 2 bytes before the end.
                while i + 8 <= count {
                    let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let text = UInt64(pairs[Int(word >> 52)]) | UInt64(pairs[Int(word >> 40 & 0xFFF)]) << 16
                        | UInt64(pairs[Int(word >> 28 & 0xFFF)]) << 32 | UInt64(pairs[Int(word >> 16 & 0xFFF)]) << 48
                    out.storeBytes(of: text.littleEndian, toByteOffset: o, as: UInt64.self)
                    i += 6
                    o += 8
                }
            }
        }
        alphabet.withUnsafeBufferPointer { table in
            while i + 3 <= count {
                let group = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out.storeBytes(of: table[Int(group >> 18)], toByteOffset: o, as: UInt8.self)
                out.storeBytes(of: table[Int(group >> 12 & 63)], toByteOffset: o + 1, as: UInt8.self)
                out.storeBytes(of: table[Int(group >> 6 & 63)], toByteOffset: o + 2, as: UInt8.self)
                out.storeBytes(of: table[Int(group & 63)], toByteOffset: o + 3, as: UInt8.self)
                i += 3
                o += 4
            }
            let rest = count - i
            guard rest > 0 else { return }
            let group = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.storeBytes(of: table[Int(group >> 18)], toByteOffset: o, as: UInt8.self)
            out.storeBytes(of: table[Int(group >> 12 & 63)], toByteOffset: o + 1, as: UInt8.self)
            let third = rest == 2 ? table[Int(group >> 6 & 63)] : UInt8(ascii: "=")
            out.storeBytes(of: third, toByteOffset: o + 2, as: UInt8.self)
            out.storeBytes(of: UInt8(ascii: "="), toByteOffset: o + 3, as: UInt8.self)
        }
    }

    /// How many bytes `text` decodes to, or nil when its length or padding is not canonical.
    package static func decodedLength(_ text: UnsafeRawBufferPointer) -> Int? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        guard count > 0 else { return 0 }
        let padding = text[count - 1] == UInt8(ascii: "=") ? (text[count - 2] == UInt8(ascii: "=") ? 2 : 1) : 0
        return count / 4 * 3 - padding
    }

    /// Decodes `text` into `out` (`decodedLength(text)` bytes). False when `text` is not canonical base64: a byte
    /// outside the alphabet, `=` before the end, or padding bits that are not zero; `out` is then garbage.
    package static func decode(_ text: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard let length = decodedLength(text), out.count == length else { return false }
        guard length > 0 else { return true }
        let count = text.count
        let padding = count / 4 * 3 - length
        // Whole quanta (the last one too when it has no padding).
        let whole = padding == 0 ? count : count - 4
        var i = 0, o = 0
        if vectorized, let input = text.baseAddress, let output = out.baseAddress {
            let taken = cbase64_decode_avx2(input.assumingMemoryBound(to: UInt8.self), whole,
                output.assumingMemoryBound(to: UInt8.self), out.count)
            guard taken >= 0 else { return false }  // SIZE_MAX: a byte outside the alphabet
            i = taken
            o = taken / 4 * 3
        }
        return tables.withUnsafeBufferPointer { t -> Bool in
            var bad: UInt32 = 0
            while i < whole {
                let group = t[Int(text[i])] | t[256 + Int(text[i + 1])] | t[512 + Int(text[i + 2])]
                    | t[768 + Int(text[i + 3])]
                bad |= group
                out[o] = UInt8(truncatingIfNeeded: group >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: group >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: group)
                i += 4
                o += 3
            }
            if padding > 0 {
                let third = padding == 1 ? t[512 + Int(text[i + 2])] : 0
                let group = t[Int(text[i])] | t[256 + Int(text[i + 1])] | third
                // The bits after the last whole byte must be zero (else the text is not canonical).
                bad |= group & (padding == 1 ? 0xC0 : 0xF000) != 0 ? invalid : group
                out[o] = UInt8(truncatingIfNeeded: group >> 16)
                if padding == 1 { out[o + 1] = UInt8(truncatingIfNeeded: group >> 8) }
            }
            return bad & invalid == 0
        }
    }
}
