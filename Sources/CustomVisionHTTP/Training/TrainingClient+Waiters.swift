import Foundation

extension TrainingClient {
    /// Polls GetIteration until training ends.
    /// - Parameters:
    ///   - timeout: the longest to wait.
    ///   - pollInterval: the first pause between polls; pauses grow by half each time, up to 30 s
    ///     (or `pollInterval` when it is longer).
    /// - Returns: the iteration once its status is `Completed` or `Failed` (check which).
    /// - Throws: ``CustomVisionClientError`` of kind ``CustomVisionClientError/Kind/waitTimeout`` when the time
    ///   runs out, or the error of a failed poll.
    public func waitForIteration(
        projectId: UUID, iterationId: UUID, timeout: Duration = .seconds(3600), pollInterval: Duration = .seconds(2)
    ) async throws -> Iteration {
        try await poll("GetIteration", timeout: timeout, pollInterval: pollInterval) {
            let iteration = try await getIteration(projectId: projectId, iterationId: iterationId)
            let done = iteration.status == .completed || iteration.status == .failed
            return (done ? iteration : nil, "iteration \(iterationId) is \(iteration.status?.rawValue ?? "unknown")")
        }
    }

    /// Polls GetExports until the export of `platform` (and `flavor`, when given; both compared ignoring case, as
    /// the service takes them) is `Done` or `Failed`.
    /// - Returns: that export; its `downloadUri` is set when `Done`.
    /// - Throws: a ``CustomVisionClientError/Kind/waitTimeout`` error when the time runs out.
    public func waitForExport(
        projectId: UUID, iterationId: UUID, platform: ExportPlatform, flavor: ExportFlavor? = nil,
        timeout: Duration = .seconds(1800), pollInterval: Duration = .seconds(2)
    ) async throws -> Export {
        try await poll("GetExports", timeout: timeout, pollInterval: pollInterval) {
            let exports = try await getExports(projectId: projectId, iterationId: iterationId)
            let export = exports.first { $0.isOf(platform: platform, flavor: flavor) }
            let done = export?.status == .done || export?.status == .failed
            return (
                done ? export : nil, "the \(platform.rawValue) export is \(export?.status?.rawValue ?? "not listed")"
            )
        }
    }

    /// Downloads a finished export's artifact into a file, streaming.
    ///
    /// An absolute `downloadUri` is fetched directly (the key is sent only when it points at this client's
    /// endpoint); a relative one (VNET resources) goes through GetArtifact.
    /// - Returns: `destination`.
    @discardableResult
    public func downloadExport(_ export: Export, projectId: UUID, to destination: URL) async throws -> URL {
        guard let uri = export.downloadUri, !uri.isEmpty else {
            throw CustomVisionClientError(
                kind: .invalidRequest, operationID: "DownloadExport", message: "the export has no downloadUri yet",
                attempts: 0)
        }
        return try await download(uri, projectId: projectId, to: destination, operationID: "DownloadExport")
    }

    /// Downloads an image (`originalImageUri`, `resizedImageUri` or `thumbnailUri` of an ``Image``) into a file,
    /// streaming; absolute and relative (GetArtifact) URIs are handled as by ``downloadExport(_:projectId:to:)``.
    /// - Returns: `destination`.
    @discardableResult
    public func downloadImage(_ uri: String, projectId: UUID, to destination: URL) async throws -> URL {
        try await download(uri, projectId: projectId, to: destination, operationID: "DownloadImage")
    }

    private func download(_ uri: String, projectId: UUID, to destination: URL, operationID: String) async throws -> URL
    {
        guard let url = URL(string: uri), url.scheme != nil else {
            return try await getArtifact(projectId: projectId, path: uri, to: destination)
        }
        var operation = Operation(operationID, .get, "")
        operation.downloadDestination = destination
        let sameOrigin = url.scheme == endpoint.scheme && url.host == endpoint.host && url.port == endpoint.port
        var request = executor.makeRequest(operation)
        request.url = url
        if !sameOrigin { request.headers.remove(executor.keyHeader) }
        let response = try await executor.send(request, operation: operation).response
        return response.bodyFile ?? destination
    }

    /// Polls `check` with growing pauses until it returns a value or `timeout` passes.
    private func poll<T>(
        _ operationID: String, timeout: Duration, pollInterval: Duration,
        _ check: () async throws -> (T?, String)
    ) async throws -> T {
        let stopwatch = Stopwatch(clock)
        let ceiling = max(pollInterval, .seconds(30))
        var interval = pollInterval
        while true {
            let (value, state) = try await check()
            if let value { return value }
            let remaining = timeout - stopwatch.elapsed()
            guard remaining > .zero else {
                throw CustomVisionClientError(
                    kind: .waitTimeout, operationID: operationID, message: "gave up after \(timeout): \(state)")
            }
            try await clock.sleep(for: min(interval, remaining))
            interval = min(interval * 1.5, ceiling)
        }
    }
}

extension Export {
    /// Whether this is the export of `platform` (and of `flavor`, when given), ignoring case: the service takes
    /// `dockerfile` for `DockerFile` and lists it under the latter.
    public func isOf(platform: ExportPlatform, flavor: ExportFlavor? = nil) -> Bool {
        self.platform?.rawValue.lowercased() == platform.rawValue.lowercased()
            && (flavor == nil || self.flavor?.rawValue.lowercased() == flavor?.rawValue.lowercased())
    }
}
