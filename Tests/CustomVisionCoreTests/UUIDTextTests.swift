import CustomVisionCore
import Foundation
import Testing

/// `UUID.random()`, `appendText` and `init?(text:)` replace Foundation's `UUID()`, `uuidString` and
/// `UUID(uuidString:)` on the hot paths: they must agree with Foundation wherever Foundation is strict.
struct UUIDTextTests {
    @Test func textMatchesFoundationInBothCases() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.uppercasedText == id.uuidString)
            #expect(id.lowercasedText == id.uuidString.lowercased())
            var bytes: [UInt8] = [0x41]
            id.appendText(to: &bytes)
            #expect(bytes == [0x41] + Array(id.uuidString.lowercased().utf8))
        }
    }

    @Test func parsingAgreesWithFoundationOnWellFormedText() {
        for _ in 0..<200 {
            let id = UUID.random()
            #expect(UUID(text: id.lowercasedText) == id)
            #expect(UUID(text: id.uppercasedText) == id)
            #expect(UUID(uuidString: id.lowercasedText) == UUID(text: id.lowercasedText))
        }
        let mixed = "8d5dC1E8-2c1b-4C76-9b0a-2D1F3B2C6E11"
        #expect(UUID(text: mixed) == UUID(uuidString: mixed))
    }

    @Test(arguments: [
        "", "8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e1", "8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e111",
        "8d5dc1e8_2c1b-4c76-9b0a-2d1f3b2c6e11", "8d5dc1e82c1b-4c76-9b0a-2d1f3b2c6e11a-",
        "8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e1g", " 8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e1",
        "+8d5dc1e-2c1b-4c76-9b0a-2d1f3b2c6e11", "0x5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6e11",
        "8d5dc1e8-2c1b-4c76-9b0a-2d1f3b2c6é",
    ])
    func malformedTextIsRefused(_ text: String) {
        #expect(UUID(text: text) == nil)
    }

    @Test func randomIDsAreVersionFourVariantOneAndDistinct() {
        var seen = Set<UUID>()
        for _ in 0..<1000 {
            let id = UUID.random()
            #expect(id.uuid.6 >> 4 == 4, "version nibble of \(id)")
            #expect(id.uuid.8 >> 6 == 0b10, "variant bits of \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test func idsMadeOnManyThreadsAtOnceNeverRepeatAndLookRandom() async {
        // The bytes come from a shared 4 KB pool refilled by getrandom: each byte must be handed out once.
        let batches = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2500).map { _ in UUID.random() } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let all = batches.flatMap { $0 }
        #expect(Set(all).count == all.count)
        // Each random bit (all but the version nibble and variant bits) is set in about half of 20,000 ids: the
        // binomial spread is 0.35 %, so 45–55 % is over 14 standard deviations from failing by chance.
        var ones = [Int](repeating: 0, count: 128)
        for id in all {
            withUnsafeBytes(of: id.uuid) { raw in
                for bit in 0..<128 where raw[bit / 8] & (0x80 >> (bit % 8)) != 0 { ones[bit] += 1 }
            }
        }
        let fixed = Set(48..<52).union(64..<66)
        for bit in 0..<128 where !fixed.contains(bit) {
            let share = Double(ones[bit]) / Double(all.count)
            #expect((0.45...0.55).contains(share), "bit \(bit): \(share)")
        }
    }

    @Test func jsonReadsUUIDsInPlaceAndThroughEscapes() throws {
        let id = UUID.random()
        let escaped = id.lowercasedText.replacingOccurrences(of: "-", with: "\\u002d")
        for text in ["\"\(id.lowercasedText)\"", " \"\(id.uppercasedText)\"", "\"\(escaped)\""] {
            let bytes = Array(text.utf8)
            let read = try bytes.withUnsafeBytes { raw -> UUID in
                var input = JSONInput(raw)
                return try input.uuid()
            }
            #expect(read == id, "\(text)")
        }
        for bad in ["\"\(id.lowercasedText.dropLast())\"", "\"\(id.lowercasedText)0\"", "12"] {
            let bytes = Array(bad.utf8)
            #expect(throws: JSONInputError.self, "\(bad)") {
                try bytes.withUnsafeBytes { raw in
                    var input = JSONInput(raw)
                    _ = try input.uuid()
                }
            }
        }
    }

    @Test func jsonOutputWritesUUIDsInTheCaseAsked() {
        let id = UUID.random()
        var upper = JSONOutput()
        upper.object { $0.member("id", id) }
        #expect(String(decoding: upper.bytes, as: UTF8.self) == "{\"id\":\"\(id.uuidString)\"}")
        var lower = JSONOutput(lowercaseUUIDs: true)
        lower.object { $0.member("id", id) }
        #expect(String(decoding: lower.bytes, as: UTF8.self) == "{\"id\":\"\(id.lowercasedText)\"}")
    }
}
