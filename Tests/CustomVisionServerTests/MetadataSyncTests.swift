import CVTestSupport
import Foundation
import Testing

@testable import CustomVisionServer

/// An answered write must survive the machine, not only the process: every commit syncs SQLite's write-ahead log
/// (`synchronous = FULL`). GRDB's WAL set-up sets NORMAL (the log synced only at checkpoints) after the connection's
/// own preparation, so the level is checked on the connection that commits, after the store has opened it.
struct MetadataSyncTests {
    @Test func commitsSyncTheLog() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try MetadataStore(directory: dir)
        #expect(try store.synchronousLevel() == 2)
        // Still FULL after a commit, and after the store is opened again over the same files.
        try store.apply([.delete(.tag, UUID())])
        #expect(try store.synchronousLevel() == 2)
        #expect(try MetadataStore(directory: dir).synchronousLevel() == 2)
    }
}
