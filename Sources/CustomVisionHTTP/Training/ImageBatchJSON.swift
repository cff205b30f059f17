import CustomVisionCore
import Foundation

/// Writes an `ImageFileCreateBatch` request body straight into one buffer: the same JSON document `JSONEncoder`
/// makes (same keys, absent optionals left out, base64 `contents`, UUIDs as the service prints them: lowercase),
/// without the encoder's intermediate tree, one `String` per image's base64 and the escaping scan over it.
///
/// A 64-image batch of NEU-DET files is ~1.4 MB of base64: this is the bulk of what `cvctl upload` sends, and the
/// encoder's copies of it were a measurable share of the client's CPU time and peak memory.
enum ImageBatchJSON {
    /// The JSON body of `batch`.
    /// - Throws: `EncodingError.invalidValue` for a non-finite region coordinate (JSON has no NaN or infinity).
    static func encode(_ batch: ImageFileCreateBatch) throws -> Data {
        var out = [UInt8]()
        let payload = batch.images?.reduce(0) { $0 + ($1.contents?.count ?? 0) } ?? 0
        out.reserveCapacity(payload / 3 * 4 + 256 + (batch.images?.count ?? 0) * 512)
        var fields = FieldWriter()
        out.append(UInt8(ascii: "{"))
        if let images = batch.images {
            fields.key("images", into: &out)
            out.append(UInt8(ascii: "["))
            for (index, image) in images.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try entry(image, index: index, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let tagIds = batch.tagIds {
            fields.key("tagIds", into: &out)
            uuids(tagIds, into: &out)
        }
        if let metadata = batch.metadata {
            fields.key("metadata", into: &out)
            out.append(UInt8(ascii: "{"))
            for (index, key) in metadata.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                string(metadata[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static func entry(_ image: ImageFileCreateEntry, index: Int, into out: inout [UInt8]) throws {
        var fields = FieldWriter()
        out.append(UInt8(ascii: "{"))
        if let name = image.name {
            fields.key("name", into: &out)
            string(name, into: &out)
        }
        if let contents = image.contents {
            fields.key("contents", into: &out)
            out.append(UInt8(ascii: "\""))
            contents.withUnsafeBytes { Base64Writer.append($0, to: &out) }
            out.append(UInt8(ascii: "\""))
        }
        if let tagIds = image.tagIds {
            fields.key("tagIds", into: &out)
            uuids(tagIds, into: &out)
        }
        if let regions = image.regions {
            fields.key("regions", into: &out)
            out.append(UInt8(ascii: "["))
            for (r, region) in regions.enumerated() {
                if r > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"tagId":""#.utf8)
                out.append(contentsOf: region.tagId.uuidString.lowercased().utf8)
                out.append(UInt8(ascii: "\""))
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
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func uuids(_ ids: [UUID], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, id) in ids.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: id.uuidString.lowercased().utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
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

/// Standard base64 (RFC 4648 §4, with padding) appended to a byte buffer.
enum Base64Writer {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let count = bytes.count
        let encoded = (count + 2) / 3 * 4
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encoded))
        alphabet.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { buffer in
                var o = start
                var i = 0
                while i + 3 <= count {
                    let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    buffer[o] = table[Int(v >> 18)]
                    buffer[o + 1] = table[Int(v >> 12 & 63)]
                    buffer[o + 2] = table[Int(v >> 6 & 63)]
                    buffer[o + 3] = table[Int(v & 63)]
                    i += 3
                    o += 4
                }
                let rest = count - i
                guard rest > 0 else { return }
                let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                buffer[o] = table[Int(v >> 18)]
                buffer[o + 1] = table[Int(v >> 12 & 63)]
                buffer[o + 2] = rest == 2 ? table[Int(v >> 6 & 63)] : UInt8(ascii: "=")
                buffer[o + 3] = UInt8(ascii: "=")
            }
        }
    }
}
