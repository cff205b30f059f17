import CVTestSupport
import Foundation
import Testing

/// `cvctl project export|import|copy` with the built `cvctl` between two real `cvserver` processes. Every JSON
/// output is also scanned for uppercase UUIDs.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(15)))
struct ProjectTransferEndToEndTests {
    static let miniPresent = CLITestEnvironment.miniPresent

    private static func counts(_ export: [String: Any]) -> [Int] {
        ["imageCount", "tagCount", "regionCount", "iterationCount"].map { export[$0] as? Int ?? -1 }
    }

    @Test(.enabled(if: miniPresent))
    func exportedProjectImportsOnAnotherServerWithItsImagesTagsAndRegions() async throws {
        let source = try CLITestEnvironment(server: try await ServerProcess())
        let target = try CLITestEnvironment(server: try await ServerProcess(arguments: ["--allow-local-urls"]))
        defer {
            source.remove()
            target.remove()
        }
        let project = try await source.createProject("transfer")
        let upload = try await source.cvctl(["upload", try source.miniSubset(perClass: 3), "--project", project])
        #expect(upload.status == 0, "\(upload.stderr)")

        // --tags takes names (or ids), comma-separated, as README and train do.
        for (tags, expected) in [("inclusion", "3"), ("inclusion,patches", "6")] {
            let count = try await source.cvctl(["image", "count", "--project", project, "--tags", tags])
            #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(count.stderr)")
        }
        let listed = try await source.json(["image", "list", "--project", project, "--tags", "patches"])
        #expect((listed.1 as? [Any])?.count == 3)
        #expect(try await source.cvctl(["image", "count", "--project", project, "--tags", "nope"]).status == 64)

        let exported = try await source.checkedJSON(["project", "export", "--project", project])
        let counts = Self.counts(exported)
        #expect(counts[0] == 9 && counts[1] == 3 && counts[2] >= 9 && counts[3] == 0, "images, tags, regions, its")
        let token = try #require(exported["token"] as? String)
        let table = try await source.cvctl(["project", "export", "--project", project])
        #expect(table.status == 0 && table.stdout.contains("regions"))
        let last = table.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("token: ") && last.count > token.count / 2, "\(table.stdout)")
        let widest = table.stdout.split(separator: "\n").dropLast().map(\.count).max() ?? 0
        #expect(widest < 40, "the counts are not padded to the token's width: \(table.stdout)")

        let imported = try await target.checkedJSON(["project", "import", token, "--name", "transfer-copy"])
        #expect(imported["name"] as? String == "transfer-copy")
        let copy = try #require(imported["id"] as? String)
        let again = try await target.checkedJSON(["project", "export", "--project", copy])
        #expect(Self.counts(again) == Self.counts(exported))
        #expect(try await target.imageCount(copy) == 9)
        #expect(try await target.tagNames(copy) == source.tagNames(project))
        _ = try await target.checkedJSON(["project", "show", copy])

        let piped = try await target.cvctl(["project", "import", "-", "--name", "transfer-stdin", "--output", "json"],
                                           stdin: Data((token + "\n").utf8))
        #expect(piped.status == 0 && piped.stdout.contains("transfer-stdin"), "\(piped.stderr)")

        let taken = try await target.cvctl(["project", "import", token, "--name", "transfer-copy"])
        #expect(taken.status == 2, "a taken name is refused by the service: \(taken.stderr)")
        let bad = try await target.cvctl(["project", "import", "not-a-token"])
        #expect(bad.status == 2, "\(bad.stderr)")

        // project copy: the destination is a config profile holding the target's endpoint and key.
        let server = try #require(target.server)
        for (key, value) in [("training-endpoint", server.endpoint), ("training-key", server.trainingKey)] {
            let set = try await source.checkedJSON(["config", "set", "--profile", "there", key, value])
            #expect(set["key"] as? String == key && set["profile"] as? String == "there")
            #expect(set["value"] as? String == (key == "training-key" ? "***" : value), "keys are masked")
        }
        let copied = try await source.checkedJSON(
            ["project", "copy", "--project", project, "--to-profile", "there", "--name", "transfer-2"])
        let copiedProject = try #require(copied["project"] as? [String: Any])
        let copiedId = try #require(copiedProject["id"] as? String)
        #expect((copied["export"] as? [String: Any])?["token"] == nil, "copy does not print the token")
        #expect(try await target.imageCount(copiedId) == 9)
        // Commands that return no model still print one JSON document.
        let cleared = try await target.checkedJSON(["image", "delete", "--project", copiedId, "--all"])
        #expect(cleared["action"] as? String == "deleted" && cleared["kind"] as? String == "images")
        #expect(try await target.imageCount(copiedId) == 0)
        let deleted = try await target.checkedJSON(["project", "delete", copiedId])
        #expect(deleted["action"] as? String == "deleted" && deleted["id"] as? String == copiedId)
        let gone = try await target.cvctl(["project", "delete", copiedId])
        #expect(gone.status == 2, "\(gone.stderr)")

        let missing = try await source.cvctl(["project", "copy", "--project", project, "--to-profile", "nowhere"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("nowhere") && !missing.stderr.contains(server.trainingKey))
        // A destination profile without a key is told as such (not as a flag or variable to set).
        _ = try await source.checkedJSON(
            ["config", "set", "--profile", "keyless", "training-endpoint", "http://127.0.0.1:9"])
        let keyless = try await source.cvctl(["project", "copy", "--project", project, "--to-profile", "keyless"])
        #expect(keyless.status == 64)
        #expect(keyless.stderr.contains("profile 'keyless' has no training key: run `cvctl config set --profile "
            + "keyless training-key KEY`"), "\(keyless.stderr)")
    }
}
