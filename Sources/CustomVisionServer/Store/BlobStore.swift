import CustomVisionCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc

#elseif canImport(Darwin)
    import Darwin

#endif

/// Image bytes and model files, content-addressed by SHA-256: `blobs/ab/abcdef…`. Names from requests never
/// become paths; only hex digests computed here do.
///
/// A write goes to `tmp/` first, is fsynced, renamed into place and the directory fsynced, so a blob that exists
/// is complete.
final class BlobStore: Sendable {
    private let root: URL?
    private let memory = Mutex<[String: [UInt8]]>([:])

    /// A store under `directory`, or in memory when `nil`.
    init(directory: URL?) throws {
        root = directory
        if let directory {
            let fm = FileManager.default
            try fm.createDirectory(at: directory.appendingPathComponent("blobs"), withIntermediateDirectories: true)
            let tmp = directory.appendingPathComponent("tmp")
            try? fm.removeItem(at: tmp)  // half-written files of a crashed run
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        }
    }

    /// Stores `bytes` durably and returns their digest (`digest` when the caller already computed it).
    @discardableResult
    func put(_ bytes: [UInt8], digest known: String? = nil) throws -> String {
        let digest = known ?? SHA256.hex(bytes)
        guard let root else {
            memory.withLock { $0[digest] = bytes }
            return digest
        }
        let final = path(digest)
        if FileManager.default.fileExists(atPath: final.path) { return digest }
        let dir = final.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString)
        try Self.writeSynced(bytes, to: tmp.path)
        guard rename(tmp.path, final.path) == 0 else { throw StoreError("rename failed: errno \(errno)") }
        try Self.syncDirectory(dir.path)
        return digest
    }

    /// The bytes of `digest`, or `nil`.
    func get(_ digest: String) -> [UInt8]? {
        guard Self.isDigest(digest) else { return nil }
        guard root != nil else { return memory.withLock { $0[digest] } }
        guard let data = FileManager.default.contents(atPath: path(digest).path) else { return nil }
        return [UInt8](data)
    }

    /// Whether `digest` is stored.
    func contains(_ digest: String) -> Bool {
        guard Self.isDigest(digest) else { return false }
        guard root != nil else { return memory.withLock { $0[digest] != nil } }
        return FileManager.default.fileExists(atPath: path(digest).path)
    }

    /// Removes `digest` (when no record refers to it any more).
    func remove(_ digest: String) {
        guard Self.isDigest(digest) else { return }
        guard root != nil else {
            _ = memory.withLock { $0.removeValue(forKey: digest) }
            return
        }
        try? FileManager.default.removeItem(at: path(digest))
    }

    /// Every stored digest.
    func allDigests() -> [String] {
        guard let root else { return memory.withLock { Array($0.keys) } }
        let blobs = root.appendingPathComponent("blobs")
        let fm = FileManager.default
        let dirs = (try? fm.contentsOfDirectory(atPath: blobs.path)) ?? []
        return dirs.flatMap { dir in
            ((try? fm.contentsOfDirectory(atPath: blobs.appendingPathComponent(dir).path)) ?? []).filter(Self.isDigest)
        }
    }

    private func path(_ digest: String) -> URL {
        root!.appendingPathComponent("blobs").appendingPathComponent(String(digest.prefix(2)))
            .appendingPathComponent(digest)
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func writeSynced(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
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

    private static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = fsync(fd)
    }
}

/// A storage failure.
struct StoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
