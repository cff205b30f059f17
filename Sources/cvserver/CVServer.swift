import ArgumentParser
import CustomVisionServer
import Foundation
import Hummingbird
import ImagePrep

/// `cvserver`: a self-hosted server speaking Custom Vision's Training v3.3 and Prediction v3.0 APIs.
///
/// On start it prints exactly three lines to stdout, then flushes:
/// `cvserver listening on http://HOST:PORT`, `training-key: KEY`, `prediction-key: KEY`.
@main
struct CVServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvserver",
        abstract: "A self-hosted, wire-compatible Custom Vision server (Training v3.3, Prediction v3.0).")

    @Option(help: "Directory for metadata.sqlite, keys.json and image blobs; one server per directory.")
    var dataDir: String = "cvserver-data"

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free port.")
    var port: Int = 5080

    @Flag(help: "Keep everything in memory; nothing is written to disk.")
    var inMemory = false

    @Option(help: "Training key (env CVSERVER_TRAINING_KEY); else kept in DATA_DIR/keys.json or generated.")
    var trainingKey: String?

    @Option(help: "Prediction key (env CVSERVER_PREDICTION_KEY); else kept in DATA_DIR/keys.json or generated.")
    var predictionKey: String?

    @Flag(help: "Let URL imports and /url predictions reach loopback and private addresses.")
    var allowLocalUrls = false

    @Flag(help: "Serve the prediction API only (exported models).")
    var predictionOnly = false

    @Option(help: "Fraction of requests (0...1) that fail with an injected fault.")
    var faults: Double = 0

    @Option(help: "Comma-separated fault kinds among 429,500,503,reset,slow.")
    var faultKinds: String = "429,500,503,reset,slow"

    @Option(help: "Seed of the fault draws.")
    var faultSeed: UInt64 = 0

    @Option(help: "Emulate a pricing tier's quotas: F0 (2 projects, 2 requests/s), S0 (10 requests/s) or none.")
    var tier: String = "none"

    @Option(help: "Largest request body in bytes.")
    var maxBodySize: Int = 128 * 1024 * 1024

    @Option(help: ArgumentHelp(
        "Delay every API response by this many milliseconds.",
        discussion: "Emulates the round trip to a cloud region (e.g. 50), to see what a client's concurrency buys."))
    var latency: Int = 0

    @Option(help: ArgumentHelp(
        "Most image megapixels decoded at once across requests.",
        discussion: "Decodes beyond it wait their turn; one larger image still decodes, alone."))
    var pixelBudget: Int = 64

    @Option(help: ArgumentHelp(
        "Seconds a request may take to arrive in full (head and body); 0 for no limit.",
        discussion: "Then its connection is closed. Raise it for large uploads over slow links."))
    var requestTimeout: Int = 600

    func validate() throws {
        guard ServiceTier.named(tier) != nil else { throw ValidationError("--tier must be F0, S0 or none.") }
        guard (0...1).contains(faults) else { throw ValidationError("--faults must be between 0 and 1.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535.") }
        guard (0...60_000).contains(latency) else { throw ValidationError("--latency must be 0...60000 ms.") }
        guard (1...100_000).contains(pixelBudget) else { throw ValidationError("--pixel-budget must be 1...100000.") }
        guard requestTimeout >= 0 else { throw ValidationError("--request-timeout must be 0 or more seconds.") }
        for kind in faultKinds.split(separator: ",") where FaultConfiguration.Kind(rawValue: String(kind)) == nil {
            throw ValidationError("Unknown fault kind '\(kind)'.")
        }
    }

    func run() async throws {
        // Request bodies (megabytes of base64) and decoded images come and go with every upload batch: kept in the
        // heap for reuse rather than mapped fresh and returned each time, their pages are not faulted in again
        // (NEU-DET upload: page faults 11k -> 5.6k, server CPU -8%). Memory stays at its peak (at most a batch or
        // two of bodies per worker) instead of falling back between requests.
        AllocatorTuning.keepImageBuffersResident(mmapThreshold: 32 << 20, trimThreshold: 128 << 20)
        let env = ProcessInfo.processInfo.environment
        let directory = inMemory ? nil : URL(fileURLWithPath: dataDir)
        // Claimed before the key file is read or written: a second server on the directory stops here.
        let lock = try directory.map(DataDirectoryLock.init(directory:))
        defer { withExtendedLifetime(lock) {} }
        let (trainingKey, predictionKey) = try KeyFile.resolve(
            training: trainingKey ?? env["CVSERVER_TRAINING_KEY"],
            prediction: predictionKey ?? env["CVSERVER_PREDICTION_KEY"], dataDirectory: directory)
        // An empty key would let in any request that sends the header empty (say, from an unset variable).
        for (area, key) in [("training", trainingKey), ("prediction", predictionKey)] where key.isEmpty {
            throw ValidationError("The \(area) key is empty; give one, or none to have one generated.")
        }
        var settings = ServerConfiguration(
            host: host, port: port, dataDirectory: directory, inMemory: inMemory, trainingKey: trainingKey,
            predictionKey: predictionKey, allowLocalURLs: allowLocalUrls,
            faults: faults > 0
                ? FaultConfiguration(
                    rate: faults,
                    kinds: faultKinds.split(separator: ",").compactMap {
                        FaultConfiguration.Kind(rawValue: String($0))
                    }, seed: faultSeed) : nil,
            tier: ServiceTier.named(tier) ?? .unlimited, maxBodySize: maxBodySize, predictionOnly: predictionOnly)
        settings.latency = .milliseconds(latency)
        settings.pixelBudget = pixelBudget * 1_000_000
        settings.requestTimeout = requestTimeout > 0 ? .seconds(requestTimeout) : nil
        let configuration = settings
        let host = self.host
        let app = try buildApplication(configuration: configuration) { port in
            // Written unbuffered in one call: clients parse these lines as soon as they appear.
            let banner = """
                cvserver listening on http://\(host):\(port)
                training-key: \(configuration.trainingKey)
                prediction-key: \(configuration.predictionKey)

                """
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        try await app.runService()
    }
}
