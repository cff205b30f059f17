import CustomVisionCore
import Foundation
import Testing

@testable import CustomVisionHTTP

/// The hand-written CreateImagesFromFiles body against what `JSONEncoder` makes of the same batch.
struct ImageBatchJSONTests {
    private func randomBytes(_ count: Int, seed: Int) -> Data {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        return Data((0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        })
    }

    private var tricky: ImageFileCreateBatch {
        let tag = UUID(), other = UUID()
        let names = ["plain.jpg", "quote\"back\\slash.jpg", "line\nfeed\ttab\r.jpg", "ctl\u{01}\u{1F}.jpg",
                     "ünïcødé 🚂/dir/ﬁle.jpg", "", "slash/inside.png"]
        let images = names.enumerated().map { index, name in
            ImageFileCreateEntry(
                name: name, contents: randomBytes([0, 1, 2, 3, 4, 5, 16_000][index], seed: index),
                tagIds: index.isMultiple(of: 2) ? [tag, other] : nil,
                regions: index == 1 ? nil : [
                    Region(tagId: tag, left: 0.1, top: 1e-5, width: 0.333_333_333_333_333_3, height: 1),
                    Region(tagId: other, left: 0, top: 0.5, width: .leastNonzeroMagnitude, height: 0.999_999_999_999),
                ])
        }
        return ImageFileCreateBatch(images: images, tagIds: [other], metadata: ["k\"ey": "v\\al", "b": "ü"])
    }

    @Test func decodesToTheBatchItWasWrittenFrom() throws {
        let batch = tricky
        let body = try ImageBatchJSON.encode(batch)
        let decoded = try CustomVisionJSON.makeDecoder().decode(ImageFileCreateBatch.self, from: body)
        #expect(decoded == batch)
    }

    @Test func isTheSameDocumentAsJSONEncodersUpToUUIDCase() throws {
        for batch in [tricky, ImageFileCreateBatch(), ImageFileCreateBatch(images: []),
                      ImageFileCreateBatch(images: [ImageFileCreateEntry()])] {
            let ours = try JSONSerialization.jsonObject(with: try ImageBatchJSON.encode(batch))
            let reference = try JSONSerialization.jsonObject(
                with: Data(String(decoding: try CustomVisionJSON.makeEncoder().encode(batch), as: UTF8.self)
                    .lowercasedUUIDs.utf8))
            let canonical = { (value: Any) throws -> Data in
                try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            }
            #expect(try canonical(ours) == canonical(reference))
        }
    }

    /// curl asks for the body in pieces of its buffer's size, and from 0 again when it resends: every way of cutting
    /// it must give the same bytes, base64 cut anywhere inside a quantum included.
    @Test func readsTheSameBytesWhateverThePiecesAndFromAnyOffset() throws {
        let batch = tricky
        let body = try ImageBatchJSON.body(batch)
        let whole = [UInt8](body.materialized())
        #expect(whole.count == body.count)
        #expect(try CustomVisionJSON.makeDecoder().decode(ImageFileCreateBatch.self, from: Data(whole)) == batch)
        for piece in [1, 2, 3, 4, 5, 7, 64, 4093, 65_536] {
            var read: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: piece)
            while true {
                let n = buffer.withUnsafeMutableBytes { body.read(at: read.count, into: $0) }
                guard n > 0 else { break }
                read += buffer[..<n]
            }
            #expect(read == whole, "pieces of \(piece)")
        }
        for offset in stride(from: 0, to: whole.count, by: 997) {
            var rest = [UInt8](repeating: 0, count: whole.count - offset)
            let n = rest.withUnsafeMutableBytes { body.read(at: offset, into: $0) }
            #expect(n == rest.count && rest == Array(whole[offset...]), "from \(offset)")
        }
    }

    @Test func writesUUIDsLowercaseAsTheServicePrintsThem() throws {
        let id = try #require(UUID(uuidString: "0F6C1D2E-AAAA-BBBB-CCCC-DDDDEEEEFFFF"))
        let body = try ImageBatchJSON.encode(ImageFileCreateBatch(tagIds: [id]))
        #expect(String(decoding: body, as: UTF8.self) == #"{"tagIds":["0f6c1d2e-aaaa-bbbb-cccc-ddddeeeeffff"]}"#)
    }

    @Test func refusesNonFiniteCoordinatesNamingTheField() throws {
        let batch = ImageFileCreateBatch(images: [
            ImageFileCreateEntry(name: "a.jpg", regions: [Region(tagId: UUID(), left: 0, top: .nan, width: 1, height: 1)]),
        ])
        let error = try #require(throws: EncodingError.self) { try ImageBatchJSON.encode(batch) }
        guard case .invalidValue(_, let context) = error else { Issue.record("unexpected \(error)"); return }
        #expect(context.debugDescription.contains("images[0].regions[0].top"))
    }
}

extension String {
    /// The text with every UUID lowercased (JSONEncoder writes `UUID` uppercase; the service and we lowercase).
    fileprivate var lowercasedUUIDs: String {
        replacing(/[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/) { $0.output.lowercased() }
    }
}
