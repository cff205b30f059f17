import CVTestSupport
import Foundation
import Testing

/// The built `cvctl` given broken images, files where folders belong, and asked for JSON: exit codes, messages that
/// name the file, and one JSON document on stdout.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct BadInputEndToEndTests {
    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func datasetSplitPrintsOneJSONDocument() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let out = env.directory.appendingPathComponent("split").path
        let (output, value) = try await env.json(
            ["dataset", "split", try env.miniSubset(perClass: 5), "--test", "0.2", "--seed", "1", "--out", out])
        #expect(output.status == 0, "\(output.stderr)")
        let halves = try #require(value as? [String: Any])
        #expect((halves["train"] as? [String: Any])?["images"] as? Int == 12)
        #expect((halves["test"] as? [String: Any])?["images"] as? Int == 3)
    }
}
