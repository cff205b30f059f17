import CVTestSupport
import Foundation
import Testing

/// The project and tag management commands, and the shell completion scripts, with the built `cvctl` against a
/// real `cvserver`.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ManagementEndToEndTests {
    @Test func projectUpdateAndTagCreateListDelete() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject("before")

        let updated = try await env.checkedJSON(
            ["project", "update", project, "--name", "after", "--description", "steel plates"])
        #expect(updated["name"] as? String == "after")
        #expect(updated["description"] as? String == "steel plates")
        let shown = try #require(try await env.checkedJSON(["project", "show", project])["project"] as? [String: Any])
        #expect(shown["name"] as? String == "after")
        #expect(shown["description"] as? String == "steel plates")

        let made = try await env.checkedJSON(["tag", "create", "--project", project, "rust", "--description", "red"])
        let id = try #require(made["id"] as? String)
        #expect(made["name"] as? String == "rust")
        #expect(try await env.checkedJSON(["tag", "create", "--project", project, "dent"])["name"] as? String == "dent")
        #expect(try await env.tagNames(project) == ["dent", "rust"])
        // A second tag of the same name is the service's refusal (exit 2), and the listing is unchanged.
        let twice = try await env.cvctl(["tag", "create", "--project", project, "rust"])
        #expect(twice.status == 2, "\(twice.stderr)")
        #expect(twice.stderr.contains("BadRequestTagNameNotUnique"), "\(twice.stderr)")

        let deleted = try await env.cvctl(["tag", "delete", "--project", project, id])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await env.tagNames(project) == ["dent"])
        let again = try await env.cvctl(["tag", "delete", "--project", project, id])
        #expect(again.status == 2, "a deleted tag is gone: \(again.stderr)")
        // By name: looked up first; a name the project lacks is a usage error.
        let byName = try await env.cvctl(["tag", "delete", "--project", project, "dent"])
        #expect(byName.status == 0, "\(byName.stderr)")
        #expect(try await env.tagNames(project).isEmpty)
        let unknown = try await env.cvctl(["tag", "delete", "--project", project, "dent"])
        #expect(unknown.status == 64, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("no tag 'dent'"), "\(unknown.stderr)")
    }

    @Test func projectCreateTakesItsTypeFromTheDomainAndRefusesAMismatch() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let (_, listed) = try await env.json(["domain", "list"])
        let domains = try #require(listed as? [[String: Any]])
        let classification = try #require(domains.first {
            $0["type"] as? String == "Classification" && $0["name"] as? String == "General"
        }?["id"] as? String)

        let refused = try await env.cvctl(
            ["project", "create", "x", "--type", "detection", "--domain", classification, "-o", "json"])
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("is not a detection domain (it is Classification)"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)

        let byDomain = try await env.checkedJSON(["project", "create", "y", "--domain", classification])
        let settings = byDomain["settings"] as? [String: Any]
        #expect(settings?["classificationType"] as? String == "Multiclass")
        #expect(settings?["domainId"] as? String == classification)

        _ = try await env.createProject("z")
        let table = try await env.cvctl(["project", "list"])
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.contains { $0.contains("z") && $0.contains("Detection") && $0.contains("General") },
                "\(table.stdout)")
        #expect(rows.contains { $0.contains("y") && $0.contains("Multiclass") && $0.contains("General") },
                "\(table.stdout)")
        #expect((try await env.json(["project", "list"]).1 as? [[String: Any]])?.count == 2)
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheCommands(shell: String) async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let script = try await env.cvctl(["--generate-completion-script", shell])
        #expect(script.status == 0, "\(script.stderr)")
        for word in ["upload", "train", "publish", "predict", "dataset", "performance"] {
            #expect(script.stdout.contains(word), "\(shell) script lacks \(word)")
        }
    }
}
