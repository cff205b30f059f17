internal import CSHA256

/// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): the x86-64 SHA extensions when the CPU has them, else plain
/// Swift.
///
/// swift-crypto is not a dependency of this package. cvserver content-addresses image files by their SHA-256 and
/// signs image URLs with HMAC-SHA-256, cvctl's upload journal keys images by it, and dataset verification names
/// duplicate files by it: one test-vector-checked implementation serves them all.
///
/// Input is hashed in place, straight from the caller's contiguous storage: no copy of the message, no allocation
/// per 64-byte block (the message schedule lives in a stack buffer), the eight state words in stored properties.
/// The compression function runs on the SHA extensions (SHA-NI, via the CSHA256 C module) when `CPUID` reports them,
/// several times faster than the Swift loop, which stays the fallback for other CPUs and architectures.
public struct SHA256: Sendable {
    /// 64 bytes held inline.
    private typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    private var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
    private var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    /// Bytes of an unfinished block: the first `pendingCount` (fewer than 64) of these 64, held inline so that
    /// hashing a short message (an HMAC's) allocates nothing.
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var length: UInt64 = 0
    /// Whether `compress` runs on the SHA extensions rather than the Swift loop.
    private let accelerated: Bool

    /// Whether this CPU has the SHA extensions (and SSSE3, SSE4.1) that the accelerated path needs; asked once.
    package static let isAccelerationAvailable = csha256_accelerated_available()

    /// A hasher with no input yet.
    public init() { accelerated = Self.isAccelerationAvailable }

    /// A hasher that runs the portable Swift compression function even where the SHA extensions are available, so
    /// that tests and benchmarks can compare the two paths.
    package init(forcePortable: Bool) { accelerated = !forcePortable && Self.isAccelerationAvailable }

    /// Adds bytes to the message.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let hashed: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// Adds the bytes of `raw` to the message.
    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        guard let base = raw.baseAddress, raw.count > 0 else { return }
        length &+= UInt64(raw.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, raw.count)
            let at = pendingCount
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + at).copyMemory(from: base, byteCount: take) }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            var block = pending
            withUnsafeBytes(of: &block) { compress($0.baseAddress!, blocks: 1) }
            pendingCount = 0
        }
        let whole = (raw.count - offset) / 64
        if whole > 0 { compress(base + offset, blocks: whole) }
        offset += whole * 64
        if offset < raw.count {
            let rest = raw.count - offset
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: base + offset, byteCount: rest) }
            pendingCount = rest
        }
    }

    /// Ends the message and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        // The padding: 0x80, zeros, then the message length in bits (big-endian) ending the last of one or two
        // blocks, built on the stack after the pending bytes.
        var tail = (pending, (0, 0, 0, 0, 0, 0, 0, 0) as Block)
        let used = pendingCount + 1
        let blocks = used <= 56 ? 1 : 2
        let bits = length &* 8
        withUnsafeMutableBytes(of: &tail) { t in
            t[used - 1] = 0x80
            for i in used..<(blocks * 64 - 8) { t[i] = 0 }
            t.storeBytes(of: bits.bigEndian, toByteOffset: blocks * 64 - 8, as: UInt64.self)
        }
        withUnsafeBytes(of: &tail) { compress($0.baseAddress!, blocks: blocks) }
        pendingCount = 0
        let words = [h0, h1, h2, h3, h4, h5, h6, h7]
        return [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            for (i, word) in words.enumerated() {
                UnsafeMutableRawPointer(digest.baseAddress! + 4 * i).storeBytes(of: word.bigEndian, as: UInt32.self)
            }
            count = 32
        }
    }

    /// Ends the message and returns the digest as lowercase hex.
    public mutating func finalizeHex() -> String { finalize().hexString }

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The lowercase hex digest of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String { hash(bytes).hexString }

    /// HMAC-SHA-256 of `message` under `key`.
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMAC(key: key).authenticationCode(for: message)
    }

    /// HMAC-SHA-256 under one key, with the key's two padded blocks hashed once (RFC 2104's precomputed
    /// intermediate states): each message then costs only its own blocks and those of the inner digest.
    public struct HMAC: Sendable {
        private let inner: SHA256
        private let outer: SHA256

        /// The HMAC of `key`.
        public init(key: [UInt8]) {
            var block = key.count > 64 ? SHA256.hash(key) : key
            block += [UInt8](repeating: 0, count: 64 - block.count)
            var inner = SHA256()
            inner.update(block.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(block.map { $0 ^ 0x5c })
            (self.inner, self.outer) = (inner, outer)
        }

        /// The 32-byte authentication code of `message`.
        public func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
            var inner = self.inner
            inner.update(message)
            var outer = self.outer
            outer.update(inner.finalize())
            return outer.finalize()
        }
    }

    /// One round: `d` and `h` take the new values; the caller rotates the roles of the eight words.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let t1 = h &+ (e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)) &+ ((e & f) ^ (~e & g)) &+ kw
        let t2 = (a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)) &+ ((a & b) ^ (a & c) ^ (b & c))
        d &+= t1
        h = t1 &+ t2
    }

    /// Runs the compression function over `blocks` consecutive 64-byte blocks at `data` (any alignment).
    private mutating func compress(_ data: UnsafeRawPointer, blocks: Int) {
        guard accelerated else { return compressPortable(data, blocks: blocks) }
        var state = (h0, h1, h2, h3, h4, h5, h6, h7)
        withUnsafeMutablePointer(to: &state) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { csha256_compress_accelerated($0, data, blocks) }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = state
    }

    /// The compression function in Swift.
    private mutating func compressPortable(_ data: UnsafeRawPointer, blocks: Int) {
        var (s0, s1, s2, s3, s4, s5, s6, s7) = (h0, h1, h2, h3, h4, h5, h6, h7)
        // The round constants come from the C module (on every architecture): one copy of the table.
        let k = UnsafeBufferPointer(start: csha256_round_constants(), count: 64)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for block in 0..<blocks {
                let p = data + block * 64
                for i in 0..<16 {
                    w[i] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                }
                for i in 16..<64 {
                    let x = w[i - 15], y = w[i - 2]
                    let sigma0 = x.rotr(7) ^ x.rotr(18) ^ (x >> 3)
                    let sigma1 = y.rotr(17) ^ y.rotr(19) ^ (y >> 10)
                    w[i] = w[i - 16] &+ sigma0 &+ w[i - 7] &+ sigma1
                }
                var (a, b, c, d, e, f, g, h) = (s0, s1, s2, s3, s4, s5, s6, s7)
                var i = 0
                while i < 64 {
                    Self.round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                    Self.round(h, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
                    Self.round(g, h, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
                    Self.round(f, g, h, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
                    Self.round(e, f, g, &h, a, b, c, &d, k[i + 4] &+ w[i + 4])
                    Self.round(d, e, f, &g, h, a, b, &c, k[i + 5] &+ w[i + 5])
                    Self.round(c, d, e, &f, g, h, a, &b, k[i + 6] &+ w[i + 6])
                    Self.round(b, c, d, &e, f, g, h, &a, k[i + 7] &+ w[i + 7])
                    i += 8
                }
                (s0, s1, s2, s3) = (s0 &+ a, s1 &+ b, s2 &+ c, s3 &+ d)
                (s4, s5, s6, s7) = (s4 &+ e, s5 &+ f, s6 &+ g, s7 &+ h)
            }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = (s0, s1, s2, s3, s4, s5, s6, s7)
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotr(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 &- n)) }
}

extension Sequence<UInt8> {
    /// The bytes as lowercase hex.
    public var hexString: String {
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { hex in
            for byte in self {
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
