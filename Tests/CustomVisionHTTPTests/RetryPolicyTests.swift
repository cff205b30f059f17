import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// Retry decisions: which failures are retried for which operations, how long the client waits, and the limits.
@Suite struct RetryPolicyTests {
    static let project = UUID()
    static let projectJSON = #"{"id":"\#(project)","name":"p","settings":{}}"#
    static let busy = #"{"code":"ErrorUnknown","message":"busy"}"#

    func client(
        _ transport: ScriptedTransport, clock: InstantClock, policy: RetryPolicy = RetryPolicy(jitter: 0)
    ) -> TrainingClient {
        TrainingClient(
            endpoint: URL(string: "http://127.0.0.1:9")!, key: "k",
            configuration: ClientConfiguration(retryPolicy: policy, clock: clock), transport: transport)
    }

    @Test func tooManyRequestsHonoursRetryAfterSeconds() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([
            .status(429, headers: [("Retry-After", "7")], body: Self.busy), .status(200, body: Self.projectJSON),
        ])
        let project = try await client(transport, clock: clock).getProject(projectId: Self.project)
        #expect(project.id == Self.project)
        #expect(clock.sleeps == [.seconds(7)])
        #expect(transport.requests.count == 2)
    }

    @Test func retryAfterMayBeAnHTTPDate() async throws {
        let clock = InstantClock()
        let date = Date().addingTimeInterval(12)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let transport = ScriptedTransport([
            .status(503, headers: [("Retry-After", formatter.string(from: date))]),
            .status(200, body: Self.projectJSON),
        ])
        _ = try await client(transport, clock: clock).getProject(projectId: Self.project)
        let slept = try #require(clock.sleeps.first)
        #expect(slept > .seconds(10) && slept <= .seconds(12), "\(slept)")
    }

    @Test func retryAfterMillisecondsIsPreferred() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([
            .status(429, headers: [("Retry-After", "2"), ("retry-after-ms", "1500")]),
            .status(200, body: Self.projectJSON),
        ])
        _ = try await client(transport, clock: clock).getProject(projectId: Self.project)
        #expect(clock.sleeps == [.milliseconds(1500)])
    }

    @Test func throttlingIsRetriedEvenForUnsafeOperations() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([
            .status(429, headers: [("Retry-After", "1")]), .status(200, body: Self.projectJSON),
        ])
        _ = try await client(transport, clock: clock).createProject(name: "p")
        #expect(transport.requests.count == 2)
    }

    @Test func aRetryAfterBeyondTheLimitEndsTheCall() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([.status(429, headers: [("Retry-After", "3600")], body: Self.busy)])
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(transport, clock: clock).getProject(projectId: Self.project)
        }
        #expect(error?.status == 429)
        #expect(error?.attempts == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func serverErrorsBackOffExponentiallyUpToTheAttemptLimit() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport(Array(repeating: .status(500, body: Self.busy), count: 10))
        let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(transport, clock: clock, policy: policy).getIterations(projectId: Self.project)
        }
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(error?.attempts == 4)
        #expect(error?.code == .errorUnknown)
        #expect(transport.requests.count == 4)
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)
        for attempt in 1...12 {
            let full = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .seconds(1))
            for _ in 0..<20 {
                let delay = policy.backoff(afterAttempt: attempt)
                #expect(delay >= full / 2 && delay <= full, "attempt \(attempt): \(delay)")
            }
        }
        #expect(RetryPolicy.none.maxAttempts == 1)
    }

    @Test func unsafeOperationsAreNotRepeatedAfterAmbiguousFailures() async throws {
        for step in [
            ScriptedTransport.Step.status(500, body: Self.busy), .status(502), ScriptedTransport.curl(.recvError),
            ScriptedTransport.curl(.operationTimedOut),
        ] {
            let clock = InstantClock()
            let transport = ScriptedTransport([step])
            let client = client(transport, clock: clock)
            await #expect(throws: CustomVisionClientError.self) {
                try await client.trainProject(projectId: Self.project)
            }
            await #expect(throws: CustomVisionClientError.self) {
                try await client.publishIteration(
                    projectId: Self.project, iterationId: Self.project, publishName: "m", predictionId: "r")
            }
            #expect(transport.requests.count == 2, "\(step)")
        }
    }

    @Test func idempotentOperationsAreRepeatedAfterAmbiguousFailures() async throws {
        let clock = InstantClock()
        let summary = #"{"isBatchSuccessful":true,"images":[]}"#
        let transport = ScriptedTransport([
            ScriptedTransport.curl(.recvError), .status(502), .status(200, body: summary),
            ScriptedTransport.curl(.gotNothing), .status(204),
        ])
        let client = client(transport, clock: clock)
        let result = try await client.createImagesFromData(
            projectId: Self.project, images: [ImageUpload(name: "a.jpg", data: Data([1]))])
        #expect(result.isBatchSuccessful == true)
        try await client.deleteTag(projectId: Self.project, tagId: Self.project)
        #expect(transport.requests.count == 5)
        #expect(clock.sleeps.count == 3)
    }

    @Test func connectionsThatNeverOpenedAreRetriedForEveryOperation() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([
            ScriptedTransport.curl(.couldntConnect), ScriptedTransport.curl(.couldntResolveHost),
            .status(200, body: Self.projectJSON),
        ])
        _ = try await client(transport, clock: clock).createProject(name: "p")
        #expect(transport.requests.count == 3)
    }

    @Test func aConnectionThatNeverOpensIsRetriedOnlyBrieflyAndNamesTheEndpoint() async throws {
        // A wrong endpoint used to take the whole backoff (5 attempts, 7.5 s) before it failed.
        for code in [CurlError.Code.couldntConnect, .couldntResolveHost] {
            let clock = InstantClock()
            let transport = ScriptedTransport(Array(repeating: ScriptedTransport.curl(code), count: 10))
            let client = TrainingClient(
                endpoint: URL(string: "http://user:pass-1234@127.0.0.1:9/")!, key: "key-0123456789",
                configuration: ClientConfiguration(retryPolicy: RetryPolicy(jitter: 0), clock: clock),
                transport: transport)
            let error = await #expect(throws: CustomVisionClientError.self) {
                try await client.getTags(projectId: Self.project)
            }
            #expect(transport.requests.count == 3, "\(code)")
            #expect(error?.attempts == 3)
            #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
            #expect(error?.isConnectionFailure == true)
            #expect(error?.kind == .transport)
            let text = error.map(String.init(describing:)) ?? ""
            #expect(text.hasPrefix("GetTags failed: cannot connect to http://127.0.0.1:9: curl \(code)"), "\(text)")
            #expect(!text.contains("key-0123456789") && !text.contains("pass-1234"))
        }
    }

    @Test func theConnectionBudgetCountsOnlyConnectionsThatNeverOpened() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([
            .status(503), ScriptedTransport.curl(.recvError), ScriptedTransport.curl(.couldntConnect),
            ScriptedTransport.curl(.couldntConnect), .status(200, body: Self.projectJSON),
        ])
        let project = try await client(transport, clock: clock).getProject(projectId: Self.project)
        #expect(project.id == Self.project)
        #expect(transport.requests.count == 5)

        // Dropped connections and timeouts of an idempotent call keep the whole backoff.
        for code in [CurlError.Code.recvError, .operationTimedOut] {
            let transport = ScriptedTransport(Array(repeating: ScriptedTransport.curl(code), count: 10))
            let error = await #expect(throws: CustomVisionClientError.self) {
                try await client(transport, clock: InstantClock()).getTags(projectId: Self.project)
            }
            #expect(transport.requests.count == 5, "\(code)")
            #expect(error?.isConnectionFailure == false)
            #expect(error.map(String.init(describing:))?.contains("cannot connect") == false)
        }
    }

    @Test func theTotalTimeLimitStopsRetrying() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport(Array(repeating: .status(503), count: 20), clock: clock, cost: .seconds(4))
        let policy = RetryPolicy(maxAttempts: 20, maxTotalTime: .seconds(10), baseDelay: .seconds(1), jitter: 0)
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(transport, clock: clock, policy: policy).getProjects()
        }
        // Attempt 1 ends at 4 s, waits 1 s; attempt 2 ends at 9 s, and a 2 s wait would pass 10 s.
        #expect(error?.attempts == 2)
        #expect(clock.sleeps == [.seconds(1)])
        #expect(error?.status == 503)
    }

    @Test func clientErrorsAreNeverRetried() async throws {
        let clock = InstantClock()
        let transport = ScriptedTransport([.status(404, body: #"{"code":"NotFoundProject","message":"no"}"#)])
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client(transport, clock: clock).getProject(projectId: Self.project)
        }
        #expect(error?.code == .notFoundProject)
        #expect(error?.isClientError == true)
        #expect(transport.requests.count == 1)
    }

    @Test func cancellationDuringABackoffEndsTheCall() async throws {
        let transport = ScriptedTransport([.status(503, headers: [("Retry-After", "30")])])
        let client = TrainingClient(
            endpoint: URL(string: "http://127.0.0.1:9")!, key: "k", transport: transport)  // a real clock
        let task = Task { try await client.getProjects() }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(transport.requests.count == 1)
    }
}
