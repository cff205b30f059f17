import Foundation

#if canImport(Glibc)
    import Glibc

#elseif canImport(Darwin)
    import Darwin

#endif

/// A pack file: many blobs in one immutable file, so storing a batch costs one file and one flush instead of one
/// file, one inode and two flushes per image.
///
/// Layout: the 8-byte magic `CVPACK1\n`, then for each blob its 64-character hex digest, its length as a
/// little-endian `UInt64` and its bytes. A pack is written whole under `tmp/`, fsynced and only then renamed into
/// `packs/`, so a pack that is visible is complete.
enum BlobPack {
    /// Where one blob lies in a pack.
    struct Location: Sendable, Hashable {
        var pack: String
        var offset: Int
        var length: Int
    }

    static let magic = Array("CVPACK1\n".utf8)
    private static let entryHeader = 72

    /// Writes `blobs` to a new file at `path` and fsyncs it.
    /// - Returns: each blob's offset and length, in order.
    /// - Throws: `StoreError` naming the failed call.
    static func write(_ blobs: [(digest: String, bytes: [UInt8])], to path: String) throws -> [(Int, Int)] {
        var buffer = magic
        buffer.reserveCapacity(magic.count + blobs.reduce(0) { $0 + entryHeader + $1.bytes.count })
        var places: [(Int, Int)] = []
        for blob in blobs {
            buffer.append(contentsOf: blob.digest.utf8)
            var length = UInt64(blob.bytes.count).littleEndian
            withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
            places.append((buffer.count, blob.bytes.count))
            buffer.append(contentsOf: blob.bytes)
        }
        try FileIO.writeSynced(buffer, to: path)
        return places
    }

    /// The entries of the pack at `path`, read from their headers only.
    /// - Throws: `StoreError` when the file is not a pack or an entry runs past its end.
    static func entries(at path: String) throws -> [(digest: String, offset: Int, length: Int)] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError("open \(path) failed: errno \(errno)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError("stat \(path) failed: errno \(errno)") }
        let size = Int(info.st_size)
        guard try FileIO.read(fd, offset: 0, count: magic.count) == magic else {
            throw StoreError("\(path) is not a blob pack")
        }
        var result: [(String, Int, Int)] = []
        var offset = magic.count
        while offset < size {
            let header = try FileIO.read(fd, offset: offset, count: entryHeader)
            let digest = String(decoding: header[0..<64], as: UTF8.self)
            let length = header[64..<72].reversed().reduce(0) { $0 << 8 | Int($1) }
            let start = offset + entryHeader
            guard BlobStore.isDigest(digest), length >= 0, start + length <= size else {
                throw StoreError("\(path) has a damaged entry at byte \(offset)")
            }
            result.append((digest, start, length))
            offset = start + length
        }
        return result
    }

    /// The bytes at `location` in the pack directory `directory`, or `nil` when they cannot be read.
    static func read(_ location: Location, in directory: String) -> [UInt8]? {
        let fd = open(directory + "/" + location.pack, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? FileIO.read(fd, offset: location.offset, count: location.length)
    }
}

/// Small POSIX helpers for the blob store: whole writes, positioned reads, fsync.
enum FileIO {
    /// Creates (or truncates) `path` (a new file with `mode`), writes `bytes` and fsyncs the file.
    static func writeSynced(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw StoreError("open failed: errno \(errno)") }
        defer { close(fd) }
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                guard n > 0 else { throw StoreError("write failed: errno \(errno)") }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw StoreError("fsync failed: errno \(errno)") }
    }

    /// `count` bytes of `fd` from `offset`.
    static func read(_ fd: Int32, offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done))
                guard n > 0 else { throw StoreError("read failed at byte \(offset + done): errno \(errno)") }
                done += n
            }
        }
        return bytes
    }

    /// Fsyncs the directory at `path`, making the names created or renamed in it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw StoreError("open directory failed: errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError("fsync of a directory failed: errno \(errno)") }
    }
}
