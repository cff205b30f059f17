import CVTestSupport
import CustomVisionCore
@testable import CustomVisionServer
import Foundation
import Testing

/// Packs are written by one gathered write from the blobs where they lie: the file must be the documented layout
/// byte for byte, whatever the blobs' sizes (empty ones included).
struct BlobPackWriteTests {
    @Test func packFileIsTheDocumentedLayout() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // More blobs than one gathered write takes (64), sizes from empty to larger than a socket buffer.
        let sizes = [0, 1, 63, 64, 65, 4096, 300_000, 7] + (0..<150).map { $0 * 37 }
        let blobs = sizes.enumerated().map { index, size -> (digest: String, bytes: [UInt8]) in
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
            return (SHA256.hex(bytes), bytes)
        }
        let path = dir.appendingPathComponent("a.pack").path
        let places = try BlobPack.write(blobs, to: path)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == packBytes(blobs))
        let entries = try BlobPack.entries(at: path)
        #expect(entries.map(\.digest) == blobs.map(\.digest))
        #expect(entries.map(\.offset) == places.map(\.0))
        #expect(entries.map(\.length) == sizes)
    }

    @Test func gatheredWriteSkipsEmptyPartsAndKeepsOrder() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // More parts than one writev call takes (1024), so the loop must go on where the first call stopped.
        let parts = (0..<2_500).map { index in [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index % 5) }
        let joined = parts.flatMap { $0 }
        let path = dir.appendingPathComponent("parts").path
        try joined.withUnsafeBytes { all in
            var offset = 0
            let pieces = parts.map { part -> UnsafeRawBufferPointer in
                defer { offset += part.count }
                return UnsafeRawBufferPointer(rebasing: all[offset..<offset + part.count])
            }
            try FileIO.writeSynced(to: path) { try FileIO.writeAll($0, pieces) }
        }
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == joined)
    }
}
