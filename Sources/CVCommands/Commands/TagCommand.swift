import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl tag list|create|delete`.
public struct TagCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "List, create and delete a project's tags.",
        discussion: """
            Examples:
              cvctl tag list --project 0f6c…
              cvctl tag create scratches --project 0f6c…
              cvctl tag delete 5a1b… --project 0f6c…
            """,
        subcommands: [List.self, Create.self, Delete.self])

    public init() {}

    static func table(_ tags: [CustomVisionCore.Tag]) -> TextTable {
        TextTable(headers: ["ID", "NAME", "TYPE", "IMAGES"], rows: tags.map {
            [$0.id.lowercasedText, $0.name, $0.type.rawValue, "\($0.imageCount ?? 0)"]
        })
    }

    struct List: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List tags with their image counts.", discussion: "Example:\n  cvctl tag list --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Option(help: "Counts as of this iteration (default: the workspace).") var iteration: UUID?

        func run(_ context: CommandContext) async throws {
            let tags = try await context.training().getTags(projectId: project, iterationId: iteration)
            try context.console.emit(tags) { TagCommand.table($0) }
        }
    }

    struct Create: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a tag.",
            discussion: "Examples:\n  cvctl tag create crazing --project 0f6c…\n"
                + "  cvctl tag create background --negative --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Argument(help: "The tag name.") var name: String
        @Option(help: "A description.") var description: String?
        @Flag(help: "A Negative tag (classification).") var negative = false

        func run(_ context: CommandContext) async throws {
            let tag = try await context.training().createTag(
                projectId: project, name: name, description: description, type: negative ? .negative : nil)
            try context.console.emit(tag) { TagCommand.table([$0]) }
        }
    }

    struct Delete: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a tag.",
            discussion: "Examples:\n  cvctl tag delete 5a1b… --project 0f6c…\n"
                + "  cvctl tag delete rust --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Argument(help: "The tag's id, or its name.") var tag: String

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            // An id goes to the service as it is (which says whether the project has it); a name is looked up.
            let id: UUID
            if let given = UUID(text: tag) {
                id = given
            } else {
                id = try await TagLookup.id(tag, project: project, client: client)
            }
            try await client.deleteTag(projectId: project, tagId: id)
            try context.console.report(Outcome("deleted", "tag", id: id), "deleted tag \(id.lowercasedText)")
        }
    }
}
