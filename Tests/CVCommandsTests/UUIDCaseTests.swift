import CustomVisionCore
import Foundation
import Testing

@testable import CVCommands

/// `cvctl` prints UUIDs lowercase, as the service does, although Foundation encodes `UUID` in uppercase.
struct UUIDCaseTests {
    struct Sample: Codable {
        var id: UUID
        var ids: [UUID]
        var name: String
        var note: String
        var nested: [String: UUID]
    }

    @Test func encodedModelsHaveLowercaseUUIDs() throws {
        let id = UUID()
        let tag = CustomVisionCore.Tag(id: UUID(), name: "crack", type: .regular)
        let sample = Sample(id: id, ids: [UUID(), UUID()], name: "ABCDEF", note: "see \(id.uuidString) here",
                            nested: ["tag": tag.id])
        let text = String(decoding: try Console.encode([sample]), as: UTF8.self)
        #expect(UUIDScan.uuids(in: text).count == 5)
        #expect(UUIDScan.uppercase(in: text) == [id.uuidString], "only the UUID inside a longer string stays")
        #expect(text.contains("\"ABCDEF\""))
        let decoded = try JSONDecoder().decode([Sample].self, from: Data(text.utf8))
        #expect(decoded.first?.id == id)
        let tagText = String(decoding: try Console.encode(tag), as: UTF8.self)
        #expect(tagText.contains(tag.id.uuidString.lowercased()))
        #expect(UUIDScan.uppercase(in: tagText).isEmpty)
    }

    @Test func escapedQuotesAndShortInputAreLeftAlone() {
        let id = UUID().uuidString
        let escaped = Array("{\"a\":\"x\\\"\(id)\\\"\"}".utf8)
        #expect(JSONUUIDCase.lowercased(escaped) == escaped)
        #expect(JSONUUIDCase.lowercased(Array("\"\"".utf8)) == Array("\"\"".utf8))
        #expect(JSONUUIDCase.lowercased(Array("[\"\(id)\"]".utf8)) == Array("[\"\(id.lowercased())\"]".utf8))
    }
}
