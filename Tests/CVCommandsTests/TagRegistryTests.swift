import CVTestSupport
import CustomVisionCore
import CustomVisionHTTP
import Foundation
import Synchronization
import Testing

@testable import CVCommands

/// The tags of an upload whose dataset is still being read, against a real `cvserver` process.
@Suite(.timeLimit(.minutes(10)))
struct TagRegistryTests {
    static func client(_ server: ServerProcess, key: String? = nil) -> TrainingClient {
        TrainingClient(endpoint: URL(string: server.endpoint)!, key: key ?? server.trainingKey)
    }

    @Test func batchesAskingAtOnceMakeEachTagOnceAndGetTheServiceIds() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let client = Self.client(server)
        let project = try await client.createProject(name: "tags").id
        _ = try await client.createTag(projectId: project, name: "existing")
        let read = Mutex(["existing", "a", "b"])
        let registry = TagRegistry(project: project, client: client, console: Console(quiet: true),
                                   read: { read.withLock { $0 } })
        try await registry.load()
        let answers = try await withThrowingTaskGroup(of: [String: UUID].self) { group in
            for i in 0..<16 {
                let names = ["a", "c\(i % 4)"] + (i.isMultiple(of: 2) ? ["existing"] : [])
                group.addTask { try await registry.ids(for: names) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let listed = try await client.getTags(projectId: project)
        #expect(listed.count == 7, "\(listed.map(\.name))")
        let ids = Dictionary(uniqueKeysWithValues: listed.map { ($0.name, $0.id) })
        #expect(Set(ids.keys) == ["existing", "a", "b", "c0", "c1", "c2", "c3"])
        for answer in answers {
            for (name, id) in answer { #expect(ids[name] == id, "\(name)") }
        }
        // A tag read later (a later part of the dataset) is made when a batch first needs it.
        read.withLock { $0.append("late") }
        let late = try await registry.ids(for: ["late"])
        let relisted = try await client.getTags(projectId: project)
        #expect(relisted.count == 8)
        #expect(late["late"] == relisted.first { $0.name == "late" }?.id)
    }

    @Test func tagsReadAreMadeBeforeAnyBatchAsksForThem() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let client = Self.client(server)
        let project = try await client.createProject(name: "tags").id
        let read = Mutex(["first", "second"])
        let registry = TagRegistry(project: project, client: client, console: Console(quiet: true),
                                   read: { read.withLock { $0 } })
        try await registry.load()
        // Nothing asks for ids: load() primes the tags read so far, and prime() the ones a later part adds.
        read.withLock { $0.append("third") }
        await registry.prime()
        let order = ["first", "second", "third"]
        var listed: [CustomVisionCore.Tag] = []
        for _ in 0..<400 where listed.count < 3 {
            listed = try await client.getTags(projectId: project)
            #expect(Set(listed.map(\.name)).isSubset(of: order), "\(listed.map(\.name))")
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(Set(listed.map(\.name)) == Set(order))
        let ids = try await registry.ids(for: ["first", "second", "third"])
        for tag in listed { #expect(ids[tag.name] == tag.id, "\(tag.name)") }
        #expect(try await client.getTags(projectId: project).count == 3)
    }

    /// A service that holds each CreateTag until `together` are waiting (or 5 s have passed) and records the most
    /// that were ever waiting at once.
    final class GatheringService: Sendable {
        let together: Int
        private let state = Mutex((waiting: 0, peak: 0, released: false, created: [String]()))
        private let arrived = DispatchSemaphore(value: 0)
        init(together: Int) { self.together = together }

        var peak: Int { state.withLock { $0.peak } }
        var created: [String] { state.withLock { $0.created } }

        func reply(_ request: RecordedRequest) -> LoopbackHTTPServer.Reply {
            guard request.method == "POST", let name = request.query("name") else { return .json(200, "[]") }
            let release = state.withLock { state -> Bool in
                state.waiting += 1
                state.peak = max(state.peak, state.waiting)
                state.created.append(name)
                if state.waiting >= together { state.released = true }
                return state.released
            }
            if release {
                for _ in 1..<together { arrived.signal() }
            } else {
                _ = arrived.wait(timeout: .now() + 5)
            }
            state.withLock { $0.waiting -= 1 }
            let id = UUID().uuidString.lowercased()
            return .json(200, #"{"id":"\#(id)","name":"\#(name)","type":"Regular","imageCount":0}"#)
        }
    }

    @Test func tagsAreMadeSeveralAtATimeButNoMoreThanTheLimit() async throws {
        // Six tags read at once: the first `inFlight` creations are under way together (the service answers none
        // until they all are), and never more than that.
        let service = GatheringService(together: TagRegistry.inFlight)
        let server = try LoopbackHTTPServer { service.reply($0) }
        defer { server.stop() }
        let client = TrainingClient(endpoint: URL(string: "http://127.0.0.1:\(server.port)")!, key: "key")
        let names = (1...6).map { "tag\($0)" }
        let registry = TagRegistry(project: UUID(), client: client, console: Console(quiet: true), read: { names })
        try await registry.load()
        let ids = try await registry.ids(for: names)
        #expect(service.peak == TagRegistry.inFlight)
        #expect(service.created.sorted() == names, "each made once: \(service.created)")
        #expect(Set(names.compactMap { ids[$0] }).count == names.count)
        // Started in dataset order: the first to arrive are the first read.
        let first = service.created.prefix(TagRegistry.inFlight)
        #expect(Array(first).sorted() == Array(names.prefix(TagRegistry.inFlight)))
    }

    @Test func creatingWithoutListingFirstFindsATagMadeMeanwhile() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let client = Self.client(server)
        let project = try await client.createProject(name: "tags").id
        // Another upload made "shared" after this one listed the tags: CreateTag answers that the name exists.
        let shared = try await client.createTag(projectId: project, name: "shared")
        let ids = try await UploadCommand.ensureTags(
            ["shared", "fresh"], project: project, client: client, console: Console(quiet: true), listFirst: false)
        let listed = try await client.getTags(projectId: project)
        #expect(ids["shared"] == shared.id)
        #expect(Set(listed.map(\.name)) == ["shared", "fresh"])
        #expect(ids["fresh"] == listed.first { $0.name == "fresh" }?.id)
    }

    @Test func aWrongKeyFailsTheListingBeforeAnyBatch() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let project = try await Self.client(server).createProject(name: "tags").id
        let registry = TagRegistry(project: project, client: Self.client(server, key: "not-the-key"),
                                   console: Console(quiet: true), read: { ["a"] })
        let error = await #expect(throws: CustomVisionClientError.self) { try await registry.load() }
        #expect(error?.status == 401, "\(String(describing: error))")
    }
}
