import CustomVisionCore
import Foundation

/// Writes an `ImageFileCreateBatch` request body: the same JSON document `JSONEncoder` makes (same keys, absent
/// optionals left out, base64 `contents`, UUIDs as the service prints them: lowercase), without the encoder's
/// intermediate tree, one `String` per image's base64 and the escaping scan over it.
///
/// A 64-image batch of NEU-DET files is ~1.4 MB of base64: this is the bulk of what `cvctl upload` sends, with
/// several batches in flight. The JSON around the images' bytes is written first, with the places their base64
/// goes; the body is then made as the transport sends it, each piece of base64 encoded from the images' bytes
/// when it is needed, so the body is never held whole (`body(_:)`), or written once into one buffer (`encode(_:)`).
enum ImageBatchJSON {
    /// Where an image's base64 goes in the JSON text: before the text's byte `offset`.
    private struct Splice {
        var offset: Int
        var bytes: Data
    }

    /// The JSON body of `batch`, made as it is sent.
    /// - Throws: `EncodingError.invalidValue` for a non-finite region coordinate (JSON has no NaN or infinity).
    static func body(_ batch: ImageFileCreateBatch) throws -> GeneratedBody {
        let layout = try Layout(batch)
        return GeneratedBody(count: layout.count) { offset, buffer in layout.read(at: offset, into: buffer) }
    }

    /// The JSON body of `batch` in one buffer.
    /// - Throws: as `body(_:)`.
    static func encode(_ batch: ImageFileCreateBatch) throws -> Data { try body(batch).materialized() }

    /// The JSON text around the images' bytes, and where each image's base64 goes.
    private static func text(_ batch: ImageFileCreateBatch) throws -> ([UInt8], [Splice]) {
        var out = [UInt8]()
        var splices: [Splice] = []
        out.reserveCapacity(256 + (batch.images?.count ?? 0) * 512)
        var fields = FieldWriter()
        out.append(UInt8(ascii: "{"))
        if let images = batch.images {
            fields.key("images", into: &out)
            try list(images, into: &out) { index, image, out in
                try entry(image, index: index, into: &out, splices: &splices)
            }
        }
        if let tagIds = batch.tagIds {
            fields.key("tagIds", into: &out)
            uuids(tagIds, into: &out)
        }
        if let metadata = batch.metadata {
            fields.key("metadata", into: &out)
            list(metadata.sorted { $0.key < $1.key }, brackets: ("{", "}"), into: &out) { _, pair, out in
                string(pair.key, into: &out)
                out.append(UInt8(ascii: ":"))
                string(pair.value, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return (out, splices)
    }

    /// The body as pieces: runs of the JSON text and images' base64, each with where it starts in the body.
    private struct Layout: Sendable {
        enum Piece: Sendable {
            case text(Range<Int>)
            case base64(Data)

            var count: Int {
                switch self {
                case .text(let range): range.count
                case .base64(let bytes): Base64Codec.encodedLength(bytes.count)
                }
            }
        }

        let text: [UInt8]
        let pieces: [Piece]
        /// Where each piece starts in the body.
        let starts: [Int]
        let count: Int

        init(_ batch: ImageFileCreateBatch) throws {
            let (text, splices) = try ImageBatchJSON.text(batch)
            var pieces: [Piece] = []
            var from = 0
            for splice in splices {
                pieces += [.text(from..<splice.offset), .base64(splice.bytes)]
                from = splice.offset
            }
            pieces.append(.text(from..<text.count))
            var starts: [Int] = []
            var position = 0
            for piece in pieces {
                starts.append(position)
                position += piece.count
            }
            (self.text, self.pieces, self.starts, self.count) = (text, pieces, starts, position)
        }

        /// Copies the body's bytes from `offset` into `buffer`, as many as fit; returns how many.
        func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
            // The last piece starting at or before `offset`.
            var low = 0, high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            var index = low, position = offset, written = 0
            while written < buffer.count, index < pieces.count {
                let within = position - starts[index]
                let room = min(pieces[index].count - within, buffer.count - written)
                guard room > 0 else {
                    index += 1
                    continue
                }
                let target = UnsafeMutableRawBufferPointer(rebasing: buffer[written..<written + room])
                switch pieces[index] {
                case .text(let range):
                    text.withUnsafeBytes { text in
                        target.copyMemory(from: UnsafeRawBufferPointer(
                            rebasing: text[range.lowerBound + within..<range.lowerBound + within + room]))
                    }
                case .base64(let bytes):
                    bytes.withUnsafeBytes { Self.base64($0, from: within, into: target) }
                }
                written += room
                position += room
            }
            return written
        }

        /// Fills `out` with the base64 of `bytes` from the encoding's offset `from`.
        private static func base64(_ bytes: UnsafeRawBufferPointer, from: Int, into out: UnsafeMutableRawBufferPointer) {
            var quad: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
            /// Copies characters `skip...` of quantum `q` (one to three input bytes) to `out` at `at`.
            func partial(_ q: Int, skip: Int, count: Int, at: Int) {
                let input = UnsafeRawBufferPointer(rebasing: bytes[q * 3..<min(q * 3 + 3, bytes.count)])
                withUnsafeMutableBytes(of: &quad) { quad in
                    Base64Codec.encode(input, into: quad.baseAddress!)
                    (out.baseAddress! + at).copyMemory(from: quad.baseAddress! + skip, byteCount: count)
                }
            }
            var position = from, written = 0
            // A quantum cut at the start, whole quanta, then one cut at the end.
            if position % 4 != 0 {
                let count = min(4 - position % 4, out.count)
                partial(position / 4, skip: position % 4, count: count, at: 0)
                (position, written) = (position + count, count)
            }
            let quanta = (out.count - written) / 4
            if quanta > 0 {
                let q = position / 4
                let input = UnsafeRawBufferPointer(rebasing: bytes[q * 3..<min((q + quanta) * 3, bytes.count)])
                Base64Codec.encode(input, into: out.baseAddress! + written)
                (position, written) = (position + quanta * 4, written + quanta * 4)
            }
            if written < out.count { partial(position / 4, skip: 0, count: out.count - written, at: written) }
        }
    }

    private static func entry(
        _ image: ImageFileCreateEntry, index: Int, into out: inout [UInt8], splices: inout [Splice]
    ) throws {
        var fields = FieldWriter()
        out.append(UInt8(ascii: "{"))
        if let name = image.name {
            fields.key("name", into: &out)
            string(name, into: &out)
        }
        if let contents = image.contents {
            fields.key("contents", into: &out)
            out.append(UInt8(ascii: "\""))
            splices.append(Splice(offset: out.count, bytes: contents))
            out.append(UInt8(ascii: "\""))
        }
        if let tagIds = image.tagIds {
            fields.key("tagIds", into: &out)
            uuids(tagIds, into: &out)
        }
        if let regions = image.regions {
            fields.key("regions", into: &out)
            try list(regions, into: &out) { r, region, out in
                out.append(contentsOf: #"{"tagId":"#.utf8)
                uuid(region.tagId, into: &out)
                for (name, value) in [("left", region.left), ("top", region.top), ("width", region.width),
                                      ("height", region.height)] {
                    guard value.isFinite else {
                        throw EncodingError.invalidValue(value, EncodingError.Context(
                            codingPath: [], debugDescription: "images[\(index)].regions[\(r)].\(name) is \(value)"))
                    }
                    out.append(contentsOf: ",\"\(name)\":\(value)".utf8)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func uuids(_ ids: [UUID], into out: inout [UInt8]) {
        list(ids, into: &out) { _, id, out in uuid(id, into: &out) }
    }

    /// A UUID as a JSON string, lowercase as the service writes it.
    private static func uuid(_ id: UUID, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: id.lowercasedText.utf8)
        out.append(UInt8(ascii: "\""))
    }

    /// `elements` between `brackets`, comma-separated, each written by `write` (with its index).
    private static func list<Element>(
        _ elements: [Element], brackets: (Unicode.Scalar, Unicode.Scalar) = ("[", "]"), into out: inout [UInt8],
        _ write: (Int, Element, inout [UInt8]) throws -> Void
    ) rethrows {
        out.append(UInt8(ascii: brackets.0))
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try write(index, element, &out)
        }
        out.append(UInt8(ascii: brackets.1))
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything else as UTF-8.
    static func string(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes `"key":`, with the comma before every field but the first of an object.
    private struct FieldWriter {
        var first = true

        mutating func key(_ name: StaticString, into out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: "\":".utf8)
        }
    }
}
