import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl iteration list|show|rename|delete`.
public struct IterationCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "iteration",
        abstract: "List, show, rename and delete iterations.",
        discussion: """
            Examples:
              cvctl iteration list --project 0f6c…
              cvctl iteration show 7a8b… --project 0f6c… --output json
              cvctl iteration rename 7a8b… --project 0f6c… --name baseline
              cvctl iteration delete 7a8b… --project 0f6c…
            """,
        subcommands: [List.self, Show.self, Rename.self, Delete.self])

    public init() {}

    static func table(_ iterations: [Iteration]) -> TextTable {
        TextTable(headers: ["ID", "NAME", "STATUS", "TYPE", "PUBLISHED AS", "TRAINED"], rows: iterations.map {
            [$0.id.lowercasedText, $0.name, $0.status?.rawValue ?? "-", $0.trainingType?.rawValue ?? "-",
             $0.publishName ?? "-", Format.date($0.trainedAt)]
        })
    }

    struct List: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List iterations.", discussion: "Example:\n  cvctl iteration list --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID

        func run(_ context: CommandContext) async throws {
            let iterations = try await context.training().getIterations(projectId: project)
            try context.console.emit(iterations) { IterationCommand.table($0) }
        }
    }

    struct Show: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show an iteration.", discussion: "Example:\n  cvctl iteration show 7a8b… --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Argument(help: "The iteration id.") var iteration: UUID

        func run(_ context: CommandContext) async throws {
            let value = try await context.training().getIteration(projectId: project, iterationId: iteration)
            try context.console.emit(value) { IterationCommand.table([$0]) }
        }
    }

    struct Rename: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename",
            abstract: "Rename an iteration.",
            discussion: "Example:\n  cvctl iteration rename 7a8b… --project 0f6c… --name baseline")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Argument(help: "The iteration id.") var iteration: UUID
        @Option(help: "The new name.") var name: String

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            var value = try await client.getIteration(projectId: project, iterationId: iteration)
            value.name = name
            let updated = try await client.updateIteration(
                projectId: project, iterationId: iteration, updatedIteration: value)
            try context.console.emit(updated) { IterationCommand.table([$0]) }
        }
    }

    struct Delete: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete an iteration (unpublish it first).",
            discussion: "Example:\n  cvctl iteration delete 7a8b… --project 0f6c…")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Argument(help: "The iteration id.") var iteration: UUID

        func run(_ context: CommandContext) async throws {
            try await context.training().deleteIteration(projectId: project, iterationId: iteration)
            let message = "deleted iteration \(iteration.lowercasedText)"
            try context.console.report(Outcome("deleted", "iteration", id: iteration), message)
        }
    }
}
