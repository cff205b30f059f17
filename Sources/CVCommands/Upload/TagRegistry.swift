import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// The project's tag ids by name, for an upload whose dataset is still being read: the tags the project lacks are
/// made one at a time, in dataset order (the order an upload that read the whole dataset first makes them in), as
/// they are read (`prime()`) or as batches need them. A batch waits only for the tags up to its own, not for every
/// tag read so far.
actor TagRegistry {
    private let project: UUID
    private let client: TrainingClient
    private let console: Console
    /// The tag names read so far, in dataset order.
    private let read: @Sendable () -> [String]
    private var ids: [String: UUID] = [:]
    /// Names to make, in order, and the one being made.
    private var queue: [String] = []
    private var making: (name: String, task: Task<[String: UUID], any Error>)?
    private var loaded = false
    /// A `prime()` is making the tags read so far.
    private var priming = false

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
        loaded = true
        prime()
    }

    /// Starts making the tags read so far that the project lacks, in order, without waiting: called as parts of the
    /// dataset are read, so that the first batches find their tags made rather than wait for each in turn. A failure
    /// stops the priming; the batch that needs the tag meets the error itself.
    func prime() {
        guard loaded, !priming else { return }
        let names = read().filter { ids[$0] == nil }
        guard !names.isEmpty else { return }
        priming = true
        Task {
            let made = (try? await self.ids(for: names)) != nil
            await self.primed(continuing: made)
        }
    }

    private func primed(continuing: Bool) {
        priming = false
        if continuing { prime() }  // names read while these were made
    }

    /// The ids of `names` (and of every other tag known so far), making the missing ones.
    /// - Throws: what listing or creating a tag threw, after `UploadCommand.ensureTags`' retries.
    func ids(for names: some Collection<String>) async throws -> [String: UUID] {
        while names.contains(where: { ids[$0] == nil }) {
            enqueue(read())
            enqueue(names)
            let current: (name: String, task: Task<[String: UUID], any Error>)
            if let making {
                current = making
            } else {
                queue.removeAll { ids[$0] != nil }  // listed since they were queued
                let name = queue.removeFirst()
                let (project, client, console) = (project, client, console)
                // The project's tags were listed by `load()`: the tag is made straight away.
                current = (name, Task {
                    try await UploadCommand.ensureTags(
                        [name], project: project, client: client, console: console, listFirst: false)
                })
                making = current
            }
            // Whoever sees the creation end first clears it, so that the next name's starts.
            defer { if making?.task == current.task { making = nil } }
            ids.merge(try await current.task.value) { _, listed in listed }
        }
        return ids
    }

    /// Appends the names not known, queued or being made to the queue.
    private func enqueue(_ names: some Collection<String>) {
        for name in names where ids[name] == nil && making?.name != name && !queue.contains(name) {
            queue.append(name)
        }
    }
}
