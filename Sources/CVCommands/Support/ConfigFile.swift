import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One named set of endpoints and keys in the config file.
public struct ConfigProfile: Codable, Hashable, Sendable {
    public var trainingEndpoint: String?
    public var trainingKey: String?
    public var predictionEndpoint: String?
    public var predictionKey: String?
    public var predictionResourceId: String?

    public init() {}

    /// The settable keys, as `cvctl config set KEY VALUE` spells them.
    public static let keys = [
        "training-endpoint", "training-key", "prediction-endpoint", "prediction-key", "prediction-resource-id",
    ]

    /// Whether `key` names a secret (its value is never printed).
    public static func isSecret(_ key: String) -> Bool { key.hasSuffix("-key") }

    /// The value of a settable key.
    public subscript(key: String) -> String? {
        get {
            switch key {
            case "training-endpoint": trainingEndpoint
            case "training-key": trainingKey
            case "prediction-endpoint": predictionEndpoint
            case "prediction-key": predictionKey
            case "prediction-resource-id": predictionResourceId
            default: nil
            }
        }
        set {
            switch key {
            case "training-endpoint": trainingEndpoint = newValue
            case "training-key": trainingKey = newValue
            case "prediction-endpoint": predictionEndpoint = newValue
            case "prediction-key": predictionKey = newValue
            case "prediction-resource-id": predictionResourceId = newValue
            default: break
            }
        }
    }
}

/// `~/.config/cvctl/config.json` (or `$CVCTL_CONFIG`): named profiles and the current one. Written with mode 0600.
public struct ConfigFile: Codable, Hashable, Sendable {
    /// The profile used when `--profile` is not given.
    public var currentProfile: String?
    /// The profiles by name.
    public var profiles: [String: ConfigProfile]

    public init(currentProfile: String? = nil, profiles: [String: ConfigProfile] = [:]) {
        self.currentProfile = currentProfile
        self.profiles = profiles
    }

    /// The config file's path: `$CVCTL_CONFIG`, else `$XDG_CONFIG_HOME/cvctl/config.json`, else
    /// `~/.config/cvctl/config.json`.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["CVCTL_CONFIG"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let base: URL
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home).appendingPathComponent(".config")
        }
        return base.appendingPathComponent("cvctl/config.json")
    }

    /// Reads the file; a missing file is an empty config.
    /// - Throws: ``CLIError`` naming the file when it exists but cannot be read or decoded.
    public static func load(from url: URL) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: url.path) else { return ConfigFile() }
        do {
            let data = try Data(contentsOf: url)
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw CLIError.usage("cannot read config file \(url.path): \(error.localizedDescription)")
        }
    }

    /// The profile `name`, else the current profile, else `default`.
    public func profile(named name: String?) -> ConfigProfile? {
        profiles[name ?? currentProfile ?? "default"]
    }

    /// Writes the file atomically with mode 0600 (its directory 0700), replacing any previous one.
    public func save(to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let temporary = directory.appendingPathComponent(".config.json.\(getpid()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CLIError.usage("cannot write config file \(temporary.path)") }
        // The whole file, on disk before it replaces the old one: a crash must not leave an empty config (and the
        // profiles' keys lost) behind the new name.
        var written = 0
        data.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                guard n > 0 else { return }
                written += n
            }
        }
        fchmod(fd, 0o600)
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced else {
            unlink(temporary.path)
            throw CLIError.usage("cannot write config file \(temporary.path)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw CLIError.usage("cannot replace config file \(url.path)")
        }
        // The rename itself (best effort: not every file system lets a directory be fsynced).
        let directoryFD = open(directory.path, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }
}
