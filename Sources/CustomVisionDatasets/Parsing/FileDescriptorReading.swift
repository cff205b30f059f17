#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading an open file descriptor into `[UInt8]` with plain `read(2)` calls: what dataset reading needs, without
/// Foundation's `FileHandle`/`Data` on the way.
enum FileDescriptorReading {
    /// Up to `limit` bytes from `fd`, fewer only at the end of the file; nil on a read error. The array is not
    /// zero-filled first.
    static func read(_ fd: Int32, upTo limit: Int) -> [UInt8]? {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: limit) { buffer, initialized in
            var count = 0
            while count < limit {
                let n = systemRead(fd, buffer.baseAddress! + count, limit - count)
                if n > 0 {
                    count += n
                } else if n == 0 {
                    break
                } else if errno != EINTR {
                    failed = true
                    break
                }
            }
            initialized = count
        }
        return failed ? nil : bytes
    }

    /// Everything from `fd` to the end of the file, whose size is expected to be `expected`; nil on a read error.
    static func readToEnd(_ fd: Int32, expected: Int) -> [UInt8]? {
        // One spare byte, so that a file of the expected size ends in the first read.
        guard var bytes = read(fd, upTo: expected + 1) else { return nil }
        while bytes.count > expected {  // the file grew: read on
            guard let more = read(fd, upTo: max(bytes.count, 4096)) else { return nil }
            bytes += more
            if more.isEmpty { break }
        }
        return bytes
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
