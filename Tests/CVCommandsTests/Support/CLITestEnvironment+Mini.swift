import CVTestSupport
import Foundation
import Testing

/// Helpers of the end-to-end tests that use the mini NEU-DET fixture.
extension CLITestEnvironment {
    static let mini = FixturePaths.fixture("neu-det-mini")
    static let miniPresent = FileManager.default.fileExists(atPath: mini.appendingPathComponent("train").path)

    /// Runs `body` with a fresh cvserver, a detection project on it and a `miniSubset(perClass:)` dataset; removes
    /// them afterwards.
    static func withMiniProject(
        perClass: Int, _ body: (CLITestEnvironment, _ project: String, _ dataset: String) async throws -> Void
    ) async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        try await body(env, try await env.createProject(), try env.miniSubset(perClass: perClass))
    }

    /// A VOC dataset of the first `perClass` training images of each class of the mini fixture.
    func miniSubset(perClass: Int) throws -> String {
        let root = directory.appendingPathComponent("subset")
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
    func checkedJSON(_ arguments: [String]) async throws -> [String: Any] {
        let (output, value) = try await json(arguments)
        #expect(output.status == 0, "\(arguments): \(output.stderr)")
        // The test's own temporary directory has an uppercase UUID in its name.
        let printed = output.stdout.replacingOccurrences(of: directory.path, with: "")
        #expect(UUIDScan.uppercase(in: printed).isEmpty, "\(arguments): \(output.stdout)")
        return try #require(value as? [String: Any], "\(arguments): \(output.stdout)")
    }

    /// The names of a project's tags, sorted, via `cvctl tag list`.
    func tagNames(_ project: String) async throws -> [String] {
        let (output, value) = try await json(["tag", "list", "--project", project])
        #expect(UUIDScan.uppercase(in: output.stdout).isEmpty)
        return ((value as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.sorted()
    }
}
