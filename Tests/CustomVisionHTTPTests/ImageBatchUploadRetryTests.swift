import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// `TrainingClient.uploadImages` against a server that answers some images `ErrorUnknown` or leaves them out.
@Suite struct ImageBatchUploadRetryTests {
    /// How many times the server saw each name.
    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func see(_ names: [String]) -> [Int] {
            lock.withLock { names.map { counts[$0, default: 0] += 1; return counts[$0]! } }
        }
        var all: [String: Int] { lock.withLock { counts } }
    }

    /// The names of a CreateImagesFromFiles body.
    static func names(_ body: Data) -> [String] {
        let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        return (object?["images"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    static func answer(_ results: [(name: String, status: String)]) -> LoopbackHTTPServer.Reply {
        let images = results.map { #"{"sourceUrl":"\"\#($0.name)\"","status":"\#($0.status)"}"# }
        let ok = results.allSatisfy { $0.status == "OK" }
        return .json(ok ? 200 : 207, #"{"isBatchSuccessful":\#(ok),"images":[\#(images.joined(separator: ","))]}"#)
    }

    @Test func sendsAgainWhatTheServiceDroppedOrCouldNotStore() async throws {
        let seen = Counts()
        let server = try LoopbackHTTPServer { request in
            let names = Self.names(request.body)
            let counts = seen.see(names)
            var results: [(String, String)] = []
            for (name, count) in zip(names, counts) {
                switch (name, count) {
                case ("unknown", 1): results.append((name, "ErrorUnknown"))
                case ("storage", 1): results.append((name, "ErrorStorage"))
                case ("missing", 1): continue  // left out of the answer
                case ("never", _): results.append((name, "ErrorUnknown"))
                case ("corrupt", _): results.append((name, "ErrorImageFormat"))
                default: results.append((name, "OK"))
                }
            }
            return Self.answer(results)
        }
        defer { server.stop() }
        let client = TrainingClient(endpoint: server.baseURL, key: "k")
        let names = ["a", "unknown", "b", "storage", "missing", "corrupt", "never", "c"]
        let entries = names.map { ImageFileCreateEntry(name: $0, contents: Data([0xFF, 0xD8, 0xFF])) }
        let results = try await client.uploadImages(projectId: UUID(), images: entries, maxAttempts: 3)
        #expect(results.map { TrainingClient.echoedName($0.sourceUrl) } == names)
        #expect(results.map(\.status) == [.ok, .ok, .ok, .ok, .ok, .errorImageFormat, .errorUnknown, .ok])
        // Sent again only while transient: the permanent refusal once, "never" three times, the rest as needed.
        #expect(seen.all == ["a": 1, "b": 1, "c": 1, "unknown": 2, "storage": 2, "missing": 2,
                                         "corrupt": 1, "never": 3])
        #expect(server.requests.count == 3)
    }

    @Test func matchesAnswersByPlaceThenByEchoedName() {
        struct R { var url: String? }
        let answer = [R(url: "\"b\""), R(url: "\"a\""), R(url: "\"a\"")]
        // Same names, same places: each result at its own place, duplicates included.
        let same = TrainingClient.match([R(url: "\"a\""), R(url: "\"a\"")], sourceUrl: \.url, to: ["a", "a"])
        #expect(same.map { $0?.url } == ["\"a\"", "\"a\""])
        // Out of order: by name; a name the answer lacks is nil when the counts differ.
        let shuffled = TrainingClient.match(answer, sourceUrl: \.url, to: ["a", "b", "z", "q"])
        #expect(shuffled.map { $0?.url } == ["\"a\"", "\"b\"", nil, nil])
        // As many results as images: an unmatched name takes the result at its place.
        let renamed = TrainingClient.match([R(url: "x"), R(url: "y")], sourceUrl: \.url, to: ["p", "q"])
        #expect(renamed.map { $0?.url } == ["x", "y"])
    }
}
