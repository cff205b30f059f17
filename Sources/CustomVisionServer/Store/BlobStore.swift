import CustomVisionCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc

#elseif canImport(Darwin)
    import Darwin

#endif

/// Image bytes and model files, content-addressed by SHA-256. Names from requests never become paths; only hex
/// digests computed here and pack names made here do.
///
/// Single blobs (models, exports, stored predictions) are loose files, `blobs/ab/abcdef…`: written to `tmp/`,
/// fsynced, renamed into place and the directory fsynced. A batch of blobs (an image upload) is appended to a pack
/// file under `packs/` (see `BlobPack` and `PackSegments`) with one data flush, or starts a new one. Either way a
/// blob is complete and durable before `put` or `putAll` returns, and only then found.
///
/// At start, `tmp/` leftovers of a crash are deleted, and a pack with a damaged entry (a torn last append) keeps
/// the entries before it and is rewritten by `compact()`. A blob found twice is taken from a copy whose bytes hash
/// to its digest.
final class BlobStore: Sendable {
    private let root: URL?
    /// The paths of `root`'s `blobs/`, `packs/` and `tmp/` folders, built once: paths are joined as strings on
    /// the hot path.
    private let blobsPath: String?, packsPath: String?, tmpPath: String?
    private let memory = Mutex<[String: [UInt8]]>([:])
    private let packed = Mutex<PackIndex>(PackIndex())
    /// Where batches are appended (`nil` in memory).
    private let segments: PackSegments?
    /// Damaged packs found at start (their blobs are unreadable; rows referring to them are dropped).
    let loadProblems: [String]

    /// Where packed blobs are, and which packs hold bytes no longer referred to.
    private struct PackIndex {
        var locations: [String: BlobPack.Location] = [:]
        var withDeadEntries: Set<String> = []
    }

    /// A store under `directory`, or in memory when `nil`; a pack takes appended batches up to `packCapacity` bytes.
    init(directory: URL?, packCapacity: Int = 16 << 20) throws {
        root = directory
        blobsPath = directory.map { $0.appendingPathComponent("blobs").path }
        packsPath = directory.map { $0.appendingPathComponent("packs").path }
        tmpPath = directory.map { $0.appendingPathComponent("tmp").path }
        segments = directory.map {
            PackSegments(
                packsPath: $0.appendingPathComponent("packs").path, tmpPath: $0.appendingPathComponent("tmp").path,
                capacity: packCapacity)
        }
        guard let directory else {
            loadProblems = []
            return
        }
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        try fm.createDirectory(at: directory.appendingPathComponent("packs"), withIntermediateDirectories: true)
        let tmp = directory.appendingPathComponent("tmp")
        try? fm.removeItem(at: tmp)  // half-written files of a crashed run
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        try FileIO.syncDirectory(directory.path)  // the names blobs/, packs/ and tmp/ themselves
        let (index, problems) = try Self.loadPacks(in: directory.appendingPathComponent("packs").path)
        packed.withLock { $0 = index }
        loadProblems = problems
    }

    /// Reads the headers of every pack in `packsPath`: where each blob is, which packs hold dead or damaged entries
    /// (`compact()` rewrites them), and what was wrong.
    private static func loadPacks(in packsPath: String) throws -> (PackIndex, [String]) {
        var index = PackIndex()
        var problems: [String] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: packsPath).sorted()
        for name in names where name.hasSuffix(".pack") {
            let path = packsPath + "/" + name
            let scan: BlobPack.Scan
            do {
                scan = try BlobPack.scan(at: path)
            } catch {
                problems.append("pack \(name) is damaged (\(error)); its blobs are ignored")
                continue
            }
            if let damaged = scan.damagedAt {
                problems.append(
                    "pack \(name) has a damaged entry at byte \(damaged); the \(scan.entries.count) before it are kept")
                index.withDeadEntries.insert(name)
            }
            for entry in scan.entries {
                let location = BlobPack.Location(pack: name, offset: entry.offset, length: entry.length)
                if let first = index.locations[entry.digest] {
                    // Stored twice (concurrent batches, or a torn last append): keep a copy that is whole.
                    if !isIntact(first, entry.digest, in: packsPath),
                        isIntact(location, entry.digest, in: packsPath)
                    {
                        index.locations[entry.digest] = location
                        index.withDeadEntries.insert(first.pack)
                    } else {
                        index.withDeadEntries.insert(name)
                    }
                    continue
                }
                index.locations[entry.digest] = location
            }
        }
        return (index, problems)
    }

    /// Stores `bytes` durably as a loose file and returns their digest (`digest` when the caller computed it).
    @discardableResult
    func put(_ bytes: [UInt8], digest known: String? = nil) throws -> String {
        let digest = known ?? SHA256.hex(bytes)
        guard Self.isDigest(digest) else { throw StoreError("not a SHA-256 digest") }
        guard root != nil else {
            memory.withLock { $0[digest] = bytes }
            return digest
        }
        if contains(digest) { return digest }
        let final = loosePath(digest)
        let dir = String(final.dropLast(digest.utf8.count + 1))
        if access(dir, F_OK) != 0 {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileIO.syncDirectory(blobsPath!)
        }
        let tmp = tmpPath! + "/" + UUID.random().uppercasedText
        try FileIO.writeSynced(bytes, to: tmp)
        try FileIO.moveSynced(tmp, to: final)
        return digest
    }

    /// Stores a batch of blobs durably: appended to a pack and flushed, or in a new pack. Blobs already stored, and
    /// repeats within the batch, are skipped.
    /// - Parameter blobs: digests (as computed by `SHA256.hex`) with their bytes.
    /// - Throws: `StoreError`; then nothing of the batch is visible.
    func putAll(_ blobs: [(digest: String, bytes: [UInt8])]) throws {
        var seen = Set<String>()
        let fresh = blobs.filter { !contains($0.digest) && seen.insert($0.digest).inserted }
        guard !fresh.isEmpty else { return }
        guard let segments else {
            memory.withLock { store in for blob in fresh { store[blob.digest] = blob.bytes } }
            return
        }
        let (name, places) = try segments.append(fresh)
        packed.withLock { index in
            for (blob, place) in zip(fresh, places) where index.locations[blob.digest] == nil {
                index.locations[blob.digest] = .init(pack: name, offset: place.0, length: place.1)
            }
        }
    }

    /// Whether the bytes at `location` hash to `digest`.
    private static func isIntact(_ location: BlobPack.Location, _ digest: String, in packsPath: String) -> Bool {
        BlobPack.read(location, in: packsPath).map { SHA256.hex($0) == digest } ?? false
    }

    /// The bytes of `digest`, or `nil`.
    func get(_ digest: String) -> [UInt8]? {
        guard Self.isDigest(digest) else { return nil }
        guard let packsPath else { return memory.withLock { $0[digest] } }
        if let location = packed.withLock({ $0.locations[digest] }) {
            return BlobPack.read(location, in: packsPath)
        }
        guard let data = FileManager.default.contents(atPath: loosePath(digest)) else { return nil }
        return [UInt8](data)
    }

    /// Whether `digest` is stored.
    func contains(_ digest: String) -> Bool {
        guard Self.isDigest(digest) else { return false }
        guard root != nil else { return memory.withLock { $0[digest] != nil } }
        if packed.withLock({ $0.locations[digest] != nil }) { return true }
        return access(loosePath(digest), F_OK) == 0
    }

    /// Removes `digest` (when no record refers to it any more). A packed blob leaves dead bytes in its pack until
    /// `compact()` rewrites it.
    func remove(_ digest: String) {
        guard Self.isDigest(digest) else { return }
        guard root != nil else {
            _ = memory.withLock { $0.removeValue(forKey: digest) }
            return
        }
        let wasPacked = packed.withLock { index -> Bool in
            guard let location = index.locations.removeValue(forKey: digest) else { return false }
            index.withDeadEntries.insert(location.pack)
            return true
        }
        if !wasPacked { try? FileManager.default.removeItem(atPath: loosePath(digest)) }
    }

    /// Every stored digest.
    func allDigests() -> [String] {
        guard let root else { return memory.withLock { Array($0.keys) } }
        let blobs = root.appendingPathComponent("blobs")
        let fm = FileManager.default
        let dirs = (try? fm.contentsOfDirectory(atPath: blobs.path)) ?? []
        let loose = dirs.flatMap { dir in
            ((try? fm.contentsOfDirectory(atPath: blobs.appendingPathComponent(dir).path)) ?? []).filter(Self.isDigest)
        }
        return Array(Set(loose).union(packed.withLock { $0.locations.keys }))
    }

    /// Rewrites the packs holding removed or repeated blobs so that only live blobs remain; empty packs are
    /// deleted. The new pack is durable before the old one goes.
    /// - Returns: how many packs were rewritten or deleted.
    @discardableResult
    func compact() throws -> Int {
        guard let packs = packsPath, let segments else { return 0 }
        let (dirty, locations) = packed.withLock { index in
            let dirty = index.withDeadEntries
            index.withDeadEntries = []
            return (dirty, index.locations)
        }
        let open = Set(segments.openSegments)
        for pack in dirty.sorted() where !open.contains(pack) {
            let live = locations.filter { $0.value.pack == pack }.sorted { $0.value.offset < $1.value.offset }
            var blobs: [(digest: String, bytes: [UInt8])] = []
            for (digest, location) in live {
                guard let bytes = BlobPack.read(location, in: packs) else {
                    throw StoreError("pack \(pack) is unreadable")
                }
                blobs.append((digest, bytes))
            }
            if !blobs.isEmpty {
                let (name, places) = try segments.writePack(blobs)
                packed.withLock { index in
                    for (blob, place) in zip(blobs, places) {
                        index.locations[blob.digest] = .init(pack: name, offset: place.0, length: place.1)
                    }
                }
            }
            unlink(packs + "/" + pack)
        }
        if !dirty.isEmpty { try FileIO.syncDirectory(packs) }
        return dirty.count
    }

    /// `blobs/ab/abcdef…` under the root, for a checked digest.
    private func loosePath(_ digest: String) -> String {
        blobsPath! + "/" + digest.prefix(2) + "/" + digest
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// A storage failure.
struct StoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
