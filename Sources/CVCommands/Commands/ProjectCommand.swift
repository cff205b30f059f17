import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// The kind of project `project create` makes.
public enum ProjectType: String, CaseIterable, ExpressibleByArgument, Sendable {
    case detection, classification
}

/// `cvctl project create|list|show|update|delete|export|import|copy`.
public struct ProjectCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Create, list, show, update, delete, export, import and copy projects.",
        discussion: """
            Examples:
              cvctl project create steel --type detection
              cvctl project create flowers --type classification --multilabel \\
                  --domain "General (compact)"
              cvctl project list --output json
              cvctl project show 0f6c…
              cvctl project delete 0f6c…
              cvctl project export --project 0f6c…
              cvctl project import "$TOKEN" --name steel-copy
              cvctl project copy --project 0f6c… --to-profile staging
            """,
        subcommands: [
            Create.self, List.self, Show.self, Update.self, Delete.self, Export.self, Import.self, Copy.self,
        ])

    public init() {}

    /// The projects as a table; `domains` (the service's list) name each project's domain and tell detection
    /// projects (which have no classification type) apart.
    static func table(_ projects: [Project], domains: [Domain] = []) -> TextTable {
        TextTable(headers: ["ID", "NAME", "TYPE", "DOMAIN", "CREATED"], rows: projects.map { project in
            let domain = domains.first { $0.id == project.settings.domainId }
            let type = domain?.type == .objectDetection
                ? "Detection" : project.settings.classificationType?.rawValue ?? "-"
            return [project.id.lowercasedText, project.name, type,
                    domain?.name ?? project.settings.domainId?.lowercasedText ?? "-", Format.date(project.created)]
        })
    }

    /// Prints `projects` (one document, or a table naming their domains: one more request, for tables only).
    static func emit(_ projects: [Project], single: Bool, client: TrainingClient, context: CommandContext)
        async throws
    {
        let domains = context.console.format == .table ? ((try? await client.getDomains()) ?? []) : []
        if single, let project = projects.first {
            try context.console.emit(project) { table([$0], domains: domains) }
        } else {
            try context.console.emit(projects) { table($0, domains: domains) }
        }
    }

    /// `cvctl project create NAME --type detection|classification`.
    struct Create: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a project; prints it.",
            discussion: """
                The domain defaults to the service's General domain of the type (for detection: the first \
                ObjectDetection domain named General). --domain takes a domain name or id (see `cvctl domain list`).

                Examples:
                  cvctl project create steel --type detection
                  cvctl project create parts --type classification --multilabel --output json
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project name.") var name: String
        @Option(help: "detection | classification (default: the --domain's type, else detection).")
        var type: ProjectType?
        @Option(help: "Domain name or id (default: General of the type).") var domain: String?
        @Flag(help: "Multilabel classification (default multiclass).") var multilabel = false
        @Option(help: "A description.") var description: String?

        func validate() throws {
            if multilabel, type == .detection { throw ValidationError("--multilabel applies to classification only") }
        }

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            let domains = try await client.getDomains()
            // --multilabel implies classification; otherwise a --domain of one type settles it.
            var type = self.type ?? (multilabel ? .classification : nil)
            let chosen: Domain?
            if let domain {
                // Names repeat across types ("General (compact)"): match the project type's domains first.
                let matches = domains.filter {
                    $0.id.lowercasedText == domain.lowercased() || $0.name?.lowercased() == domain.lowercased()
                }
                guard !matches.isEmpty else { throw CLIError.usage("no domain '\(domain)'; see `cvctl domain list`") }
                let wanted = type.map(Self.domainType)
                chosen = matches.first { $0.type == wanted } ?? (type == nil ? matches.first : nil)
                guard let chosen else {
                    throw CLIError.usage("domain '\(domain)' is not a \(type?.rawValue ?? "") domain (it is "
                        + "\(matches.compactMap { $0.type?.rawValue }.joined(separator: ", ")))")
                }
                type = type ?? (chosen.type == .objectDetection ? .detection : .classification)
            } else {
                let ofType = domains.filter { $0.type == Self.domainType(type ?? .detection) }
                chosen = ofType.first { $0.name == "General" } ?? ofType.first
            }
            let project = try await client.createProject(
                name: name, description: description, domainId: chosen?.id,
                classificationType: type == .classification ? (multilabel ? .multilabel : .multiclass) : nil)
            try context.console.emit(project) { ProjectCommand.table([$0], domains: domains) }
        }

        static func domainType(_ type: ProjectType) -> DomainType {
            type == .detection ? .objectDetection : .classification
        }
    }

    /// `cvctl project list`.
    struct List: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List projects.", discussion: "Example:\n  cvctl project list --output json")
        @OptionGroup var global: GlobalOptions

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            try await ProjectCommand.emit(try await client.getProjects(), single: false, client: client,
                                          context: context)
        }
    }

    /// `cvctl project show ID`.
    struct Show: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a project with its tags and image counts.",
            discussion: "Example:\n  cvctl project show 0f6c2d1e-…")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project id.") var project: UUID

        struct Details: Codable {
            var project: Project
            var tags: [CustomVisionCore.Tag]
            var imageCount: Int
            var untaggedImageCount: Int
            var iterationCount: Int
        }

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            async let details = client.getProject(projectId: project)
            async let tags = client.getTags(projectId: project)
            async let count = client.getImageCount(projectId: project)
            async let untagged = client.getUntaggedImageCount(projectId: project)
            async let iterations = client.getIterations(projectId: project)
            let value = try await Details(project: details, tags: tags, imageCount: count,
                                          untaggedImageCount: untagged, iterationCount: iterations.count)
            try context.console.emit(value) { d in
                var table = TextTable(headers: ["FIELD", "VALUE"])
                table.append(["id", d.project.id.lowercasedText])
                table.append(["name", d.project.name])
                table.append(["description", d.project.description ?? "-"])
                table.append(["type", d.project.settings.classificationType?.rawValue ?? "ObjectDetection"])
                table.append(["domain", d.project.settings.domainId?.lowercasedText ?? "-"])
                table.append(["images", "\(d.imageCount)"])
                table.append(["untagged images", "\(d.untaggedImageCount)"])
                table.append(["iterations", "\(d.iterationCount)"])
                table.append(["tags", d.tags.map { "\($0.name) (\($0.imageCount ?? 0))" }.joined(separator: ", ")])
                return table
            }
        }
    }

    /// `cvctl project update ID [--name] [--description]`.
    struct Update: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Rename a project or change its description.",
            discussion: "Example:\n  cvctl project update 0f6c… --name steel-v2 --description \"NEU-DET, 6 classes\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project id.") var project: UUID
        @Option(help: "New name.") var name: String?
        @Option(help: "New description.") var description: String?

        func validate() throws {
            if name == nil, description == nil { throw ValidationError("give --name and/or --description") }
        }

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            var value = try await client.getProject(projectId: project)
            if let name { value.name = name }
            if let description { value.description = description }
            let updated = try await client.updateProject(projectId: project, updatedProject: value)
            try await ProjectCommand.emit([updated], single: true, client: client, context: context)
        }
    }

    /// `cvctl project delete ID`.
    struct Delete: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a project.", discussion: "Example:\n  cvctl project delete 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The project id.") var project: UUID

        func run(_ context: CommandContext) async throws {
            try await context.training().deleteProject(projectId: project)
            try context.console.report(
                Outcome("deleted", "project", id: project), "deleted project \(project.lowercasedText)")
        }
    }
}
