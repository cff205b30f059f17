import CVTestSupport
import Foundation
import Testing

/// `cvctl suggest` on a really trained project, the project moving with its model to a second `cvserver`, and
/// every id-printing command's output scanned for uppercase UUIDs.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(15)))
struct TrainedProjectEndToEndTests {
    static let mini = CLITestEnvironment.mini
    static let miniPresent = CLITestEnvironment.miniPresent

    /// Exports a trained project, imports it on a second server, and predicts there with the imported iteration.
    private func expectTrainedProjectMoves(_ env: CLITestEnvironment, project: String) async throws {
        let target = try CLITestEnvironment(server: try await ServerProcess(arguments: ["--allow-local-urls"]))
        defer { target.remove() }
        let exported = try await env.checkedJSON(["project", "export", "--project", project])
        #expect(exported["iterationCount"] as? Int == 1)
        let token = try #require(exported["token"] as? String)
        let imported = try await target.checkedJSON(["project", "import", token])
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

        // The same image by URL (DetectImageUrl: the service fetches it) gets the same predictions.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: image))
        let host = try LoopbackHTTPServer { _ in
            .response(status: 200, headers: [("Content-Type", "image/jpeg")], body: bytes)
        }
        defer { host.stop() }
        let url = host.baseURL.appendingPathComponent("scratches_26.jpg").absoluteString
        let (byURL, urlPredictions) = try await target.json(
            ["predict", url, "--project", copy, "--name", "moved", "--threshold", "0.1"])
        #expect(byURL.status == 0, "\(byURL.stderr)")
        let urlBoxes = ((urlPredictions as? [[String: Any]])?.first?["predictions"] as? [[String: Any]]) ?? []
        let fileBoxes = boxes as? [[String: Any]] ?? []
        #expect(urlBoxes.count == fileBoxes.count)
        #expect(urlBoxes.map { $0["tagName"] as? String } == fileBoxes.map { $0["tagName"] as? String })
        #expect(host.requests.count == 1, "the server fetched the image once")
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
            ["project", "list"], ["project", "show", project], ["domain", "list"],
            ["tag", "list", "--project", project],
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
    func waitingLongerThanTimeoutExits4AndLeavesTheTrainingRunning() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject("slow")
        #expect(try await env.cvctl(["upload", try env.miniSubset(perClass: 15), "--project", project]).status == 0)
        // Training 45 images takes seconds; --wait gives up after one.
        let waited = try await env.cvctl(
            ["train", "--project", project, "--wait", "--timeout", "1", "--poll-interval", "0.2"])
        #expect(waited.status == 4, "\(waited.stderr)")
        #expect(waited.stderr.contains("still Training after 1 s"), "\(waited.stderr)")
        // Giving up waiting does not stop the training: the iteration is there, training or done.
        let (listing, iterations) = try await env.json(["iteration", "list", "--project", project])
        #expect(listing.status == 0, "\(listing.stderr)")
        let status = (iterations as? [[String: Any]])?.first?["status"] as? String
        #expect(status == "Training" || status == "Completed", "\(String(describing: status))")
    }

    @Test(.enabled(if: miniPresent))
    func trainedProjectSuggestsMovesWithItsModelAndPrintsLowercaseUUIDs() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject("suggest")
        let noIteration = try await env.cvctl(["suggest", "--project", project])
        #expect(noIteration.status == 64, "no completed iteration yet: \(noIteration.stderr)")

        #expect(try await env.cvctl(["upload", try env.miniSubset(perClass: 15), "--project", project]).status == 0)
        let trained = try await env.checkedJSON(["train", "--project", project, "--wait"])
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
        let shown = try await env.checkedJSON(["project", "show", project])
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
