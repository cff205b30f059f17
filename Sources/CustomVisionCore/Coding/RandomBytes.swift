import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Random bytes from the operating system's cryptographic source, fetched a block at a time and handed out in
/// order, each byte once. `SystemRandomNumberGenerator` makes one `getrandom` call per 64-bit value, so a server
/// minting ids for a 64-image batch with its regions made hundreds of system calls.
enum RandomBytes {
    /// Bytes fetched per `getrandom` call.
    static let blockSize = 4096

    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: RandomBytes.blockSize)
        var next = RandomBytes.blockSize
    }

    private static let pool = Mutex(Pool())

    /// The next 8 random bytes as a `UInt64`.
    static func next() -> UInt64 {
        pool.withLock { pool in
            if pool.next + 8 > pool.bytes.count {
                refill(&pool.bytes)
                pool.next = 0
            }
            defer { pool.next += 8 }
            return pool.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: pool.next, as: UInt64.self) }
        }
    }

    #if canImport(Glibc)
    private typealias GetRandom = @convention(c) (UnsafeMutableRawPointer?, Int, UInt32) -> Int
    /// glibc's `getrandom(2)` wrapper (<sys/random.h> is not in Glibc's module map), nil before glibc 2.25.
    private static let getRandom: GetRandom? = dlsym(nil, "getrandom").map { unsafeBitCast($0, to: GetRandom.self) }
    #endif

    /// Fills `bytes` from the kernel (`getrandom`, retried on interruption); anywhere it is unavailable, from
    /// `SystemRandomNumberGenerator`.
    private static func refill(_ bytes: inout [UInt8]) {
        var filled = 0
        #if canImport(Glibc)
        if let getRandom {
            bytes.withUnsafeMutableBytes { raw in
                while filled < raw.count {
                    let n = getRandom(raw.baseAddress! + filled, raw.count - filled, 0)
                    if n > 0 {
                        filled += n
                    } else if n < 0, errno != EINTR {
                        break
                    }
                }
            }
        }
        #endif
        var system = SystemRandomNumberGenerator()
        while filled < bytes.count {
            bytes[filled] = system.next()
            filled += 1
        }
    }

    /// A `RandomNumberGenerator` drawing on the pool.
    struct Generator: RandomNumberGenerator {
        mutating func next() -> UInt64 { RandomBytes.next() }
    }
}
