import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl publish --project ID [--iteration ID] --name NAME`.
public struct PublishCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish an iteration to the prediction resource under a name.",
        discussion: """
            The prediction resource id comes from --prediction-resource-id, $VISION_PREDICTION_RESOURCE_ID or \
            the config profile. --unpublish-previous unpublishes the project's other published iterations.

            Examples:
              cvctl publish --project 0f6c… --name steel-v1
              cvctl publish --project 0f6c… --iteration 7a8b… --name steel \\
                  --unpublish-previous --overwrite
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "The published name predictions use.") var name: String
    @Flag(help: "Unpublish the project's other published iterations first.") var unpublishPrevious = false
    @Flag(help: "Replace a publication of the same name.") var overwrite = false

    public init() {}

    public func run(_ context: CommandContext) async throws {
        guard let resource = context.settings.predictionResourceId, !resource.isEmpty else {
            throw CLIError.usage("no prediction resource id: pass --prediction-resource-id, set "
                + "VISION_PREDICTION_RESOURCE_ID, or run `cvctl config set prediction-resource-id ID` (Azure: the "
                + "prediction resource's id, /subscriptions/…; a cvserver takes any string)")
        }
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        if unpublishPrevious {
            for other in try await client.getIterations(projectId: project)
            where other.id != target.id && other.publishName != nil {
                try await client.unpublishIteration(projectId: project, iterationId: other.id)
                let name = other.publishName ?? ""
                context.console.info("unpublished iteration \(other.id.lowercasedText) (\(name))")
            }
        }
        _ = try await client.publishIteration(
            projectId: project, iterationId: target.id, publishName: name, predictionId: resource,
            overwrite: overwrite ? true : nil)
        let published = try await client.getIteration(projectId: project, iterationId: target.id)
        try context.console.emit(published) { IterationCommand.table([$0]) }
    }
}

/// `cvctl unpublish --project ID --iteration ID`.
public struct UnpublishCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "unpublish",
        abstract: "Unpublish an iteration.",
        discussion: """
            Examples:
              cvctl unpublish --project 0f6c… --iteration 7a8b…
              cvctl unpublish --project 0f6c… --name steel-v1
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration id.") var iteration: UUID?
    @Option(help: "The published name (instead of --iteration).") var name: String?

    public init() {}

    public func validate() throws {
        if iteration == nil, name == nil { throw ValidationError("give --iteration or --name") }
        if iteration != nil, name != nil { throw ValidationError("give --iteration or --name, not both") }
    }

    public func run(_ context: CommandContext) async throws {
        let client = try context.training()
        var id = iteration
        if let name {
            guard let found = try await IterationLookup.published(name, project: project, client: client) else {
                throw CLIError.usage("no iteration of the project is published as '\(name)'")
            }
            id = found.id
        }
        guard let id else { return }
        try await client.unpublishIteration(projectId: project, iterationId: id)
        try context.console.report(
            Outcome("unpublished", "iteration", id: id), "unpublished iteration \(id.lowercasedText)")
    }
}
