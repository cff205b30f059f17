import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird

/// The server's front door, in front of the router.
///
/// Azure accepts `/customvision/{version}/{training|prediction}/…` with any of several versions and the area
/// segment in any case (the portal capitalises it). The router's own matching is exact, so this responder checks
/// the version, rewrites the path to `/training/…` or `/prediction/…`, checks the area's key (constant time),
/// applies the tier's rate limit and injected faults, and renders every error as `{"code","message"}`. A request that
/// names no host gets the connection's local address as its authority, so the URLs rendered for it reach this server.
struct FrontResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    let inner: Inner
    let configuration: ServerConfiguration
    let limiter: RateLimiter
    let faults: FaultInjector?

    static var trainingVersions: Set<String> { ["v3.0", "v3.1", "v3.2", "v3.3", "v3.4-preview"] }

    /// `GET /healthz`: 200 `{"status":"ok"}` without a key, for container health checks and readiness probes. The
    /// server listens only once its store is open and checked, so an answer means it is ready; it tells nothing
    /// else (no version, no counts) and is neither rate-limited, delayed nor faulted.
    static var health: Response {
        var response = JSONBody.response(["status": "ok"])
        response.headers[.cacheControl] = "no-store"
        return response
    }
    static var predictionVersions: Set<String> { ["v3.0", "v3.1"] }

    func respond(to request: Request, context: FrontContext) async throws -> Response {
        do {
            return try await route(request, context: context)
        } catch let error as APIError {
            return error.makeResponse()
        } catch let error as HTTPError {
            let code: CustomVisionErrorCode = error.status == .notFound ? .notFound : .badRequest
            return APIError(error.status, code, error.body ?? "\(error.status.reasonPhrase)").makeResponse()
        } catch {
            return APIError(.internalServerError, .errorUnknown, "An internal error occurred.").makeResponse()
        }
    }

    private func route(_ request: Request, context: FrontContext) async throws -> Response {
        let path = request.uri.path
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if segments.first == "cvimages" {
            return try Self.routed(await inner.respond(to: request, context: context.routed))
        }
        if segments == ["healthz"], [.get, .head].contains(request.method) { return Self.health }
        guard segments.count >= 3, segments[0].lowercased() == "customvision" else {
            throw APIError.notFound(.notFound, "Resource not found.")
        }
        let version = segments[1].lowercased()
        let area = segments[2].lowercased()
        switch area {
        case "training":
            guard !configuration.predictionOnly else {
                throw APIError.notFound(.notFound, "This server serves prediction only.")
            }
            guard Self.trainingVersions.contains(version) else { throw Self.unknownVersion(version) }
            // Azure's gateway takes its subscription-key header on either API (SUMMARY.md: an alias, not in the
            // spec); each API still takes only its own key.
            try authorize(
                request, keys: ["training-key", "ocp-apim-subscription-key"], expected: configuration.trainingKey)
        case "prediction":
            guard Self.predictionVersions.contains(version) else { throw Self.unknownVersion(version) }
            try authorize(
                request, keys: ["prediction-key", "ocp-apim-subscription-key"],
                expected: configuration.predictionKey)
        default:
            throw APIError.notFound(.notFound, "Resource not found.")
        }
        if let retry = limiter.acquire() {
            var error = APIError(
                .tooManyRequests, CustomVisionErrorCode("TooManyRequests"),
                "Rate limit of the \(configuration.tier.name) tier exceeded; retry after \(retry) second(s).")
            error.headers = [.retryAfter: "\(retry)"]
            throw error
        }
        if configuration.latency > .zero { try await Task.sleep(for: configuration.latency) }
        if let faults, let response = try await faults.inject() { return response }
        var head = request.head
        let rest = segments.dropFirst(3).joined(separator: "/")
        head.path = "/\(area)/\(rest)" + (request.uri.query.map { "?\($0)" } ?? "")
        if head.authority == nil, head.headerFields[HTTPField.Name("Host")!] == nil {
            head.authority = context.localAuthority
        }
        return try Self.routed(
            await inner.respond(to: Request(head: head, body: request.body), context: context.routed))
    }

    /// The router's answer, its bare 404 (no route matched) turned into the service's JSON error.
    private static func routed(_ response: Response) throws -> Response {
        if response.status == .notFound, response.headers[.contentType] == nil {
            throw APIError.notFound(.notFound, "Resource not found.")
        }
        return response
    }

    private func authorize(_ request: Request, keys: [String], expected: String) throws {
        let given = keys.lazy.compactMap { HTTPField.Name($0).flatMap { request.headers[$0] } }.first
        guard let given, constantTimeEquals(Array(given.utf8), Array(expected.utf8)) else {
            throw APIError.unauthorized
        }
    }

    private static func unknownVersion(_ version: String) -> APIError {
        APIError(.notFound, .notFound, "The API version '\(version.prefix(32))' is not supported by this server.")
    }
}
