import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// Resolves the `--tags a,b` options (tag names or ids, comma-separated) to tag ids.
enum TagLookup {
    /// The ids of the comma-separated tag names or ids in `list`.
    /// - Throws: ``CLIError/usage(_:)`` naming a tag the project does not have.
    static func ids(_ list: String, project: UUID, client: TrainingClient) async throws -> [UUID] {
        let all = try await client.getTags(projectId: project)
        return try list.split(separator: ",").map { try id(of: String($0), in: all, project: project) }
    }

    /// The id of the tag named (or identified by) `key`, commas and all.
    /// - Throws: ``CLIError/usage(_:)`` when the project has no such tag.
    static func id(_ key: String, project: UUID, client: TrainingClient) async throws -> UUID {
        try id(of: key, in: try await client.getTags(projectId: project), project: project)
    }

    private static func id(of key: String, in all: [Tag], project: UUID) throws -> UUID {
        let key = key.trimmingCharacters(in: .whitespaces)
        guard let tag = all.first(where: { $0.name == key || $0.id.lowercasedText == key.lowercased() })
        else { throw CLIError.usage("no tag '\(key)' in project \(project.lowercasedText)") }
        return tag.id
    }
}
