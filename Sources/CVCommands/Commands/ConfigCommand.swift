import ArgumentParser
import Foundation

/// `cvctl config set|unset|show|use|list`: named connection profiles in the config file.
public struct ConfigCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Manage connection profiles in ~/.config/cvctl/config.json (or $CVCTL_CONFIG).",
        discussion: """
            The file is written with mode 0600. Settings resolve in this order: command-line flag, environment \
            variable (VISION_TRAINING_ENDPOINT, VISION_TRAINING_KEY, VISION_PREDICTION_ENDPOINT, \
            VISION_PREDICTION_KEY, VISION_PREDICTION_RESOURCE_ID), then the profile. Keys are never printed.

            Examples:
              cvctl config set training-endpoint http://127.0.0.1:8080
              printf %s "$KEY" | cvctl config set training-key -
              cvctl config set --profile azure training-endpoint \\
                  https://westus2.api.cognitive.microsoft.com
              cvctl config use azure
              cvctl config show
              cvctl config list
            """,
        subcommands: [Set.self, Unset.self, Show.self, Use.self, List.self])

    public init() {}

    static func url() -> URL { ConfigFile.defaultURL() }

    /// `key` must be one of ``ConfigProfile/keys`` (a misspelt key would otherwise change nothing, silently).
    static func validateKey(_ key: String) throws {
        guard ConfigProfile.keys.contains(key) else {
            throw ValidationError("unknown key '\(key)'; use one of \(ConfigProfile.keys.joined(separator: ", "))")
        }
    }

    /// `cvctl config set KEY VALUE`.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a value in a profile (creating it); a VALUE of - reads it from stdin.",
            discussion: """
                Keys: \(ConfigProfile.keys.joined(separator: ", ")).

                Examples:
                  cvctl config set training-endpoint http://127.0.0.1:8080
                  printf %s "$KEY" | cvctl config set --profile local training-key -
                """)
        @Option(help: "Profile to change (default: the current profile, else 'default').") var profile: String?
        @Argument(help: "The setting.") var key: String
        @Argument(help: "The value, or - to read it from stdin.") var value: String
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws { try ConfigCommand.validateKey(key) }

        func run() async throws {
            let url = ConfigCommand.url()
            var file = try ConfigFile.load(from: url)
            let name = profile ?? file.currentProfile ?? "default"
            var entry = file.profiles[name] ?? ConfigProfile()
            var newValue = value
            if value == "-" {
                newValue = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
            }
            // `printf %s "$KEY" | cvctl config set training-key -` with $KEY unset must not store an empty key.
            guard !newValue.isEmpty else {
                throw CLIError.usage("the value for \(key) is empty\(value == "-" ? " (read from stdin)" : ""); "
                    + "`cvctl config unset \(key)` removes a value")
            }
            if key.hasSuffix("-endpoint") {
                try ConnectionSettings.checkNoCredentials(newValue, setting: key)
                guard ConnectionSettings.endpointURL(newValue) != nil else {
                    throw CLIError.usage("\(key) must be an http(s) URL (e.g. https://westus2.api.cognitive"
                        + ".microsoft.com), not \(newValue)")
                }
            }
            entry[key] = newValue
            file.profiles[name] = entry
            if file.currentProfile == nil { file.currentProfile = name }
            try file.save(to: url)
            let shown = ConfigProfile.isSecret(key) ? Redactor.mask(newValue) : newValue
            try Console(format: output.output, quiet: output.quiet).report(
                ["action": "set", "profile": name, "key": key, "value": shown, "file": url.path],
                "set \(key) = \(shown) in profile '\(name)' (\(url.path))")
        }
    }

    /// `cvctl config unset KEY`.
    struct Unset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unset",
            abstract: "Remove a value from a profile.",
            discussion: "Example:\n  cvctl config unset prediction-key --profile azure")
        @Option(help: "Profile to change (default: the current profile).") var profile: String?
        @Argument(help: "The setting.") var key: String
        @OptionGroup(title: "Output") var output: OutputOptions

        func validate() throws { try ConfigCommand.validateKey(key) }

        func run() async throws {
            let url = ConfigCommand.url()
            var file = try ConfigFile.load(from: url)
            let name = profile ?? file.currentProfile ?? "default"
            guard var entry = file.profiles[name] else { throw CLIError.usage("no profile '\(name)'") }
            entry[key] = nil
            file.profiles[name] = entry
            try file.save(to: url)
            try Console(format: output.output, quiet: output.quiet).report(
                ["action": "unset", "profile": name, "key": key, "file": url.path],
                "unset \(key) in profile '\(name)' (\(url.path))")
        }
    }

    /// `cvctl config show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a profile, keys masked.",
            discussion: "Examples:\n  cvctl config show\n  cvctl config show --profile azure --output json")
        @Option(help: "Profile to show (default: the current profile).") var profile: String?
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            let url = ConfigCommand.url()
            let file = try ConfigFile.load(from: url)
            let name = profile ?? file.currentProfile ?? "default"
            guard let entry = file.profiles[name] else { throw CLIError.usage("no profile '\(name)' in \(url.path)") }
            var shown: [String: String] = [:]
            for key in ConfigProfile.keys {
                guard let value = entry[key] else { continue }
                shown[key] = ConfigProfile.isSecret(key) ? Redactor.mask(value) : Redactor.endpoint(value)
            }
            let console = Console(format: output.output, quiet: output.quiet)
            try console.emit(["profile": name, "file": url.path].merging(shown) { a, _ in a }) { values in
                TextTable(headers: ["SETTING", "VALUE"],
                          rows: values.keys.sorted().map { [$0, values[$0] ?? ""] })
            }
        }
    }

    /// `cvctl config use NAME`.
    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "use",
            abstract: "Make a profile the current one.", discussion: "Example:\n  cvctl config use azure")
        @Argument(help: "The profile.") var name: String
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            let url = ConfigCommand.url()
            var file = try ConfigFile.load(from: url)
            guard file.profiles[name] != nil else { throw CLIError.usage("no profile '\(name)' in \(url.path)") }
            file.currentProfile = name
            try file.save(to: url)
            try Console(format: output.output, quiet: output.quiet).report(
                ["action": "use", "profile": name, "file": url.path], "using profile '\(name)' (\(url.path))")
        }
    }

    /// `cvctl config list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the profiles; * marks the current one.", discussion: "Example:\n  cvctl config list")
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() async throws {
            let file = try ConfigFile.load(from: ConfigCommand.url())
            let names = file.profiles.keys.sorted()
            let console = Console(format: output.output, quiet: output.quiet)
            let rows = names.map {
                ProfileRow(name: $0, current: $0 == file.currentProfile,
                           trainingEndpoint: file.profiles[$0]?.trainingEndpoint.map(Redactor.endpoint))
            }
            try console.emit(rows) { rows in
                TextTable(headers: ["", "PROFILE", "TRAINING ENDPOINT"],
                          rows: rows.map { [$0.current ? "*" : "", $0.name, $0.trainingEndpoint ?? "-"] })
            }
        }
    }

    struct ProfileRow: Codable {
        var name: String
        var current: Bool
        var trainingEndpoint: String?
    }
}
