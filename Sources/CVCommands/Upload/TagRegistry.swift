import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// The project's tag ids by name, for an upload whose dataset is still being read: the tags the project lacks are
/// made as they are read (`prime()`) or as batches need them, started in dataset order, up to ``inFlight`` at a
/// time. A batch waits only for the tags it needs. Made one at a time, the six tags of a six-class dataset kept its
/// first batches waiting for six answers in turn (on loopback, 4–9 ms each while the dataset is read beside them).
actor TagRegistry {
    /// How many tags are made at once: few, so that with the batches an upload stays near an S0 resource's 10
    /// requests a second.
    static let inFlight = 4

    private typealias Creation = Task<[String: UUID], any Error>

    private let project: UUID
    private let client: TrainingClient
    private let console: Console
    /// The tag names read so far, in dataset order.
    private let read: @Sendable () -> [String]
    private var ids: [String: UUID] = [:]
    /// Names to make, in order.
    private var queue: [String] = []
    /// The creations under way, by name.
    private var making: [String: Creation] = [:]
    private var loaded = false
    /// A creation failed: names read from then on wait for a batch that needs them, which meets the error itself.
    private var failed = false

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

    /// Starts making the tags read so far that the project lacks, without waiting: called as parts of the dataset
    /// are read, so that the first batches find their tags made. After a failure it does nothing.
    func prime() {
        guard loaded, !failed else { return }
        enqueue(read())
        startQueued()
    }

    /// The ids of `names` (and of every other tag known so far), making the missing ones.
    /// - Throws: what listing or creating a tag threw, after `UploadCommand.ensureTags`' retries.
    func ids(for names: some Collection<String>) async throws -> [String: UUID] {
        while let missing = names.first(where: { ids[$0] == nil }) {
            enqueue(read())
            enqueue(names)
            startQueued()
            // The creation of the missing name, or (every slot taken by names read before it) any under way: the
            // name was queued, so one is.
            guard let (name, task) = making[missing].map({ (missing, $0) }) ?? making.first.map({ ($0.key, $0.value) })
            else { preconditionFailure("tag \(missing) is neither known, made nor queued") }
            let result = await task.result
            ended(name, task, result)  // records the made ids, once, whoever saw the end first
            _ = try result.get()
        }
        return ids
    }

    /// Starts making queued names, in order, while fewer than ``inFlight`` are under way.
    private func startQueued() {
        queue.removeAll { ids[$0] != nil }  // listed since they were queued
        while making.count < Self.inFlight, !queue.isEmpty {
            let name = queue.removeFirst()
            let (project, client, console) = (project, client, console)
            // The project's tags were listed by `load()`: the tag is made straight away.
            let task = Creation {
                try await UploadCommand.ensureTags(
                    [name], project: project, client: client, console: console, listFirst: false)
            }
            making[name] = task
            // Frees the slot and keeps the queue going whether or not a batch is waiting for this name.
            Task { self.ended(name, task, await task.result) }
        }
    }

    /// Records a creation's end, once (whoever sees it first), and starts the next queued names.
    private func ended(_ name: String, _ task: Creation, _ result: Result<[String: UUID], any Error>) {
        guard making[name] == task else { return }
        making[name] = nil
        switch result {
        case .success(let made): ids.merge(made) { _, listed in listed }
        case .failure: failed = true
        }
        if !failed { startQueued() }
    }

    /// Appends the names not known, queued or being made to the queue.
    private func enqueue(_ names: some Collection<String>) {
        for name in names where ids[name] == nil && making[name] == nil && !queue.contains(name) {
            queue.append(name)
        }
    }
}
