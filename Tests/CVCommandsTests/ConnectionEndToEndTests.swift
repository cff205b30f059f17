import CVTestSupport
import Foundation
import Testing

@testable import CVCommands

/// Keys, endpoints and exit codes of the built `cvctl` against a real `cvserver`.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ConnectionEndToEndTests {
    @Test func aWrongKeyExits2AndIsNeverPrinted() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let badKey = "wrong-key-0123456789"
        let output = try await env.cvctl(["project", "list", "--training-key", badKey, "--verbose"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("401"))
        #expect(!output.stderr.contains(badKey) && !output.stdout.contains(badKey))
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func predictWithAWrongPredictionKeyExits2() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject()
        let image = CLITestEnvironment.mini.appendingPathComponent("heldout/IMAGES").path
        let badKey = "wrong-prediction-key-0123"
        let output = try await env.cvctl(["predict", image, "--project", project, "--name", "v1", "--prediction-key",
                                          badKey, "--output", "json"])
        #expect(output.status == 2, "every image refused is no partial failure: \(output.stderr)")
        #expect(output.stderr.contains("401") && output.stderr.contains("9 of 9 predictions failed"))
        #expect(!output.stderr.contains(badKey) && !output.stdout.contains(badKey))
        #expect((try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [Any])?.count == 9)
    }

    #if os(Linux)
    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func libcurlIsLoadedByCommandsThatMakeRequestsAndOnlyByThem() async throws {
        // glibc's loader names every library it opens on stderr with LD_DEBUG=files: libcurl is not linked, so it
        // appears only when loaded (dlopen) for a command that makes requests.
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let loaderTrace = ["LD_DEBUG": "files"]
        let dataset = CLITestEnvironment.mini.appendingPathComponent("train").path
        for offline in [["--version"], ["dataset", "verify", dataset], ["config", "list"], ["upload", "--help"]] {
            let output = try await env.cvctl(offline, environment: loaderTrace)
            #expect(output.status == 0, "\(offline): \(output.stderr.suffix(500))")
            #expect(!output.stderr.contains("libcurl"), "\(offline) loaded libcurl")
        }
        let listed = try await env.cvctl(["project", "list", "--output", "json"], environment: loaderTrace)
        #expect(listed.status == 0, "\(listed.stderr.suffix(500))")
        #expect(listed.stderr.contains("libcurl"))
        #expect((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any]) != nil)
    }
    #endif

    @Test func makesRequestsTellsNetworkCommandsFromLocalOnes() {
        #expect(CVCtl.makesRequests(["upload", "data", "--project", "p"]))
        #expect(CVCtl.makesRequests(["dataset", "pull", "--project", "p", "out"]))
        #expect(CVCtl.makesRequests(["evaluate", "data"]))
        #expect(!CVCtl.makesRequests(["dataset", "verify", "data"]))
        #expect(!CVCtl.makesRequests(["config", "list"]))
        #expect(!CVCtl.makesRequests(["--version"]))
        #expect(!CVCtl.makesRequests(["upload", "--help"]))
        #expect(!CVCtl.makesRequests([]))
    }

    @Test func anEndpointThatIsNotAnHTTPURLIsNamedAsInvalidNotMissing() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        for endpoint in ["localhost:41211", "ftp://example.com", "https://"] {
            let output = try await env.cvctl(
                ["project", "list", "--training-endpoint", endpoint, "--training-key", "k"])
            #expect(output.status == 64, "\(endpoint): \(output.stderr)")
            #expect(output.stderr.contains("is not an http(s) URL"), "\(endpoint): \(output.stderr)")
        }
        let missing = try await env.cvctl(["project", "list", "--training-key", "k"])
        #expect(missing.status == 64 && missing.stderr.contains("no training endpoint: pass --training-endpoint"))
        let stored = try await env.cvctl(["config", "set", "training-endpoint", "notaurl"])
        #expect(stored.status == 64 && stored.stderr.contains("must be an http(s) URL"), "\(stored.stderr)")
        let shown = try await env.cvctl(["config", "show"])
        #expect(!shown.stdout.contains("notaurl"), "nothing was stored: \(shown.stdout)")
    }

    @Test func aKeySentUnencryptedToAnotherHostIsWarnedAbout() async throws {
        let server = try await ServerProcess()
        let env = try CLITestEnvironment(server: server)
        defer { env.remove() }
        let loopback = try await env.cvctl(["project", "list"])
        #expect(loopback.status == 0 && !loopback.stderr.contains("unencrypted"), "\(loopback.stderr)")
        // 0.0.0.0 reaches this machine too, but is not a loopback name: the warning is due.
        let endpoint = try #require(server.environment["VISION_TRAINING_ENDPOINT"])
            .replacingOccurrences(of: "127.0.0.1", with: "0.0.0.0")
        let other = try await env.cvctl(["project", "list", "--training-endpoint", endpoint])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stderr.contains("warning: the training key is sent unencrypted to \(endpoint)"),
                "\(other.stderr)")
        #expect(!other.stderr.contains(server.trainingKey))
        let quiet = try await env.cvctl(["project", "list", "--training-endpoint", endpoint, "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func verboseLogsRequestsWithoutKeys() async throws {
        let server = try await ServerProcess()
        let env = try CLITestEnvironment(server: server)
        defer { env.remove() }
        let output = try await env.cvctl(["project", "create", "p", "--verbose"])
        #expect(output.status == 0)
        #expect(output.stderr.contains("CreateProject") || output.stderr.contains("/projects"))
        #expect(!output.stderr.contains(server.trainingKey) && !output.stdout.contains(server.trainingKey))
    }

    @Test func verboseImportAndCopyNeverPrintTheExportToken() async throws {
        let server = try await ServerProcess()
        let env = try CLITestEnvironment(server: server)
        defer { env.remove() }
        let project = try await env.createProject()
        let exported = try await env.checkedJSON(["project", "export", "--project", project])
        let token = try #require(exported["token"] as? String)
        let imported = try await env.cvctl(["project", "import", token, "--name", "copy", "--verbose"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("ImportProject"))
        #expect(!imported.stderr.contains(token) && !imported.stdout.contains(token))
        for (setting, value) in [("training-endpoint", server.endpoint), ("training-key", server.trainingKey)] {
            #expect(try await env.cvctl(["config", "set", "--profile", "b", setting, value]).status == 0)
        }
        let copied = try await env.cvctl(["project", "copy", "--project", project, "--to-profile", "b", "--name", "c2",
                                          "--verbose"])
        #expect(copied.status == 0, "\(copied.stderr)")
        // The copy exports afresh (a new token): every token in its log is redacted.
        let tokens = copied.stderr.components(separatedBy: "token=").dropFirst()
        #expect(!tokens.isEmpty && tokens.allSatisfy { $0.hasPrefix("***") }, "\(copied.stderr)")
        #expect(!copied.stderr.contains(server.trainingKey))
    }

    @Test func anErrorEchoingTheOtherKeyIsRedacted() async throws {
        // A service (or a proxy in front of it) whose error message repeats a secret: here the prediction key, which
        // the training client does not know to redact itself.
        let predictionKey = "prediction-key-echoed-4567"
        let server = try LoopbackHTTPServer { _ in
            .json(400, #"{"code":"BadRequest","message":"refused; prediction-key=\#(predictionKey)"}"#)
        }
        defer { server.stop() }
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let output = try await env.cvctl(["project", "list", "--training-endpoint", "http://127.0.0.1:\(server.port)",
                                          "--training-key", "training-key-0123", "--prediction-key", predictionKey])
        #expect(output.status == 2, "the refusal keeps its exit code: \(output.stderr)")
        #expect(output.stderr.contains("refused; prediction-key=***"), "\(output.stderr)")
        #expect(!output.stderr.contains(predictionKey) && !output.stdout.contains(predictionKey))
    }

    @Test func anEndpointWithAPasswordIsRefusedAndNeverPrinted() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let password = "hunter2-endpoint-secret"
        let endpoint = "https://user:\(password)@example.invalid"
        let flagged = try await env.cvctl(["project", "list", "--training-endpoint", endpoint,
                                           "--training-key", "k-0123456", "--verbose"])
        #expect(flagged.status == 64, "\(flagged.stderr)")
        #expect(flagged.stderr.contains("user name or password"))
        let set = try await env.cvctl(["config", "set", "training-endpoint", endpoint])
        #expect(set.status == 64, "\(set.stderr)")
        // A profile written by hand (or by an older cvctl) is shown with the password masked.
        let config = env.directory.appendingPathComponent("config.json")
        try Data(#"{"currentProfile":"default","profiles":{"default":{"trainingEndpoint":"\#(endpoint)"}}}"#.utf8)
            .write(to: config)
        let shown = try await env.cvctl(["config", "show"])
        let listed = try await env.cvctl(["config", "list", "--output", "json"])
        #expect(shown.status == 0 && listed.status == 0, "\(shown.stderr) \(listed.stderr)")
        #expect(shown.stdout.contains("https://user:***@example.invalid"), "\(shown.stdout)")
        for output in [flagged, set, shown, listed] {
            #expect(!output.stdout.contains(password) && !output.stderr.contains(password))
        }
    }

    @Test func configSetRefusesAnEmptyValue() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let piped = try await env.cvctl(["config", "set", "training-key", "-"], stdin: Data())
        #expect(piped.status == 64, "\(piped.stderr)")
        #expect(piped.stderr.contains("empty (read from stdin)"))
        let literal = try await env.cvctl(["config", "set", "training-endpoint", ""])
        #expect(literal.status == 64, "\(literal.stderr)")
        #expect(!FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("config.json").path))
    }

    @Test func aMissingEndpointIsAUsageError() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let output = try await env.cvctl(["project", "list"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("VISION_TRAINING_ENDPOINT"))
    }

    @Test func anUnreachableServerExits3() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let output = try await env.cvctl(["project", "list"], environment: [
            "VISION_TRAINING_ENDPOINT": "http://127.0.0.1:9", "VISION_TRAINING_KEY": "k",
        ])
        #expect(output.status == 3)
    }

    /// The endpoint of a cvserver that has stopped: its port refuses connections.
    static func refusedEndpoint() async throws -> String {
        let server = try await ServerProcess()
        server.stop()
        return server.endpoint
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aRefusedEndpointFailsAfterThreeAttemptsNamingIt() async throws {
        let endpoint = try await Self.refusedEndpoint()
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let key = "refused-key-0123456789"
        let output = try await env.cvctl(
            ["upload", CLITestEnvironment.mini.appendingPathComponent("train").path,
             "--project", "00000000-0000-0000-0000-000000000001", "--verbose"],
            environment: ["VISION_TRAINING_ENDPOINT": endpoint, "VISION_TRAINING_KEY": key])
        #expect(output.status == 3, "\(output.stderr)")
        // Each attempt is logged once. The upload's tag listing used to be retried 8 times over 5 attempts each.
        let attempts = output.stderr.split(separator: "\n").filter { $0.contains("→ GET") && $0.contains("/tags") }
        #expect(attempts.count == 3, "\(output.stderr)")
        let message = "error: GetTags failed: cannot connect to \(endpoint): "
        #expect(output.stderr.contains(message), "\(output.stderr)")
        #expect(output.stderr.contains("3 attempts)"))
        #expect(output.stderr.contains("check the training endpoint (--training-endpoint, VISION_TRAINING_ENDPOINT"))
        #expect(!output.stderr.contains(key) && !output.stdout.contains(key))
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func predictingAFolderAgainstARefusedEndpointStopsAfterTheFirstImage() async throws {
        let endpoint = try await Self.refusedEndpoint()
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let folder = CLITestEnvironment.mini.appendingPathComponent("heldout/IMAGES")
        let images = try FileManager.default.contentsOfDirectory(atPath: folder.path).count
        let output = try await env.cvctl(
            ["predict", folder.path, "--project", "00000000-0000-0000-0000-000000000001", "--name", "n",
             "--type", "detection", "--concurrency", "1", "--verbose"],
            environment: ["VISION_PREDICTION_ENDPOINT": endpoint, "VISION_PREDICTION_KEY": "k"])
        #expect(output.status == 3, "\(output.stderr)")
        // The first image's 3 connection attempts; the other images fail with its error without trying.
        let attempts = output.stderr.split(separator: "\n").filter { $0.contains("→ POST") }
        #expect(attempts.count == 3, "\(output.stderr)")
        #expect(output.stderr.contains("\(images) of \(images) predictions failed"), "\(output.stderr)")
        #expect(output.stderr.contains("check the prediction endpoint (--prediction-endpoint, "
            + "VISION_PREDICTION_ENDPOINT"), "\(output.stderr)")
    }

    @Test func configProfilesAreWritten0600AndKeysNeverShown() async throws {
        let server = try await ServerProcess()
        let env = try CLITestEnvironment(server: nil)
        defer {
            env.remove()
            server.stop()
        }
        #expect(try await env.cvctl(["config", "set", "training-endpoint", server.endpoint]).status == 0)
        let set = try await env.cvctl(["config", "set", "training-key", "-"], stdin: Data(server.trainingKey.utf8))
        #expect(set.status == 0)
        #expect(!set.stderr.contains(server.trainingKey))
        let path = env.directory.appendingPathComponent("config.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let show = try await env.cvctl(["config", "show"])
        #expect(show.stdout.contains(server.endpoint) && !show.stdout.contains(server.trainingKey))
        let list = try await env.cvctl(["project", "list", "--output", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("["))
    }
}
