import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct FaultAndTierTests {
    @Test func injectsThrottlingWithRetryAfter() async throws {
        let faults = FaultConfiguration(rate: 1, kinds: [.throttle], seed: 7)
        try await withServer(testConfiguration(faults: faults)) { cv in
            let response = try await cv.training(.get, "domains")
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "1")
        }
    }

    @Test func faultDrawsAreSeeded() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let faults = FaultConfiguration(rate: 0.5, kinds: [.serverError, .unavailable], seed: seed)
            return try await withServerResult(testConfiguration(faults: faults)) { cv in
                var out: [Int] = []
                for _ in 0..<20 { out.append(try await cv.training(.get, "domains").status.code) }
                return out
            }
        }
        let a = try await statuses(seed: 42)
        let b = try await statuses(seed: 42)
        #expect(a == b)
        #expect(a.contains(200) && a.contains { $0 == 500 || $0 == 503 })
    }

    @Test func freeTierThrottlesAtTwoTransactionsPerSecond() async throws {
        try await withServer(testConfiguration(tier: .f0)) { cv in
            // 20 requests at once: staying under 2 per second would take them ~9 s. Sent one after another they
            // could take that long on a machine busy with the rest of the suite, and none would be refused.
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await cv.training(.get, "domains").status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes.contains(200))
            #expect(codes.contains(429))
            #expect(Set(codes).isSubset(of: [200, 429]), "\(codes)")
            let throttled = try await cv.training(.get, "domains")
            if throttled.status == .tooManyRequests { #expect(throttled.headers[.retryAfter] != nil) }
        }
    }

    @Test func noTierMeansNoThrottling() async throws {
        #expect(ServiceTier.named("none") == .unlimited)
        try await withServer(testConfiguration(tier: .unlimited)) { cv in
            var codes: Set<Int> = []
            for _ in 0..<30 { codes.insert(try await cv.training(.get, "domains").status.code) }
            #expect(codes == [200])
        }
    }

    @Test func latencyDelaysEveryAPIResponseAndChangesNothingElse() async throws {
        var configuration = testConfiguration()
        configuration.latency = .milliseconds(300)
        try await withServer(configuration) { cv in
            let clock = ContinuousClock()
            for _ in 0..<2 {
                let start = clock.now
                let response = try await cv.training(.get, "domains")
                // A lower bound only (a sleep never ends early): no upper bound, which a loaded machine would break.
                #expect(clock.now - start >= .milliseconds(300))
                #expect(response.status == .ok)
            }
        }
    }
}
