import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// Finds the iteration a command acts on when `--iteration` is not given.
enum IterationLookup {
    /// `id` when given, else the newest completed iteration.
    /// - Throws: ``CLIError/usage(_:)`` when the project has no completed iteration.
    static func resolve(_ id: UUID?, project: UUID, client: TrainingClient) async throws -> Iteration {
        if let id { return try await client.getIteration(projectId: project, iterationId: id) }
        let completed = try await client.getIterations(projectId: project).filter { $0.status == .completed }
        guard let newest = completed.max(by: { ($0.trainedAt ?? $0.created ?? .distantPast)
            < ($1.trainedAt ?? $1.created ?? .distantPast) })
        else {
            throw CLIError.usage("project \(project.lowercasedText) has no completed iteration; "
                + "run `cvctl train --project … --wait` first")
        }
        return newest
    }

    /// The published iteration named `name`, for prediction commands that take `--name`.
    static func published(_ name: String, project: UUID, client: TrainingClient) async throws -> Iteration? {
        try await client.getIterations(projectId: project).first { $0.publishName == name }
    }
}
