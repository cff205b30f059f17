import Foundation

/// Endpoints and keys after resolving flags, then the environment, then the config profile.
public struct ConnectionSettings: Sendable, Hashable, CustomStringConvertible {
    public var trainingEndpoint: String?
    public var trainingKey: String?
    public var predictionEndpoint: String?
    public var predictionKey: String?
    public var predictionResourceId: String?

    public init(trainingEndpoint: String? = nil, trainingKey: String? = nil, predictionEndpoint: String? = nil,
                predictionKey: String? = nil, predictionResourceId: String? = nil) {
        self.trainingEndpoint = trainingEndpoint
        self.trainingKey = trainingKey
        self.predictionEndpoint = predictionEndpoint
        self.predictionKey = predictionKey
        self.predictionResourceId = predictionResourceId
    }

    /// Resolves each setting: the flag, else its environment variable, else the profile.
    /// - Throws: ``CLIError`` when the config file cannot be read or `--profile` names no profile.
    public static func resolve(_ options: ConnectionOptions,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               configURL: URL? = nil) throws -> ConnectionSettings {
        let url = configURL ?? ConfigFile.defaultURL(environment: environment)
        let config = try ConfigFile.load(from: url)
        let profile = config.profile(named: options.profile)
        if let name = options.profile, profile == nil {
            throw CLIError.usage("no profile '\(name)' in \(url.path); see `cvctl config list`")
        }
        func pick(_ flag: String?, _ variable: String, _ stored: String?) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return stored
        }
        var settings = ConnectionSettings(
            trainingEndpoint: pick(options.trainingEndpoint, "VISION_TRAINING_ENDPOINT", profile?.trainingEndpoint),
            trainingKey: pick(options.trainingKey, "VISION_TRAINING_KEY", profile?.trainingKey),
            predictionEndpoint: pick(
                options.predictionEndpoint, "VISION_PREDICTION_ENDPOINT", profile?.predictionEndpoint),
            predictionKey: pick(options.predictionKey, "VISION_PREDICTION_KEY", profile?.predictionKey),
            predictionResourceId: pick(
                options.predictionResourceId, "VISION_PREDICTION_RESOURCE_ID", profile?.predictionResourceId))
        if settings.predictionEndpoint == nil { settings.predictionEndpoint = settings.trainingEndpoint }
        return settings
    }

    /// The training endpoint and key, or a usage error saying how to provide them.
    public func training() throws -> (endpoint: URL, key: String) {
        try pair(trainingEndpoint, trainingKey, "training", "VISION_TRAINING")
    }

    /// The prediction endpoint and key, or a usage error saying how to provide them.
    public func prediction() throws -> (endpoint: URL, key: String) {
        try pair(predictionEndpoint, predictionKey, "prediction", "VISION_PREDICTION")
    }

    /// Every key, for redaction.
    public var secrets: [String] { [trainingKey, predictionKey].compactMap { $0 }.filter { !$0.isEmpty } }

    /// The settings with keys redacted.
    public var description: String {
        "training \(trainingEndpoint ?? "-") key \(Redactor.mask(trainingKey)); "
            + "prediction \(predictionEndpoint ?? "-") key \(Redactor.mask(predictionKey))"
    }

    private func pair(_ endpoint: String?, _ key: String?, _ kind: String, _ variable: String) throws
        -> (endpoint: URL, key: String)
    {
        guard let endpoint, let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https" else {
            throw CLIError.usage("no valid \(kind) endpoint: pass --\(kind)-endpoint, set \(variable)_ENDPOINT, "
                + "or run `cvctl config set \(kind)-endpoint URL`")
        }
        guard let key, !key.isEmpty else {
            throw CLIError.usage("no \(kind) key: pass --\(kind)-key, set \(variable)_KEY, "
                + "or run `cvctl config set \(kind)-key KEY`")
        }
        return (url, key)
    }
}

/// Removes secrets from text before it is printed.
public struct Redactor: Sendable {
    private let secrets: [String]

    public init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 4 } }

    /// `text` with every secret replaced by `***`.
    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// `secret` as it is and as it appears percent-encoded in a request's query, so both are redacted.
    public static func forms(of secret: String) -> [String] {
        var unreserved = CharacterSet(charactersIn: "-._~,")
        unreserved.formUnion(CharacterSet(charactersIn: "a"..."z"))
        unreserved.formUnion(CharacterSet(charactersIn: "A"..."Z"))
        unreserved.formUnion(CharacterSet(charactersIn: "0"..."9"))
        let encoded = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? secret
        return encoded == secret ? [secret] : [secret, encoded]
    }

    /// `***` for a set value, `-` for none: how keys are shown.
    public static func mask(_ key: String?) -> String {
        guard let key, !key.isEmpty else { return "-" }
        return "***"
    }
}
