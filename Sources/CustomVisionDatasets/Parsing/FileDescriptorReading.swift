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
    /// Opens `path` for reading if it is a regular file (after links): nil for anything else. The open does not
    /// block, so a FIFO or device an annotation names is refused instead of waited on forever.
    static func openRegularFile(_ path: String) -> (fd: Int32, size: Int)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        return (fd, Int(info.st_size))
    }

    /// The whole regular file at `path`; nil when it is not one (see ``openRegularFile(_:)``) or cannot be read.
    static func contentsOfRegularFile(_ path: String) -> [UInt8]? {
        guard let (fd, size) = openRegularFile(path) else { return nil }
        defer { close(fd) }
        return readToEnd(fd, expected: size)
    }

    /// Whether `path` is a regular file (after links).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

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
