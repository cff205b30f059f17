import CVTestSupport
import CustomVisionHTTP
import Foundation

/// A transport that plays back a script of outcomes and records the requests — the only mock in these tests,
/// used solely for the retry logic (timing decisions run on an ``InstantClock``).
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    enum Step: Sendable {
        case status(Int, headers: [(String, String)] = [], body: String = "")
        case failure(CurlError)
    }

    private let lock = NSLock()
    private var steps: [Step]
    private var sent: [TransportRequest] = []
    private let clock: InstantClock?
    private let cost: Duration

    /// - Parameters:
    ///   - clock: when given, each send advances it by `cost` (time spent on the wire).
    init(_ steps: [Step], clock: InstantClock? = nil, cost: Duration = .zero) {
        self.steps = steps
        self.clock = clock
        self.cost = cost
    }

    var requests: [TransportRequest] { lock.withLock { sent } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let step = lock.withLock { () -> Step in
            sent.append(request)
            return steps.isEmpty ? .status(200, body: "{}") : steps.removeFirst()
        }
        clock?.advance(by: cost)
        switch step {
        case .status(let status, let headers, let body):
            var fields = TransportHeaders()
            for (name, value) in headers { fields.add(name, value) }
            return TransportResponse(status: status, headers: fields, body: Data(body.utf8))
        case .failure(let error):
            throw error
        }
    }

    static func curl(_ code: CurlError.Code) -> Step { .failure(CurlError(code: code, message: "curl \(code)")) }
}
