import CustomVisionCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc

#elseif canImport(Darwin)
    import Darwin

#endif

/// Pack files that batches are appended to ("segments"), so that storing a batch is one positioned write and one
/// `fdatasync`: no new file, no rename and no directory flush, as a pack of its own per batch needed.
///
/// A segment starts as a pack of its own (written in `tmp/`, fsynced, renamed into `packs/`, the folder fsynced)
/// and stays open for the batches after it until it holds 16 MB. Each segment takes one append at a time, flushed
/// before the next begins, so a crash can tear only a segment's last append: the store then finds at most one
/// damaged or unreferenced entry at its end, which no committed row refers to (see `BlobStore`). Concurrent batches
/// append to different segments, so their flushes still overlap.
final class PackSegments: Sendable {
    private let packsPath: String
    private let tmpPath: String
    /// Segments open for appends and not in use by one.
    private let idle = Mutex<[Segment]>([])

    /// A segment stops taking appends once it holds this many bytes (16 MB unless a test says otherwise). Deleting
    /// an image leaves its bytes in the pack until the next start rewrites the pack without them, so this bounds
    /// what one deleted image costs then; a batch larger than this still goes in one pack of its own.
    private let capacity: Int

    /// An open segment: its name in `packs/` and where its entries end.
    private struct Segment: Sendable {
        let name: String
        let file: OpenFile
        var end: Int
    }

    /// Segments under `packsPath`, started under `tmpPath`, taking appends up to `capacity` bytes.
    init(packsPath: String, tmpPath: String, capacity: Int = 16 << 20) {
        self.packsPath = packsPath
        self.tmpPath = tmpPath
        self.capacity = capacity
    }

    /// Appends `blobs` to an idle segment with room for them, or starts a new segment with them, and flushes them.
    /// - Returns: the segment's name and each blob's offset and length.
    /// - Throws: `StoreError`; a segment an append failed on takes no more appends.
    func append(_ blobs: [(digest: String, bytes: [UInt8])]) throws -> (name: String, places: [(Int, Int)]) {
        let size = BlobPack.entriesSize(blobs)
        let taken = idle.withLock { idle -> Segment? in
            guard let index = idle.lastIndex(where: { $0.end + size <= capacity }) else {
                // A new segment starts: the ones over half full are done (so open files do not pile up).
                idle.removeAll { $0.end >= capacity / 2 }
                return nil
            }
            return idle.remove(at: index)
        }
        var segment: Segment
        let places: [(Int, Int)]
        if var taken {
            places = try BlobPack.writeEntries(blobs, to: taken.file.fd, at: taken.end)
            try FileIO.syncData(taken.file.fd)
            taken.end += size
            segment = taken
        } else {
            (segment, places) = try start(with: blobs)
        }
        if segment.end < capacity { idle.withLock { $0.append(segment) } }
        return (segment.name, places)
    }

    /// Writes `blobs` as a new pack of their own, which takes no appends (compaction's rewrites).
    /// - Returns: the pack's name and each blob's offset and length.
    func writePack(_ blobs: [(digest: String, bytes: [UInt8])]) throws -> (name: String, places: [(Int, Int)]) {
        let (segment, places) = try start(with: blobs)
        return (segment.name, places)
    }

    /// A new segment holding `blobs`: written in `tmp/`, fsynced, renamed into `packs/`, the folder fsynced.
    private func start(with blobs: [(digest: String, bytes: [UInt8])]) throws -> (Segment, [(Int, Int)]) {
        let name = UUID.random().lowercasedText + ".pack"
        let temporary = tmpPath + "/" + name
        do {
            let file = try OpenFile(creating: temporary)
            let places = try BlobPack.write(blobs, into: file.fd)
            guard fsync(file.fd) == 0 else { throw StoreError("fsync failed: errno \(errno)") }
            try FileIO.moveSynced(temporary, to: packsPath + "/" + name)
            let end = BlobPack.magic.count + BlobPack.entriesSize(blobs)
            return (Segment(name: name, file: file, end: end), places)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// The names of the segments open for appends.
    var openSegments: [String] { idle.withLock { $0.map(\.name) } }
}

/// A file descriptor opened for reading and writing, closed when the last reference goes.
final class OpenFile: Sendable {
    let fd: Int32

    /// Creates `path`, which must not exist.
    init(creating path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError("open failed: errno \(errno)") }
    }

    deinit { close(fd) }
}
