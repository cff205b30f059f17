import Foundation

#if canImport(Glibc)
    import Glibc

#elseif canImport(Darwin)
    import Darwin

#endif

/// A pack file: many blobs in one file, so storing a batch costs at most one file and one flush instead of one
/// file, one inode and two flushes per image.
///
/// Layout: the 8-byte magic `CVPACK1\n`, then for each blob its 64-character hex digest, its length as a
/// little-endian `UInt64` and its bytes. A pack is written whole under `tmp/`, fsynced and only then renamed into
/// `packs/`, so a pack that is visible is complete; later batches may then be appended to it (see `PackSegments`).
enum BlobPack {
    /// Where one blob lies in a pack.
    struct Location: Sendable, Hashable {
        var pack: String
        var offset: Int
        var length: Int
    }

    static let magic = Array("CVPACK1\n".utf8)
    private static let entryHeader = 72
    /// Blobs handed to one gathered write.
    private static let gatherLimit = 64

    /// Writes `blobs` to a new file at `path` and fsyncs it.
    /// - Returns: each blob's offset and length, in order.
    /// - Throws: `StoreError` naming the failed call.
    static func write(_ blobs: [(digest: String, bytes: [UInt8])], to path: String) throws -> [(Int, Int)] {
        var places: [(Int, Int)] = []
        try FileIO.writeSynced(to: path) { fd in places = try write(blobs, into: fd) }
        return places
    }

    /// Writes a whole pack holding `blobs` (the magic, then the entries) into the new file `fd`, without flushing.
    /// - Returns: each blob's offset and length, in order.
    static func write(_ blobs: [(digest: String, bytes: [UInt8])], into fd: Int32) throws -> [(Int, Int)] {
        try magic.withUnsafeBytes { try FileIO.writeAll(fd, [$0], at: 0) }
        return try writeEntries(blobs, to: fd, at: magic.count)
    }

    /// The bytes `blobs` take as entries.
    static func entriesSize(_ blobs: [(digest: String, bytes: [UInt8])]) -> Int {
        blobs.reduce(0) { $0 + entryHeader + $1.bytes.count }
    }

    /// Writes `blobs` as entries into `fd` from byte `offset` on (positioned writes: the file's offset is not used),
    /// without flushing.
    /// - Returns: each blob's offset and length, in order.
    static func writeEntries(
        _ blobs: [(digest: String, bytes: [UInt8])], to fd: Int32, at offset: Int
    ) throws -> [(Int, Int)] {
        // The headers go in one buffer; the blobs are written from where they are (one gathered write, no copy).
        var headers: [UInt8] = []
        headers.reserveCapacity(blobs.count * entryHeader)
        var places: [(Int, Int)] = []
        var next = offset
        for blob in blobs {
            headers.append(contentsOf: blob.digest.utf8)
            var length = UInt64(blob.bytes.count).littleEndian
            withUnsafeBytes(of: &length) { headers.append(contentsOf: $0) }
            places.append((next + entryHeader, blob.bytes.count))
            next += entryHeader + blob.bytes.count
        }
        guard headers.count == blobs.count * entryHeader else { throw StoreError("a pack digest is not 64 bytes") }
        try headers.withUnsafeBytes { headers in
            var position = offset
            for start in stride(from: 0, to: blobs.count, by: gatherLimit) {
                let end = min(start + gatherLimit, blobs.count)
                try FileIO.withBuffers(blobs[start..<end].map(\.bytes)) { bodies in
                    var parts: [UnsafeRawBufferPointer] = []
                    for (index, body) in zip(start..<end, bodies) {
                        let header = index * entryHeader..<(index + 1) * entryHeader
                        parts += [UnsafeRawBufferPointer(rebasing: headers[header]), body]
                    }
                    try FileIO.writeAll(fd, parts, at: position)
                    position += parts.reduce(0) { $0 + $1.count }
                }
            }
        }
        return places
    }

    /// What reading a pack's headers found.
    struct Scan {
        var entries: [(digest: String, offset: Int, length: Int)] = []
        /// The offset of a damaged entry (a header not in the layout, or bytes running past the end of the file),
        /// where reading stopped; the entries before it are whole as far as their headers tell.
        var damagedAt: Int?
    }

    /// Reads the entries of the pack at `path` from their headers, up to the end of the file or a damaged entry.
    /// - Throws: `StoreError` when the file cannot be read or is not a pack.
    static func scan(at path: String) throws -> Scan {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw StoreError("open \(path) failed: errno \(errno)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError("stat \(path) failed: errno \(errno)") }
        let size = Int(info.st_size)
        guard size >= magic.count, try FileIO.read(fd, offset: 0, count: magic.count) == magic else {
            throw StoreError("\(path) is not a blob pack")
        }
        var scan = Scan()
        var offset = magic.count
        while offset < size {
            guard offset + entryHeader <= size else {
                scan.damagedAt = offset
                break
            }
            let header = try FileIO.read(fd, offset: offset, count: entryHeader)
            let digest = String(decoding: header[0..<64], as: UTF8.self)
            let length = header[64..<72].reversed().reduce(0) { $0 << 8 | Int($1) }
            let start = offset + entryHeader
            guard BlobStore.isDigest(digest), length >= 0, length <= size - start else {
                scan.damagedAt = offset
                break
            }
            scan.entries.append((digest, start, length))
            offset = start + length
        }
        return scan
    }

    /// The entries of the pack at `path`, read from their headers only.
    /// - Throws: `StoreError` when the file is not a pack or an entry is damaged.
    static func entries(at path: String) throws -> [(digest: String, offset: Int, length: Int)] {
        let scan = try scan(at: path)
        if let damaged = scan.damagedAt { throw StoreError("\(path) has a damaged entry at byte \(damaged)") }
        return scan.entries
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
        try writeSynced(to: path, mode: mode) { fd in try bytes.withUnsafeBytes { try writeAll(fd, [$0]) } }
    }

    /// Creates (or truncates) `path` (a new file with `mode`), lets `write` fill it through its descriptor, and
    /// fsyncs the file.
    static func writeSynced(to path: String, mode: mode_t = 0o644, _ write: (Int32) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw StoreError("open failed: errno \(errno)") }
        defer { close(fd) }
        try write(fd)
        guard fsync(fd) == 0 else { throw StoreError("fsync failed: errno \(errno)") }
    }

    /// Flushes `fd`'s data (and only the metadata needed to read it back: `fdatasync` on Linux).
    static func syncData(_ fd: Int32) throws {
        #if os(Linux)
            guard fdatasync(fd) == 0 else { throw StoreError("fdatasync failed: errno \(errno)") }
        #else
            guard fsync(fd) == 0 else { throw StoreError("fsync failed: errno \(errno)") }
        #endif
    }

    /// Writes `parts` to `fd` one after another, gathered by `writev` (no copy into one buffer): at the file's
    /// offset, or from byte `offset` on by `pwritev` when it is given.
    static func writeAll(_ fd: Int32, _ parts: [UnsafeRawBufferPointer], at offset: Int? = nil) throws {
        var vectors = parts.filter { $0.count > 0 }.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        var next = 0
        var position = offset ?? 0
        while next < vectors.count {
            let n = vectors.withUnsafeBufferPointer { vectors in
                let count = Int32(min(vectors.count - next, 1024))
                return offset == nil
                    ? writev(fd, vectors.baseAddress! + next, count)
                    : pwritev(fd, vectors.baseAddress! + next, count, off_t(position))
            }
            guard n > 0 else { throw StoreError("write failed: errno \(errno)") }
            position += n
            // Step over what was written: whole vectors, then into the first one written in part.
            var left = n
            while next < vectors.count, left >= vectors[next].iov_len {
                left -= vectors[next].iov_len
                next += 1
            }
            if left > 0 {
                vectors[next].iov_base += left
                vectors[next].iov_len -= left
            }
        }
    }

    /// Calls `body` with the bytes of every array in `arrays`, all pinned for the call (one nested call per array:
    /// keep `arrays` short).
    static func withBuffers<R>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
        var pinned: [UnsafeRawBufferPointer] = []
        pinned.reserveCapacity(arrays.count)
        return try pin(arrays[...], &pinned, body)
    }

    private static func pin<R>(
        _ arrays: ArraySlice<[UInt8]>, _ pinned: inout [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) throws -> R
    ) rethrows -> R {
        guard let first = arrays.first else { return try body(pinned) }
        return try first.withUnsafeBytes { bytes in
            pinned.append(bytes)
            return try pin(arrays.dropFirst(), &pinned, body)
        }
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

    /// Renames the written file `temporary` over `final` and fsyncs `final`'s folder: `final` is then durably
    /// either what it was or the whole new file. A failed rename removes `temporary`.
    static func moveSynced(_ temporary: String, to final: String) throws {
        guard rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw StoreError("cannot replace \(final): errno \(code)")
        }
        try syncDirectory((final as NSString).deletingLastPathComponent)
    }

    /// Fsyncs the directory at `path`, making the names created or renamed in it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw StoreError("open directory failed: errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError("fsync of a directory failed: errno \(errno)") }
    }
}
