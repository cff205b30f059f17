import Foundation

/// Writes a zip archive of stored (uncompressed) entries: enough for export downloads every unzip reads.
struct ZipWriter: Sendable {
    private var body: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    /// Adds a file.
    mutating func add(_ name: String, _ data: [UInt8]) {
        let nameBytes = Array(name.utf8)
        let crc = Self.crc32(data)
        let offset = UInt32(body.count)
        body += [0x50, 0x4b, 0x03, 0x04]
        body += le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)  // version, flags, stored, time, date
        body += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
        body += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + data
        central += [0x50, 0x4b, 0x01, 0x02]
        central += le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        central += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count))
        central +=
            le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0o644 << 16) + le32(offset)
        central += nameBytes
        count += 1
    }

    /// The archive.
    func finish() -> [UInt8] {
        var end: [UInt8] = [0x50, 0x4b, 0x05, 0x06]
        end += le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
        end += le32(UInt32(central.count)) + le32(UInt32(body.count)) + le16(0)
        return body + central + end
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (IEEE), as zip uses.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
