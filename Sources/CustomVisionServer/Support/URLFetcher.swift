import CustomVisionCore
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking

#endif
#if canImport(Glibc)
    import Glibc

#endif

/// Fetches images for CreateImagesFromUrls and the `/url` predictions: http(s) only, no redirects, a byte limit, an
/// idle and a total time limit, and no loopback, private or link-local targets unless `allowLocal` (SSRF
/// protection).
///
/// The host is resolved and checked before the request; URLSession then resolves it again, so a DNS answer that
/// changes in between (rebinding) is not caught — acceptable for a development server, noted here.
struct URLFetcher: Sendable {
    let allowLocal: Bool
    /// How long the URL may send nothing.
    var timeout: TimeInterval = 10
    /// How long a whole fetch may take (a URL sending a byte now and then never idles).
    var deadline: TimeInterval = 60

    /// A failed fetch, with the reason.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// The URL answered more bytes than the limit.
        var isOverLimit = false
    }

    /// The body at `text`, at most `limit` bytes.
    func fetch(_ text: String, limit: Int) async throws -> [UInt8] {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { throw Failure(description: "only http and https URLs are fetched") }
        if !allowLocal {
            let addresses = try Self.resolve(host)
            guard !addresses.isEmpty else { throw Failure(description: "cannot resolve the host") }
            if addresses.contains(where: Self.isLocal) {
                throw Failure(description: "the URL points at a loopback or private address")
            }
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "GET"
        let collector = Collector(limit: limit)
        let session = URLSession(configuration: .ephemeral, delegate: collector, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request)
        let expiry = DispatchWorkItem { collector.expire(task) }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: expiry)
        defer { expiry.cancel() }
        let (status, data) = try await withCheckedThrowingContinuation { cont in collector.start(task, cont) }
        guard (200..<300).contains(status) else { throw Failure(description: "the URL did not answer 2xx") }
        return [UInt8](data)
    }

    /// Refuses redirects and gathers a response body, cancelling the transfer as soon as it (or its declared
    /// length) exceeds the limit, so a huge or endless answer never sits in memory.
    private final class Collector: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        typealias Continuation = CheckedContinuation<(Int, Data), any Error>
        private struct State {
            var body = Data()
            var status = 0
            var overLimit = false
            var expired = false
            var continuation: Continuation?
        }
        private let limit: Int
        private let state = Mutex(State())

        init(limit: Int) { self.limit = limit }

        func start(_ task: URLSessionDataTask, _ continuation: Continuation) {
            state.withLock { $0.continuation = continuation }
            task.resume()
        }

        /// Ends a fetch that took too long.
        func expire(_ task: URLSessionDataTask) {
            state.withLock { $0.expired = true }
            task.cancel()
        }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) { completionHandler(nil) }

        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
            completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
        ) {
            let tooLong = response.expectedContentLength > Int64(limit)
            state.withLock {
                $0.status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if tooLong { $0.overLimit = true }
            }
            completionHandler(tooLong ? .cancel : .allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let over = state.withLock { s -> Bool in
                guard !s.overLimit else { return true }
                s.body.append(data)
                if s.body.count > limit {
                    s.overLimit = true
                    s.body = Data()
                }
                return s.overLimit
            }
            if over { dataTask.cancel() }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let (continuation, result) = state.withLock { s -> (Continuation?, Result<(Int, Data), any Error>) in
                defer { s.continuation = nil }
                if s.overLimit {
                    let failure = Failure(description: "the image exceeds \(limit) bytes", isOverLimit: true)
                    return (s.continuation, .failure(failure))
                }
                if s.expired { return (s.continuation, .failure(Failure(description: "the URL took too long"))) }
                if let error {
                    let failure = Failure(description: "fetch failed: \(error.localizedDescription)")
                    return (s.continuation, .failure(failure))
                }
                return (s.continuation, .success((s.status, s.body)))
            }
            continuation?.resume(with: result)
        }
    }

    /// The IPv4/IPv6 addresses of `host`, as raw bytes.
    static func resolve(_ host: String) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            if n.pointee.ai_family == AF_INET, let sa = n.pointee.ai_addr {
                sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    out.append(withUnsafeBytes(of: sin.pointee.sin_addr) { Array($0) })
                }
            } else if n.pointee.ai_family == AF_INET6, let sa = n.pointee.ai_addr {
                sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    out.append(withUnsafeBytes(of: sin.pointee.sin6_addr) { Array($0) })
                }
            }
            node = n.pointee.ai_next
        }
        return out
    }

    /// Loopback, private, link-local, unspecified, CGNAT, multicast or IPv4-mapped local addresses.
    static func isLocal(_ a: [UInt8]) -> Bool {
        if a.count == 4 {
            switch (a[0], a[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
            case (172, 16...31), (100, 64...127): return true
            case (224...255, _): return true
            default: return false
            }
        }
        guard a.count == 16 else { return true }
        if a.allSatisfy({ $0 == 0 }) || (a[0..<15].allSatisfy { $0 == 0 } && a[15] == 1) { return true }
        if a[0] == 0xfe && (a[1] & 0xc0) == 0x80 { return true }  // fe80::/10
        if (a[0] & 0xfe) == 0xfc { return true }  // fc00::/7
        if a[0] == 0xff { return true }
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xff && a[11] == 0xff { return isLocal(Array(a[12..<16])) }
        return false
    }
}
