import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Failures injected for client testing (`cvserver --faults RATE --fault-kinds … --fault-seed N`).
public struct FaultConfiguration: Sendable {
    /// A kind of injected failure.
    public enum Kind: String, Sendable, CaseIterable {
        /// 429 with `Retry-After: 1`.
        case throttle = "429"
        /// 500 ErrorUnknown.
        case serverError = "500"
        /// 503 with `Retry-After: 1`.
        case unavailable = "503"
        /// The connection is dropped after the response head.
        case reset
        /// The answer is delayed by two seconds (then served normally).
        case slow
    }

    /// The fraction of requests that fail, 0...1.
    public var rate: Double
    /// The kinds drawn from, uniformly.
    public var kinds: [Kind]
    /// The seed of the draws: the same seed gives the same sequence of faults.
    public var seed: UInt64

    public init(rate: Double, kinds: [Kind] = Kind.allCases, seed: UInt64 = 0) {
        self.rate = rate
        self.kinds = kinds.isEmpty ? Kind.allCases : kinds
        self.seed = seed
    }
}

/// Draws faults from a seeded generator (SplitMix64).
final class FaultInjector: Sendable {
    let configuration: FaultConfiguration
    private let state: Mutex<UInt64>

    init(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        state = Mutex(configuration.seed)
    }

    private func next() -> UInt64 {
        state.withLock { s in
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The fault for this request, if one is drawn: a response to send instead, or `nil` to proceed.
    func inject() async throws -> Response? {
        let draw = Double(next() >> 11) / Double(1 << 53)
        guard draw < configuration.rate else { return nil }
        let kind = configuration.kinds[Int(next() % UInt64(configuration.kinds.count))]
        switch kind {
        case .throttle:
            var e = APIError(.tooManyRequests, CustomVisionErrorCode("TooManyRequests"), "Injected fault: throttled.")
            e.headers = [.retryAfter: "1"]
            throw e
        case .serverError:
            throw APIError(.internalServerError, .errorUnknown, "Injected fault: internal error.")
        case .unavailable:
            var e = APIError(.serviceUnavailable, .errorUnknown, "Injected fault: service unavailable.")
            e.headers = [.retryAfter: "1"]
            throw e
        case .reset:
            return Response(
                status: .ok, headers: [.contentLength: "1024"],
                body: ResponseBody { _ in throw APIError(.internalServerError, .errorUnknown, "Injected reset") })
        case .slow:
            try await Task.sleep(for: .seconds(2))
            return nil
        }
    }
}
