import CustomVisionCore
import Foundation

/// Writes an `ImageFileCreateBatch` request body straight into one buffer: the same JSON document `JSONEncoder`
/// makes (same keys, absent optionals left out, base64 `contents`, UUIDs as the service prints them: lowercase),
/// without the encoder's intermediate tree, one `String` per image's base64 and the escaping scan over it.
///
/// A 64-image batch of NEU-DET files is ~1.4 MB of base64: this is the bulk of what `cvctl upload` sends. The JSON
/// around the images' bytes is written first, with the places their base64 goes; then the body is allocated at
/// its final size and each image is encoded straight into it, so the base64 is written once and never copied.
enum ImageBatchJSON {
    /// Where an image's base64 goes in the JSON text: before the text's byte `offset`.
    private struct Splice {
        var offset: Int
        var bytes: Data
    }

    /// The JSON body of `batch`.
    /// - Throws: `EncodingError.invalidValue` for a non-finite region coordinate (JSON has no NaN or infinity).
    static func encode(_ batch: ImageFileCreateBatch) throws -> Data {
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
        return assemble(out, splices)
    }

    /// `text` with each splice's base64 inserted at its offset.
    private static func assemble(_ text: [UInt8], _ splices: [Splice]) -> Data {
        let total = text.count + splices.reduce(0) { $0 + Base64Codec.encodedLength($1.bytes.count) }
        var body = Data(count: total)
        body.withUnsafeMutableBytes { body in
            text.withUnsafeBytes { text in
                var from = 0, to = 0
                for splice in splices + [Splice(offset: text.count, bytes: Data())] {
                    let run = splice.offset - from
                    (body.baseAddress! + to).copyMemory(from: text.baseAddress! + from, byteCount: run)
                    (from, to) = (splice.offset, to + run)
                    splice.bytes.withUnsafeBytes { Base64Codec.encode($0, into: body.baseAddress! + to) }
                    to += Base64Codec.encodedLength(splice.bytes.count)
                }
            }
        }
        return body
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
        out.append(contentsOf: id.uuidString.lowercased().utf8)
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
