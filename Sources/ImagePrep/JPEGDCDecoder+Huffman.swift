import Synchronization

/// Huffman tables and the bit reader of `JPEGDCDecoder`.
extension JPEGDCDecoder {
    static let lookupBits = 9
    /// The skip table's lookup: wide enough that most AC codes fit with their extra bits.
    static let skipBits = 11
    /// The end-of-block bit of a `skip` or `pair` entry.
    static let endOfBlockFlag = 1 << 11

    /// One Huffman table, canonical codes as in JPEG Annex C, with lookup tables: `fast` (9 bits) gives code
    /// length and symbol; `skip` (11 bits, AC tables) gives, for a code and its extra bits together, the bits to
    /// drop and how many coefficients that moves on (bits 0–4: total length, 5–10: advance, bit 11: end of block;
    /// 0 = look further); `pair` is the same for two codes in a row when both fit in the 11 bits.
    struct HuffmanTable {
        var fast = [UInt16](repeating: 0, count: 1 << lookupBits)
        var skip = [UInt16](repeating: 0, count: 1 << skipBits)
        var pair = [UInt16](repeating: 0, count: 1 << skipBits)
        var maxCode = [Int32](repeating: -1, count: 18)
        var valueOffset = [Int32](repeating: 0, count: 18)
        var values: [UInt8]

        /// Nil for a table whose codes overflow their lengths or use the all-ones code (libjpeg: "Bogus Huffman
        /// table definition").
        init?(counts: [Int], values: [UInt8]) {
            self.values = values + [UInt8](repeating: 0, count: max(256 - values.count, 0))
            var code: Int32 = 0, k: Int32 = 0
            for length in 1...16 {
                let n = Int32(counts[length - 1])
                if n > 0 {
                    valueOffset[length] = k - code
                    for _ in 0..<n {
                        let symbol = values[Int(k)]
                        if length <= JPEGDCDecoder.skipBits { fill(code: Int(code), length: length, symbol: symbol) }
                        code += 1
                        k += 1
                    }
                    maxCode[length] = code - 1
                }
                // After the codes of a length, the next code must still fit in that length: no code may be all
                // ones (libjpeg's jpeg_make_d_derived_tbl refuses the table otherwise).
                guard code < 1 << length else { return nil }
                code <<= 1
            }
            maxCode[17] = Int32.max
            buildPairs()
        }

        private mutating func buildPairs() {
            let mask = (1 << JPEGDCDecoder.skipBits) - 1
            for e in 0...mask {
                let first = Int(skip[e])
                let t1 = first & 31
                guard first != 0, first & endOfBlockFlag == 0 else {
                    pair[e] = UInt16(first)
                    continue
                }
                // The second code must lie wholly within the bits known from this index.
                let second = Int(skip[(e << t1) & mask])
                let t2 = second & 31
                guard second != 0, t1 + t2 <= JPEGDCDecoder.skipBits else {
                    pair[e] = UInt16(first)
                    continue
                }
                let advance = (first >> 5 & 63) + (second >> 5 & 63)
                pair[e] = UInt16((t1 + t2) | advance << 5 | (second & endOfBlockFlag))
            }
        }

        private static var bits: Int { JPEGDCDecoder.lookupBits }

        private mutating func fill(code: Int, length: Int, symbol: UInt8) {
            if length <= Self.bits {
                let shift = Self.bits - length
                for entry in (code << shift)..<((code + 1) << shift) {
                    fast[entry] = UInt16(length << 8) | UInt16(symbol)
                }
            }
            let run = Int(symbol >> 4), size = Int(symbol & 15)
            let total = length + size
            guard total <= JPEGDCDecoder.skipBits else { return }
            let endOfBlock = size == 0 && run != 15
            let advance = size == 0 ? (run == 15 ? 16 : 0) : run + 1
            let shift = JPEGDCDecoder.skipBits - length
            for entry in (code << shift)..<((code + 1) << shift) {
                skip[entry] = UInt16(total | advance << 5 | (endOfBlock ? endOfBlockFlag : 0))
            }
        }
    }

    /// MSB-first bits of entropy-coded data: stuffed 0xFF 0x00 pairs read as 0xFF; at a marker (or the end of the
    /// data) zero bits are supplied and counted in `fakeBits`, so reading into them is detected afterwards.
    struct BitReader {
        let data: UnsafeBufferPointer<UInt8>
        var position: Int
        var bits: UInt64 = 0
        var count = 0
        var fakeBits = 0
        var atMarker = false

        init(_ data: UnsafeBufferPointer<UInt8>, position: Int) {
            self.data = data
            self.position = position
        }

        /// Tops the buffer up to more than 56 bits.
        @inline(__always) mutating func refill() {
            guard count < 32 else { return }
            if !atMarker, position &+ 8 <= data.count, let base = data.baseAddress {
                let word = UInt64(bigEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                // No 0xFF byte in the word: take whole bytes at once.
                let inverted = ~word
                let hasFF = (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080
                if hasFF == 0 {
                    let take = (63 &- count) >> 3
                    let chunk = word >> UInt64(64 &- take &* 8)
                    bits |= chunk << UInt64(64 &- count &- take &* 8)
                    count &+= take &* 8
                    position &+= take
                    return
                }
            }
            while count <= 56 { appendByte() }
        }

        @inline(never) private mutating func appendByte() {
            var byte: UInt64 = 0
            if !atMarker && position < data.count {
                let b = data[position]
                if b != 0xFF {
                    byte = UInt64(b)
                    position += 1
                } else if position + 1 < data.count && data[position + 1] == 0 {
                    byte = 0xFF
                    position += 2
                } else {
                    atMarker = true
                    fakeBits += 8
                }
            } else {
                atMarker = true
                fakeBits += 8
            }
            bits |= byte << UInt64(56 &- count)
            count &+= 8
        }

        @inline(__always) func peek(_ n: Int) -> Int { Int(truncatingIfNeeded: bits >> UInt64(64 &- n)) }

        @inline(__always) mutating func drop(_ n: Int) {
            bits <<= UInt64(n)
            count &-= n
        }

        /// `n` bits (0...16) as an unsigned value.
        @inline(__always) mutating func take(_ n: Int) -> Int {
            guard n > 0 else { return 0 }
            let v = peek(n)
            drop(n)
            return v
        }

        /// True when no bit read so far was a supplied zero and fewer than 8 real bits (the final byte's padding)
        /// are left unread in the buffer.
        var endedCleanly: Bool { count >= fakeBits && count - fakeBits < 8 }

        /// Discards the padding after an interval and steps over the marker at `position` if it is `marker`.
        mutating func expectMarker(_ marker: UInt8) -> Bool {
            guard endedCleanly, position + 1 < data.count, data[position] == 0xFF, data[position + 1] == marker else {
                return false
            }
            position += 2
            (bits, count, fakeBits, atMarker) = (0, 0, 0, false)
            return true
        }

        /// Decodes one symbol, or nil for a code the table does not have.
        @inline(__always) mutating func symbol(_ table: UnsafeHuffman) -> Int? {
            let entry = Int(table.fast[peek(lookupBits)])
            if entry != 0 {
                drop(entry >> 8)
                return entry & 0xFF
            }
            guard let (length, symbol) = JPEGDCDecoder.longCode(peek(16), table) else { return nil }
            drop(length)
            return symbol
        }
    }

    /// A code longer than the lookup: its length and symbol, from the canonical code ranges.
    @inline(never) static func longCode(_ peek16: Int, _ table: UnsafeHuffman) -> (Int, Int)? {
        for length in (lookupBits + 1)...16 {
            let code = Int32(peek16 >> (16 - length))
            if code <= table.maxCode[length] {
                return (length, Int(table.values[Int(code + table.valueOffset[length])]))
            }
        }
        return nil
    }

    /// A table's arrays as pointers for the inner loop (no reference counting there); `HuffmanStorage` owns the
    /// memory.
    struct UnsafeHuffman {
        var fast: UnsafePointer<UInt16>
        var skip: UnsafePointer<UInt16>
        var pair: UnsafePointer<UInt16>
        var maxCode: UnsafePointer<Int32>
        var valueOffset: UnsafePointer<Int32>
        var values: UnsafePointer<UInt8>
    }

    /// A table copied to memory of its own, freed with the storage. Immutable once built, so one storage serves
    /// every file (and thread) with the same table definition: see `cached(_:counts:values:)`.
    final class HuffmanStorage: @unchecked Sendable {
        /// Built tables by their DHT definition (the 16 counts and the values). Most files carry the standard
        /// tables or a few encoder-specific ones; a file with tables of its own costs one build, and the cache is
        /// emptied when it reaches `cacheLimit` entries, so hostile input cannot grow it.
        private static let cache = Mutex<[[UInt8]: HuffmanStorage]>([:])
        static let cacheLimit = 64
        /// Tables in the cache now.
        static var cachedCount: Int { cache.withLock(\.count) }

        /// The built table for `definition` (`counts` and `values` being its parts), or nil for a table libjpeg
        /// refuses.
        static func cached(_ definition: [UInt8], counts: [Int], values: [UInt8]) -> HuffmanStorage? {
            if let hit = cache.withLock({ $0[definition] }) { return hit }
            guard let table = HuffmanTable(counts: counts, values: values) else { return nil }
            let storage = HuffmanStorage(table)
            cache.withLock { cache in
                if cache.count >= cacheLimit { cache.removeAll() }
                cache[definition] = storage
            }
            return storage
        }

        private let fast: UnsafeMutablePointer<UInt16>
        private let skip: UnsafeMutablePointer<UInt16>
        private let pair: UnsafeMutablePointer<UInt16>
        private let maxCode: UnsafeMutablePointer<Int32>
        private let valueOffset: UnsafeMutablePointer<Int32>
        private let values: UnsafeMutablePointer<UInt8>

        init(_ table: HuffmanTable) {
            fast = Self.copy(table.fast)
            skip = Self.copy(table.skip)
            pair = Self.copy(table.pair)
            maxCode = Self.copy(table.maxCode)
            valueOffset = Self.copy(table.valueOffset)
            values = Self.copy(table.values)
        }

        /// The pointers (valid while `self` is alive).
        var table: UnsafeHuffman {
            UnsafeHuffman(fast: fast, skip: skip, pair: pair, maxCode: maxCode, valueOffset: valueOffset,
                values: values)
        }

        private static func copy<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: array.count)
            pointer.initialize(from: array, count: array.count)
            return pointer
        }

        deinit {
            fast.deallocate()
            skip.deallocate()
            pair.deallocate()
            maxCode.deallocate()
            valueOffset.deallocate()
            values.deallocate()
        }
    }
}
