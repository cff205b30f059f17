import CustomVisionCore
import Foundation
import HashTreeCollections
import Synchronization

/// The server's storage: metadata in SQLite (mirrored in memory for reads) and blobs on disk.
///
/// Writers run one at a time: a closure mutates a copy of the state, its queued changes commit in one SQLite
/// transaction, and only then does the copy replace the state; a failed commit changes nothing.
final class ServerStore: Sendable {
    let blobs: BlobStore
    private let meta: MetadataStore
    private let state: Mutex<StoreData>
    /// Serializes writers (the state only changes under it).
    private let writer = Mutex<Void>(())
    /// What the startup check found and repaired.
    let startupReport: [String]
    /// This process's claim on the directory, held as long as the store.
    private let lock: DataDirectoryLock?

    /// Opens the store in `directory` (or in memory), repairing orphans left by a crash.
    /// - Throws: also when another process holds the directory (see ``DataDirectoryLock``).
    init(directory: URL?) throws {
        lock = try directory.map(DataDirectoryLock.init(directory:))
        blobs = try BlobStore(directory: directory)
        meta = try MetadataStore(directory: directory)
        var problems = blobs.loadProblems
        if let lock, !lock.isExclusive, let directory {
            problems.append("the file system of \(directory.path) has no locks: nothing keeps a second cvserver out")
        }
        var data = StoreData(documents: try meta.loadAll(), problems: &problems)
        Self.repair(&data, blobs: blobs, problems: &problems)
        try meta.apply(data.pending)
        data.pending = []
        state = Mutex(data)
        startupReport = problems
    }

    /// Reads the state.
    func read<T>(_ body: (StoreData) throws -> T) rethrows -> T {
        try state.withLock { data in try body(data) }
    }

    /// Mutates the state and commits the queued changes in one transaction.
    ///
    /// Writers take turns under their own lock, held across the SQLite commit and its fsync; the state lock is held
    /// only to take the snapshot and to publish the result, so readers never wait for the disk.
    @discardableResult
    func write<T>(_ body: (inout StoreData) throws -> T) throws -> T {
        try writer.withLock { _ in
            var copy = state.withLock { $0 }
            copy.pending = []
            let result = try body(&copy)
            try meta.apply(copy.pending)
            copy.pending = []
            state.withLock { $0 = copy }
            return result
        }
    }

    /// Drops rows whose blob is missing and blobs no row refers to.
    private static func repair(_ data: inout StoreData, blobs: BlobStore, problems: inout [String]) {
        for image in data.images.values where !blobs.contains(image.blob) {
            problems.append("image \(image.id) lost its bytes; removed")
            data.remove(.image, image.id)
        }
        for prediction in data.predictions.values where !blobs.contains(prediction.blob) {
            problems.append("prediction \(prediction.id) lost its bytes; removed")
            data.remove(.prediction, prediction.id)
        }
        for var record in data.iterations.values {
            if let model = record.model, !blobs.contains(model) {
                problems.append("iteration \(record.iteration.id) lost its model; marked Failed")
                record.model = nil
                record.iteration.status = .failed
                record.failure = "model file missing"
                data.put(record)
            } else if record.iteration.status == .training {
                problems.append("iteration \(record.iteration.id) was training when the server stopped; marked Failed")
                record.iteration.status = .failed
                record.failure = "interrupted by a restart"
                data.put(record)
            }
        }
        var referenced = Set(data.images.values.map(\.blob))
        referenced.formUnion(data.predictions.values.map(\.blob))
        referenced.formUnion(data.iterations.values.compactMap(\.model))
        referenced.formUnion(data.exports.values.compactMap(\.blob))
        // A project export's bundle lives until its token expires; an expired one goes with its record.
        for record in data.projectExports.values {
            if record.expires < Date() {
                data.remove(.projectExport, record.id)
            } else {
                referenced.insert(record.blob)
            }
        }
        let orphans = blobs.allDigests().filter { !referenced.contains($0) }
        for digest in orphans { blobs.remove(digest) }
        if !orphans.isEmpty { problems.append("removed \(orphans.count) orphan blob(s)") }
        do {
            let rewritten = try blobs.compact()
            if rewritten > 0 { problems.append("compacted \(rewritten) blob pack(s)") }
        } catch {
            problems.append("could not compact blob packs: \(error)")
        }
    }
}
