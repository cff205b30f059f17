import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// The project's tag ids by name, for an upload whose dataset is still being read: tags are made when a batch first
/// needs one. Then every tag read so far that the project lacks is made, in dataset order (the order an upload that
/// read the whole dataset first makes them in), one creation at a time however many batches ask at once.
actor TagRegistry {
    private let project: UUID
    private let client: TrainingClient
    private let console: Console
    /// The tag names read so far, in dataset order.
    private let read: @Sendable () -> [String]
    private var ids: [String: UUID] = [:]
    /// The creation under way, numbered: whoever sees it end first clears it, so that a batch needing a tag it did
    /// not make starts the next one (instead of waiting on the ended task again and again).
    private var creating: (number: Int, task: Task<[String: UUID], any Error>)?
    private var creations = 0

    init(project: UUID, client: TrainingClient, console: Console, read: @escaping @Sendable () -> [String]) {
        self.project = project
        self.client = client
        self.console = console
        self.read = read
    }

    /// Lists the project's tags. Done before any batch goes out, so that a wrong endpoint, key or project fails the
    /// upload at once rather than each batch.
    func load() async throws {
        ids = try await UploadCommand.ensureTags([], project: project, client: client, console: console)
    }

    /// The ids of `names` (and of every other tag known so far), making the missing ones.
    /// - Throws: what listing or creating the tags threw, after `UploadCommand.ensureTags`' retries.
    func ids(for names: some Collection<String>) async throws -> [String: UUID] {
        while names.contains(where: { ids[$0] == nil }) {
            let creation: (number: Int, task: Task<[String: UUID], any Error>)
            if let current = creating {
                // Another batch is making tags; what it makes may be what this one needs.
                creation = current
            } else {
                var wanted = read().filter { ids[$0] == nil }
                wanted += names.filter { ids[$0] == nil && !wanted.contains($0) }
                let (project, client, console) = (project, client, console)
                creations += 1
                creation = (creations, Task {
                    try await UploadCommand.ensureTags(wanted, project: project, client: client, console: console)
                })
                creating = creation
            }
            defer { if creating?.number == creation.number { creating = nil } }
            ids.merge(try await creation.task.value) { _, made in made }
        }
        return ids
    }
}
