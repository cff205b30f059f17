import CustomVisionHTTP
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

    /// Resolves each setting: the flag, else its environment variable, else the profile. A profile named with
    /// `--profile` was asked for by name: its values come ahead of the environment's (flags still come first).
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
        let profileFirst = options.profile != nil
        func pick(_ flag: String?, _ variable: String, _ stored: String?) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if profileFirst, let stored, !stored.isEmpty { return stored }
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

    /// Every key (as it is and percent-encoded) and any password written into an endpoint, for redaction.
    public var secrets: [String] {
        let keys = [trainingKey, predictionKey].compactMap { $0 }.filter { !$0.isEmpty }.flatMap(Redactor.forms(of:))
        return keys + [trainingEndpoint, predictionEndpoint].compactMap { $0 }.flatMap(Redactor.passwords(in:))
    }

    /// The settings with keys (and any password in an endpoint) masked.
    public var description: String {
        "training \(trainingEndpoint.map(Redactor.endpoint) ?? "-") key \(Redactor.mask(trainingKey)); "
            + "prediction \(predictionEndpoint.map(Redactor.endpoint) ?? "-") key \(Redactor.mask(predictionKey))"
    }

    /// Refuses an endpoint with a user name or password in it (`https://user:secret@host`): the service
    /// authenticates with keys, and such a password would travel in every request line cvctl logs. The message
    /// does not repeat the endpoint.
    public static func checkNoCredentials(_ endpoint: String, setting: String) throws {
        guard let components = URLComponents(string: endpoint),
            components.user != nil || components.password != nil
        else { return }
        throw CLIError.usage("\(setting) has a user name or password in it (user:password@host); Custom Vision "
            + "authenticates with keys: remove it and give the key with the key setting")
    }

    /// `endpoint` as a URL when it is an absolute http or https URL with a host, else nil.
    public static func endpointURL(_ endpoint: String) -> URL? {
        guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https",
            url.host?.isEmpty == false
        else { return nil }
        return url
    }

    private func pair(_ endpoint: String?, _ key: String?, _ kind: String, _ variable: String) throws
        -> (endpoint: URL, key: String)
    {
        guard let endpoint, !endpoint.isEmpty else {
            throw CLIError.usage("no \(kind) endpoint: pass --\(kind)-endpoint, set \(variable)_ENDPOINT, "
                + "or run `cvctl config set \(kind)-endpoint URL`")
        }
        guard let url = Self.endpointURL(endpoint) else {
            throw CLIError.usage("the \(kind) endpoint \(Redactor.endpoint(endpoint)) is not an http(s) URL "
                + "(e.g. https://westus2.api.cognitive.microsoft.com)")
        }
        try Self.checkNoCredentials(endpoint, setting: "the \(kind) endpoint")
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

    /// `text` with every secret replaced by `***`, and the secrets a URL can carry (a password, a SAS signature,
    /// an import token) masked too.
    public func redact(_ text: String) -> String {
        SecretMasking.mask(secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") })
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

    /// The password of `endpoint`'s `user:password@` part as written and decoded, or nothing.
    public static func passwords(in endpoint: String) -> [String] {
        guard let components = URLComponents(string: endpoint), let raw = components.percentEncodedPassword,
            !raw.isEmpty
        else { return [] }
        let decoded = components.password ?? raw
        return decoded == raw ? [raw] : [raw, decoded]
    }

    /// `endpoint` with the password of any `user:password@` part masked, for display.
    public static func endpoint(_ endpoint: String) -> String {
        guard var components = URLComponents(string: endpoint), components.percentEncodedPassword != nil else {
            return endpoint
        }
        components.percentEncodedPassword = "***"
        return components.string ?? "***"
    }

    /// `***` for a set value, `-` for none: how keys are shown.
    public static func mask(_ key: String?) -> String {
        guard let key, !key.isEmpty else { return "-" }
        return "***"
    }
}
