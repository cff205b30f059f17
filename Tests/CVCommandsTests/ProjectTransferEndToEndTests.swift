import CVTestSupport
import Foundation
import Testing

/// `cvctl project export|import|copy` with the built `cvctl` between two real `cvserver` processes, and `cvctl
/// suggest` on a really trained project. Every output is also scanned for uppercase UUIDs.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ProjectTransferEndToEndTests {
    static let mini = FixturePaths.fixture("neu-det-mini")
    static let miniPresent = FileManager.default.fileExists(atPath: mini.appendingPathComponent("train").path)

    /// A VOC dataset of the first `perClass` training images of each class of the mini fixture.
    private func miniSubset(_ env: CLITestEnvironment, perClass: Int) throws -> String {
        let root = env.directory.appendingPathComponent("subset")
        let fm = FileManager.default
        for folder in ["ANNOTATIONS", "IMAGES"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for tag in ["inclusion", "patches", "scratches"] {
            for i in 1...perClass {
                for (folder, ext) in [("ANNOTATIONS", "xml"), ("IMAGES", "jpg")] {
                    let file = "\(folder)/\(tag)_\(i).\(ext)"
                    try fm.copyItem(at: Self.mini.appendingPathComponent("train/" + file),
                                    to: root.appendingPathComponent(file))
                }
            }
        }
        return root.path
    }

    /// Runs `cvctl … --output json`, expects success and lowercase UUIDs, and returns the object.
    private func json(_ env: CLITestEnvironment, _ arguments: [String]) async throws -> [String: Any] {
        let (output, value) = try await env.json(arguments)
        #expect(output.status == 0, "\(arguments): \(output.stderr)")
        // The test's own temporary directory has an uppercase UUID in its name.
        let printed = output.stdout.replacingOccurrences(of: env.directory.path, with: "")
        #expect(UUIDScan.uppercase(in: printed).isEmpty, "\(arguments): \(output.stdout)")
        return try #require(value as? [String: Any], "\(arguments): \(output.stdout)")
    }

    private func counts(_ export: [String: Any]) -> [Int] {
        ["imageCount", "tagCount", "regionCount", "iterationCount"].map { export[$0] as? Int ?? -1 }
    }

    private func tagNames(_ env: CLITestEnvironment, _ project: String) async throws -> [String] {
        let (output, value) = try await env.json(["tag", "list", "--project", project])
        #expect(UUIDScan.uppercase(in: output.stdout).isEmpty)
        return ((value as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.sorted()
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
        let upload = try await source.cvctl(["upload", try miniSubset(source, perClass: 3), "--project", project])
        #expect(upload.status == 0, "\(upload.stderr)")

        // --tags takes names (or ids), comma-separated, as README and train do.
        for (tags, expected) in [("inclusion", "3"), ("inclusion,patches", "6")] {
            let count = try await source.cvctl(["image", "count", "--project", project, "--tags", tags])
            #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(count.stderr)")
        }
        let listed = try await source.json(["image", "list", "--project", project, "--tags", "patches"])
        #expect((listed.1 as? [Any])?.count == 3)
        #expect(try await source.cvctl(["image", "count", "--project", project, "--tags", "nope"]).status == 64)

        let exported = try await json(source, ["project", "export", "--project", project])
        let (images, tags, regions, iterations) = (counts(exported)[0], counts(exported)[1], counts(exported)[2],
                                                   counts(exported)[3])
        #expect(images == 9 && tags == 3 && regions >= 9 && iterations == 0, "\(exported)")
        let token = try #require(exported["token"] as? String)
        let table = try await source.cvctl(["project", "export", "--project", project])
        #expect(table.status == 0 && table.stdout.contains("regions") && table.stdout.contains("token"))

        let imported = try await json(target, ["project", "import", token, "--name", "transfer-copy"])
        #expect(imported["name"] as? String == "transfer-copy")
        let copy = try #require(imported["id"] as? String)
        let again = try await json(target, ["project", "export", "--project", copy])
        #expect(counts(again) == counts(exported))
        #expect(try await target.imageCount(copy) == 9)
        #expect(try await tagNames(target, copy) == tagNames(source, project))
        _ = try await json(target, ["project", "show", copy])

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
            let set = try await json(source, ["config", "set", "--profile", "there", key, value])
            #expect(set["key"] as? String == key && set["profile"] as? String == "there")
            #expect(set["value"] as? String == (key == "training-key" ? "***" : value), "keys are masked")
        }
        let copied = try await json(
            source, ["project", "copy", "--project", project, "--to-profile", "there", "--name", "transfer-2"])
        let copiedProject = try #require(copied["project"] as? [String: Any])
        let copiedId = try #require(copiedProject["id"] as? String)
        #expect((copied["export"] as? [String: Any])?["token"] == nil, "copy does not print the token")
        #expect(try await target.imageCount(copiedId) == 9)
        // Commands that return no model still print one JSON document.
        let cleared = try await json(target, ["image", "delete", "--project", copiedId, "--all"])
        #expect(cleared["action"] as? String == "deleted" && cleared["kind"] as? String == "images")
        #expect(try await target.imageCount(copiedId) == 0)
        let deleted = try await json(target, ["project", "delete", copiedId])
        #expect(deleted["action"] as? String == "deleted" && deleted["id"] as? String == copiedId)
        let gone = try await target.cvctl(["project", "delete", copiedId])
        #expect(gone.status == 2, "\(gone.stderr)")

        let missing = try await source.cvctl(["project", "copy", "--project", project, "--to-profile", "nowhere"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("nowhere") && !missing.stderr.contains(server.trainingKey))
    }

    /// Exports a trained project, imports it on a second server, and predicts there with the imported iteration.
    private func expectTrainedProjectMoves(_ env: CLITestEnvironment, project: String) async throws {
        let target = try CLITestEnvironment(server: try await ServerProcess(arguments: ["--allow-local-urls"]))
        defer { target.remove() }
        let exported = try await json(env, ["project", "export", "--project", project])
        #expect(exported["iterationCount"] as? Int == 1)
        let token = try #require(exported["token"] as? String)
        let imported = try await json(target, ["project", "import", token])
        let copy = try #require(imported["id"] as? String)
        let (listing, iterations) = try await target.json(["iteration", "list", "--project", copy])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect((iterations as? [[String: Any]])?.map { $0["status"] as? String } == ["Completed"])
        let publish = try await target.cvctl(["publish", "--project", copy, "--name", "moved"])
        #expect(publish.status == 0, "\(publish.stderr)")
        let image = Self.mini.appendingPathComponent("heldout/IMAGES/scratches_26.jpg").path
        let (predict, predictions) = try await target.json(
            ["predict", image, "--project", copy, "--name", "moved", "--threshold", "0.1"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let boxes = ((predictions as? [[String: Any]])?.first?["predictions"] as? [Any]) ?? []
        #expect(!boxes.isEmpty, "the imported model predicts")
    }

    /// Runs the commands that print ids on a trained project, as tables and as JSON, and expects every UUID
    /// lowercase (and at least one in each JSON document, so the scan is not vacuous).
    private func expectLowercaseUUIDsEverywhere(_ env: CLITestEnvironment, project: String, iteration: String)
        async throws
    {
        let image = Self.mini.appendingPathComponent("heldout/IMAGES/patches_26.jpg").path
        let publish = try await env.cvctl(["publish", "--project", project, "--name", "scan", "--output", "json"])
        #expect(publish.status == 0, "\(publish.stderr)")
        let commands: [[String]] = [
            ["project", "list"], ["project", "show", project], ["domain", "list"], ["tag", "list", "--project", project],
            ["image", "list", "--project", project, "--limit", "5"], ["iteration", "list", "--project", project],
            ["iteration", "show", iteration, "--project", project], ["performance", "--project", project],
            ["predict", image, "--project", project, "--name", "scan"],
            ["quick-test", image, "--project", project, "--no-store"], ["suggest", "--project", project],
        ]
        for arguments in commands {
            for format in ["table", "json"] {
                let output = try await env.cvctl(arguments + ["--output", format])
                #expect(output.status == 0, "\(arguments): \(output.stderr)")
                #expect(UUIDScan.uppercase(in: output.stdout).isEmpty, "\(arguments) \(format): uppercase UUIDs")
                if format == "json" {
                    #expect(!UUIDScan.uuids(in: output.stdout).isEmpty, "\(arguments) prints no id")
                }
            }
        }
        #expect(UUIDScan.uppercase(in: publish.stdout).isEmpty)
    }

    @Test(.enabled(if: miniPresent))
    func trainedProjectSuggestsMovesWithItsModelAndPrintsLowercaseUUIDs() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject("suggest")
        let noIteration = try await env.cvctl(["suggest", "--project", project])
        #expect(noIteration.status == 64, "no completed iteration yet: \(noIteration.stderr)")

        #expect(try await env.cvctl(["upload", try miniSubset(env, perClass: 15), "--project", project]).status == 0)
        let trained = try await json(env, ["train", "--project", project, "--wait"])
        #expect(trained["status"] as? String == "Completed")

        // Untagged images: a folder dataset with the images at its root.
        let untagged = env.directory.appendingPathComponent("untagged")
        try FileManager.default.createDirectory(at: untagged, withIntermediateDirectories: true)
        let heldout = Self.mini.appendingPathComponent("heldout/IMAGES")
        for name in try FileManager.default.contentsOfDirectory(atPath: heldout.path) {
            try FileManager.default.copyItem(at: heldout.appendingPathComponent(name),
                                             to: untagged.appendingPathComponent(name))
        }
        let upload = try await env.cvctl(["upload", untagged.path, "--project", project, "--format", "folders"])
        #expect(upload.status == 0, "\(upload.stderr)")
        let shown = try await json(env, ["project", "show", project])
        #expect(shown["untaggedImageCount"] as? Int == 9)

        let (output, value) = try await env.json(["suggest", "--project", project, "--threshold", "0"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(UUIDScan.uppercase(in: output.stdout).isEmpty)
        let results = try #require(value as? [[String: Any]])
        #expect(results.count == 9, "every untagged image, none of the tagged ones")
        let uncertainties = results.compactMap { $0["predictionUncertainty"] as? Double }
        #expect(uncertainties.count == 9)
        #expect(uncertainties == uncertainties.sorted(by: >), "most uncertain first")
        let withSuggestions = results.filter { !(($0["predictions"] as? [Any]) ?? []).isEmpty }
        #expect(!withSuggestions.isEmpty, "the trained model suggests regions")

        let limited = try await env.json(["suggest", "--project", project, "--threshold", "0", "--limit", "3"])
        let top = try #require(limited.1 as? [[String: Any]])
        #expect(top.map { $0["id"] as? String } == results.prefix(3).map { $0["id"] as? String })
        let ids = results.prefix(2).compactMap { $0["id"] as? String }
        let (byId, byIdValue) = try await env.json(
            ["suggest", "--project", project, "--image", ids[0], "--image", ids[1]])
        #expect(byId.status == 0, "\(byId.stderr)")
        let suggested = try #require(byIdValue as? [[String: Any]])
        #expect(Set(suggested.compactMap { $0["id"] as? String }) == Set(ids))
        #expect(suggested.allSatisfy { !(($0["predictions"] as? [Any]) ?? []).isEmpty })

        let (byTag, byTagValue) = try await env.json(
            ["suggest", "--project", project, "--threshold", "0.2", "--tags", "scratches"])
        #expect(byTag.status == 0, "\(byTag.stderr)")
        let scratches = try #require(byTagValue as? [[String: Any]])
        #expect(!scratches.isEmpty && scratches.count < 9, "\(scratches.count) images")
        #expect(scratches.allSatisfy { result in
            ((result["predictions"] as? [[String: Any]]) ?? []).contains {
                $0["tagName"] as? String == "scratches" && ($0["probability"] as? Double ?? 0) >= 0.2
            }
        })

        let table = try await env.cvctl(["suggest", "--project", project])
        #expect(table.status == 0 && table.stdout.contains("UNCERTAINTY"))
        #expect(UUIDScan.uppercase(in: table.stdout).isEmpty)
        let badIteration = try await env.cvctl(["suggest", "--project", project, "--iteration", UUID().uuidString])
        #expect(badIteration.status == 2, "\(badIteration.stderr)")
        let usage = try await env.cvctl(["suggest", "--project", "not-a-uuid"])
        #expect(usage.status == 64)

        try await expectTrainedProjectMoves(env, project: project)
        try await expectLowercaseUUIDsEverywhere(
            env, project: project, iteration: try #require(trained["id"] as? String))
    }
}
