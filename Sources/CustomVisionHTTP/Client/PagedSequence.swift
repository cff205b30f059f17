/// The items of a skip/take listing, fetched a page at a time as the sequence is iterated.
///
/// Iteration stops after a page shorter than the page size. Errors of a page fetch are thrown from `next()`.
public struct PagedSequence<Element: Sendable>: AsyncSequence, Sendable {
    /// Fetches the page starting at `skip` with at most `take` items.
    public typealias Fetch = @Sendable (_ skip: Int, _ take: Int) async throws -> [Element]

    /// The page size (`take`), 1…256.
    public let pageSize: Int
    private let fetch: Fetch

    /// Creates a sequence over `fetch`.
    /// - Parameters:
    ///   - pageSize: items per request; clamped to 1…256, the service's limit.
    ///   - fetch: one page request.
    public init(pageSize: Int, fetch: @escaping Fetch) {
        self.pageSize = Swift.min(Swift.max(pageSize, 1), ServiceLimits.maxTake)
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pageSize: pageSize, fetch: fetch) }

    /// Every item, in order, as one array.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await element in self { all.append(element) }
        return all
    }

    /// Walks the pages.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let pageSize: Int
        let fetch: Fetch
        private var buffer: [Element] = []
        private var index = 0
        private var skip = 0
        private var finished = false

        init(pageSize: Int, fetch: @escaping Fetch) {
            self.pageSize = pageSize
            self.fetch = fetch
        }

        public mutating func next() async throws -> Element? {
            if index == buffer.count {
                guard !finished else { return nil }
                buffer = try await fetch(skip, pageSize)
                index = 0
                skip += buffer.count
                finished = buffer.count < pageSize
                guard !buffer.isEmpty else { return nil }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
