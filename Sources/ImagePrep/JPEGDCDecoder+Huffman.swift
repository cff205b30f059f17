import Synchronization

/// Huffman tables and the bit reader of `JPEGDCDecoder`.
extension JPEGDCDecoder {
    static let lookupBits = 9
    /// The skip tables' lookup: 14 bits (32 KB a table) read all of NEU-DET 9% faster than 12 (`cvbench validate`,
    /// 115 → 105 ms); 15 and 16 were slower again, the tables no longer fitting the first-level cache.
    static let skipBits = 14
    /// The most codes one `multi` entry stands for: three keep the largest step (three 16-coefficient runs, 48)
    /// within the entry's six step bits.
    static let codesPerStep = 3
    /// The end-of-block bit of a `skip` or `multi` entry.
    static let endOfBlockFlag = 1 << 11

    /// One Huffman table, canonical codes as in JPEG Annex C, with lookup tables. `fast` (9 bits) gives code
    /// length and symbol. `skip` (`skipBits`, AC tables) gives, for a code that fits in it, the bits it takes with
    /// its extra bits (which may run past the lookup: skipping needs their number, not their value) and how many
    /// coefficients it moves on; `multi` is the same for up to three codes in a row when all of them, extra bits
    /// included, lie within those bits. An entry's bits 0–4 are the bits to drop, bits 5–10 its `step`, bit 11 is
    /// set when it ends with an end of block; 0 means look further. The step is the coefficients moved on, plus
    /// one for an end of block, so `k + step <= 64` says every code of a `multi` entry still belongs to the block
    /// at coefficient `k` (an end of block read at 64 would be the next block's DC code).
    struct HuffmanTable {
        var fast = [UInt16](repeating: 0, count: 1 << lookupBits)
        var skip = [UInt16](repeating: 0, count: 1 << skipBits)
        var multi = [UInt16](repeating: 0, count: 1 << skipBits)
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
            buildMulti()
        }

        private mutating func buildMulti() {
            let bits = JPEGDCDecoder.skipBits, mask = (1 << bits) - 1
            for e in 0...mask {
                var used = 0, step = 0, codes = 0, endOfBlock = 0
                while codes < JPEGDCDecoder.codesPerStep {
                    // The next code, from the bits of this index left after the ones used (zeros shifted in
                    // cannot matter: it is taken only if it lies wholly within the known bits).
                    let next = Int(skip[(e << used) & mask])
                    let length = next & 31
                    guard next != 0, used + length <= bits else { break }
                    used += length
                    step += next >> 5 & 63
                    codes += 1
                    endOfBlock = next & endOfBlockFlag
                    if endOfBlock != 0 { break }
                }
                multi[e] = codes <= 1 ? skip[e] : UInt16(used | step << 5 | endOfBlock)
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
            let endOfBlock = size == 0 && run != 15
            let step = endOfBlock ? 1 : (size == 0 ? 16 : run + 1)
            let shift = JPEGDCDecoder.skipBits - length
            for entry in (code << shift)..<((code + 1) << shift) {
                skip[entry] = UInt16((length + size) | step << 5 | (endOfBlock ? endOfBlockFlag : 0))
            }
        }
    }

    /// MSB-first bits of entropy-coded data: stuffed 0xFF 0x00 pairs read as 0xFF; at a marker (or the end of the
    /// data) zero bits are supplied and counted in `fakeBits`, so reading into them is detected afterwards.
    ///
    /// Every shift here moves by less than 64 (peeks of 1–16 bits, drops of at most 31, refills of whole bytes into
    /// a buffer holding under 32 bits), so they are masking shifts (`&<<`, `&>>`): Swift's checked shifts add a
    /// compare and a conditional move to each step of the decoder's chain of dependent steps (1.5% of
    /// `cvbench validate` over NEU-DET).
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
                    let chunk = word &>> UInt64(64 &- take &* 8)
                    bits |= chunk &<< UInt64(64 &- count &- take &* 8)
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
            bits |= byte &<< UInt64(56 &- count)
            count &+= 8
        }

        @inline(__always) func peek(_ n: Int) -> Int { Int(truncatingIfNeeded: bits &>> UInt64(64 &- n)) }

        @inline(__always) mutating func drop(_ n: Int) {
            bits = bits &<< UInt64(n)
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

    /// A built table in one block of memory, for the inner loop (no reference counting there, and one pointer
    /// to carry); `HuffmanStorage` owns the memory. The arrays lie in the order of `Layout`.
    struct UnsafeHuffman {
        let base: UnsafeRawPointer

        /// Byte offsets of the arrays: the two skip tables first, as they are read most.
        enum Layout {
            static let skip = 0
            static let multi = skip + 2 << skipBits
            static let fast = multi + 2 << skipBits
            static let maxCode = fast + 2 << lookupBits
            static let valueOffset = maxCode + 4 * 18
            static let values = valueOffset + 4 * 18
            static let size = values + 256
        }

        @inline(__always) var skip: UnsafePointer<UInt16> { typed(Layout.skip) }
        @inline(__always) var multi: UnsafePointer<UInt16> { typed(Layout.multi) }
        @inline(__always) var fast: UnsafePointer<UInt16> { typed(Layout.fast) }
        @inline(__always) var maxCode: UnsafePointer<Int32> { typed(Layout.maxCode) }
        @inline(__always) var valueOffset: UnsafePointer<Int32> { typed(Layout.valueOffset) }
        @inline(__always) var values: UnsafePointer<UInt8> { typed(Layout.values) }

        @inline(__always) private func typed<T>(_ offset: Int) -> UnsafePointer<T> {
            (base + offset).assumingMemoryBound(to: T.self)
        }
    }

    /// A table copied to memory of its own, freed with the storage. Immutable once built, so one storage serves
    /// every file (and thread) with the same table definition: see `cached(_:)`.
    final class HuffmanStorage: @unchecked Sendable {
        /// Built tables by their DHT definition (the 16 counts and the values). Most files carry the standard
        /// tables or a few encoder-specific ones; a file with tables of its own costs one build, and the cache is
        /// emptied when it reaches `cacheLimit` entries, so hostile input cannot grow it.
        private static let cache = Mutex<[Definition: HuffmanStorage]>([:])
        static let cacheLimit = 64
        /// Tables in the cache now.
        static var cachedCount: Int { cache.withLock(\.count) }

        /// A DHT table definition as a cache key, hashed as one run of bytes (an array of bytes hashes each byte
        /// on its own: looking up a file's tables took 1.8% of cvserver's CPU in a NEU-DET upload).
        struct Definition: Hashable {
            var bytes: [UInt8]

            func hash(into hasher: inout Hasher) {
                bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }

        /// The built table for `definition` (the 16 code counts, then the values), or nil for a table libjpeg
        /// refuses.
        static func cached(_ definition: [UInt8]) -> HuffmanStorage? {
            let key = Definition(bytes: definition)
            if let hit = cache.withLock({ $0[key] }) { return hit }
            let counts = definition.prefix(16).map(Int.init)
            guard let table = HuffmanTable(counts: counts, values: Array(definition.dropFirst(16))) else { return nil }
            let storage = HuffmanStorage(table)
            cache.withLock { cache in
                if cache.count >= cacheLimit { cache.removeAll() }
                cache[key] = storage
            }
            return storage
        }

        private let memory: UnsafeMutableRawPointer

        init(_ table: HuffmanTable) {
            typealias Layout = UnsafeHuffman.Layout
            memory = .allocate(byteCount: Layout.size, alignment: 64)
            Self.copy(table.skip, to: memory + Layout.skip)
            Self.copy(table.multi, to: memory + Layout.multi)
            Self.copy(table.fast, to: memory + Layout.fast)
            Self.copy(table.maxCode, to: memory + Layout.maxCode)
            Self.copy(table.valueOffset, to: memory + Layout.valueOffset)
            Self.copy(Array(table.values.prefix(256)), to: memory + Layout.values)
        }

        /// The table's memory (valid while `self` is alive).
        var table: UnsafeHuffman { UnsafeHuffman(base: memory) }

        private static func copy<T>(_ array: [T], to destination: UnsafeMutableRawPointer) {
            array.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }

        deinit { memory.deallocate() }
    }
}
