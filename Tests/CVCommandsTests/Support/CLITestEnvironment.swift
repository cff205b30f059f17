import CVTestSupport
import Foundation

/// A temporary home for one end-to-end test: a config path, a cache, datasets, and `cvctl` runs against a server.
struct CLITestEnvironment {
    let directory: URL
    let server: ServerProcess?

    init(server: ServerProcess?) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.server = server
    }

    /// The environment `cvctl` runs with: the server's endpoints and keys, and private config and cache paths.
    var environment: [String: String] {
        var env = server?.environment ?? [:]
        env["HOME"] = directory.path
        env["CVCTL_CONFIG"] = directory.appendingPathComponent("config.json").path
        env["XDG_CACHE_HOME"] = directory.appendingPathComponent("cache").path
        return env
    }

    /// Runs `cvctl` with `arguments`.
    func cvctl(_ arguments: [String], environment extra: [String: String] = [:], stdin: Data? = nil)
        async throws -> ProcessOutput
    {
        try await ProcessRunner.run(ProcessRunner.executable("cvctl"), arguments,
                                    environment: environment.merging(extra) { _, new in new }, stdin: stdin)
    }

    /// Runs `cvctl … -o json` and decodes its stdout.
    func json(_ arguments: [String]) async throws -> (ProcessOutput, Any) {
        let output = try await cvctl(arguments + ["--output", "json"])
        let value = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8), options: [.fragmentsAllowed])
        return (output, value)
    }

    /// Creates a detection project and returns its id.
    func createProject(_ name: String = "steel", domain: String? = nil) async throws -> String {
        let (output, value) = try await json(
            ["project", "create", name, "--type", "detection"] + (domain.map { ["--domain", $0] } ?? []))
        guard output.status == 0, let id = (value as? [String: Any])?["id"] as? String else {
            throw ServerProcessError(message: "project create failed: \(output.stderr)")
        }
        return id
    }

    /// The number of images in a project, via `cvctl image count`.
    func imageCount(_ project: String) async throws -> Int {
        let output = try await cvctl(["image", "count", "--project", project])
        return Int(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// A VOC dataset of `perClass` NEU-DET images of each of `classes`, copied from ../shared (offset by `skip`).
    func neuDETSubset(perClass: Int, classes: [String] = ["crazing", "inclusion", "patches"], skip: Int = 0,
                      name: String = "dataset") throws -> URL {
        guard let source = FixturePaths.neuDET else { throw ServerProcessError(message: "NEU-DET is absent") }
        let root = directory.appendingPathComponent(name)
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("ANNOTATIONS"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("IMAGES"), withIntermediateDirectories: true)
        for tag in classes {
            for i in (skip + 1)...(skip + perClass) {
                try fm.copyItem(at: source.appendingPathComponent("ANNOTATIONS/\(tag)_\(i).xml"),
                                to: root.appendingPathComponent("ANNOTATIONS/\(tag)_\(i).xml"))
                try fm.copyItem(at: source.appendingPathComponent("IMAGES/\(tag)_\(i).jpg"),
                                to: root.appendingPathComponent("IMAGES/\(tag)_\(i).jpg"))
            }
        }
        return root
    }

    func remove() {
        server?.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
