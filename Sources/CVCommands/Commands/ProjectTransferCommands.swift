import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

extension ProjectCommand {
    /// What `project export` and `project copy` print about an export: its counts (export prints the token below).
    static func exportTable(_ export: ProjectExport) -> TextTable {
        var table = TextTable(headers: ["FIELD", "VALUE"])
        table.append(["images", "\(export.imageCount ?? 0)"])
        table.append(["tags", "\(export.tagCount ?? 0)"])
        table.append(["regions", "\(export.regionCount ?? 0)"])
        table.append(["iterations", "\(export.iterationCount ?? 0)"])
        return table
    }

    /// `cvctl project export --project P`: ExportProject.
    struct Export: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export a project: prints a token that `project import` accepts on another server.",
            discussion: """
                The token grants whoever holds it a copy of the project (images, tags, regions and completed \
                iterations); treat it as a secret. With --output json it is the `token` field.

                Examples:
                  cvctl project export --project 0f6c…
                  TOKEN=$(cvctl project export --project 0f6c… --output json | jq -r .token)
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID

        func run(_ context: CommandContext) async throws {
            let export = try await context.training().exportProject(projectId: project)
            switch context.console.format {
            case .json: try context.console.json(export)
            case .table:
                // The token on a line of its own: in the table, the counts were padded to its width.
                context.console.data(ProjectCommand.exportTable(export).render()
                    + "\ntoken: \(export.token ?? "-")")
            }
        }
    }

    /// `cvctl project import TOKEN [--name N]`: ImportProject.
    struct Import: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a project from a `project export` token; prints the new project.",
            discussion: """
                The server fetches the exported bundle from the exporting server (a cvserver importing from \
                another cvserver on loopback needs --allow-local-urls). The name must not be taken yet.

                Examples:
                  cvctl project import "$TOKEN" --name steel-copy
                  cvctl project import "$TOKEN" --profile azure --output json
                  cvctl project export --project 0f6c… -o json | jq -r .token \\
                      | cvctl project import - --profile b
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The token printed by `cvctl project export`, or - to read it from stdin.") var token: String
        @Option(help: "The new project's name (default: the exported project's name).") var name: String?

        func validate() throws {
            if token.isEmpty { throw ValidationError("the token is empty") }
        }

        func run(_ context: CommandContext) async throws {
            var token = token
            if token == "-" { token = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces) }
            guard !token.isEmpty else { throw CLIError.usage("the token read from stdin is empty") }
            let (endpoint, key) = try context.settings.training()
            // The token is a secret too: --verbose shows the import request's URL, which carries it.
            let client = TrainingClient(endpoint: endpoint, key: key,
                                        logger: context.logger(redacting: Redactor.forms(of: token)))
            let project = try await client.importProject(token: token, name: name)
            try await ProjectCommand.emit([project], single: true, client: client, context: context)
        }
    }

    /// `cvctl project copy --project P --to-profile NAME`: export here, import there.
    struct Copy: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy a project to the training endpoint of a config profile (export here, import there).",
            discussion: """
                The source is the usual connection (flags, environment, profile); the destination is only the \
                profile named by --to-profile (its training-endpoint and training-key; see `cvctl config`).

                Examples:
                  cvctl project copy --project 0f6c… --to-profile staging
                  cvctl project copy --project 0f6c… --to-profile staging --name steel-copy \\
                      --output json
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id (on the source).") var project: UUID
        @Option(help: "The config profile of the destination.") var toProfile: String
        @Option(help: "The new project's name (default: the source project's name).") var name: String?

        /// What `copy` prints: the new project and what was copied.
        struct Result: Codable {
            var project: Project
            var export: ProjectExport
        }

        func run(_ context: CommandContext) async throws {
            let (endpoint, key) = try destination()
            let export = try await context.training().exportProject(projectId: project)
            guard let token = export.token else { throw CLIError.api("the service returned no export token") }
            let client = TrainingClient(endpoint: endpoint, key: key,
                                        logger: context.logger(redacting: [key] + Redactor.forms(of: token)))
            let copied = try await client.importProject(token: token, name: name)
            var shown = export
            shown.token = nil
            try context.console.emit(Result(project: copied, export: shown)) { result in
                var table = ProjectCommand.exportTable(result.export)
                table.rows.insert(contentsOf: [["id", result.project.id.lowercasedText],
                                               ["name", result.project.name]], at: 0)
                return table
            }
        }

        /// The destination profile's training endpoint and key.
        private func destination() throws -> (endpoint: URL, key: String) {
            let url = ConfigFile.defaultURL()
            guard let profile = try ConfigFile.load(from: url).profiles[toProfile] else {
                throw CLIError.usage("no profile '\(toProfile)' in \(url.path); see `cvctl config list`")
            }
            // Only the profile is read for the destination: the messages say what it lacks.
            guard let endpoint = profile.trainingEndpoint, !endpoint.isEmpty else {
                throw CLIError.usage("profile '\(toProfile)' has no training endpoint: run `cvctl config set "
                    + "--profile \(toProfile) training-endpoint URL`")
            }
            guard let key = profile.trainingKey, !key.isEmpty else {
                throw CLIError.usage("profile '\(toProfile)' has no training key: run `cvctl config set "
                    + "--profile \(toProfile) training-key KEY`")
            }
            return try ConnectionSettings(trainingEndpoint: endpoint, trainingKey: key).training()
        }
    }
}
