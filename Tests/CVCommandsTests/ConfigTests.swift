import ArgumentParser
import Foundation
import Testing

@testable import CVCommands

struct ConfigTests {
    private func tempURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cvctl-config-\(UUID())/config.json")
    }

    @Test func savesWithMode0600AndReadsBack() throws {
        let url = tempURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var profile = ConfigProfile()
        profile["training-endpoint"] = "http://127.0.0.1:1"
        profile["training-key"] = "secret-key-1"
        try ConfigFile(currentProfile: "local", profiles: ["local": profile]).save(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let loaded = try ConfigFile.load(from: url)
        #expect(loaded.profile(named: nil)?.trainingKey == "secret-key-1")
    }

    @Test func replacingALargeConfigWritesItWholeAndLeavesNoTemporaryFile() throws {
        let url = tempURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try ConfigFile(currentProfile: "a", profiles: ["a": ConfigProfile()]).save(to: url)
        var profiles: [String: ConfigProfile] = [:]
        for i in 0..<3_000 {
            var profile = ConfigProfile()
            profile.trainingEndpoint = "https://region-\(i).example.com/"
            profile.trainingKey = "key-\(i)"
            profiles["p\(i)"] = profile
        }
        try ConfigFile(currentProfile: "p7", profiles: profiles).save(to: url)
        let loaded = try ConfigFile.load(from: url)
        #expect(loaded.profiles.count == 3_000)
        #expect(loaded.profile(named: "p2999")?.trainingKey == "key-2999")
        let folder = url.deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["config.json"])
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheProfile() throws {
        let url = tempURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var profile = ConfigProfile()
        profile.trainingEndpoint = "http://127.0.0.1:3"
        profile.trainingKey = "profile-key"
        profile.predictionResourceId = "resource"
        try ConfigFile(currentProfile: "p", profiles: ["p": profile]).save(to: url)
        let options = try ConnectionOptions.parse(["--training-key", "flag-key"])
        let env = ["VISION_TRAINING_ENDPOINT": "http://127.0.0.1:2", "VISION_TRAINING_KEY": "env-key"]
        let settings = try ConnectionSettings.resolve(options, environment: env, configURL: url)
        #expect(settings.trainingKey == "flag-key")
        #expect(settings.trainingEndpoint == "http://127.0.0.1:2")
        #expect(settings.predictionResourceId == "resource")
        #expect(settings.predictionEndpoint == "http://127.0.0.1:2")
        #expect(!settings.description.contains("flag-key"))
        #expect(throws: CLIError.self) {
            try ConnectionSettings.resolve(try ConnectionOptions.parse(["--profile", "nope"]), environment: [:],
                                           configURL: url)
        }
        // Named with --profile, the profile's values come ahead of the environment (a flag still comes first);
        // what it lacks still comes from the environment.
        let named = try ConnectionSettings.resolve(
            try ConnectionOptions.parse(["--profile", "p", "--training-key", "flag-key"]),
            environment: env.merging(["VISION_PREDICTION_KEY": "env-prediction"]) { a, _ in a }, configURL: url)
        #expect(named.trainingEndpoint == "http://127.0.0.1:3")
        #expect(named.trainingKey == "flag-key")
        #expect(named.predictionKey == "env-prediction")
    }

    @Test func missingKeyIsAUsageErrorNamingTheVariable() throws {
        let settings = ConnectionSettings(trainingEndpoint: "http://127.0.0.1:9")
        let error = #expect(throws: CLIError.self) { try settings.training() }
        #expect(error?.exitCode == 64)
        #expect(error?.message.contains("VISION_TRAINING_KEY") == true)
    }

    @Test func redactorMasksEverySecret() {
        let redactor = Redactor(secrets: ["abcd1234", "zzzz9999"])
        #expect(redactor.redact("Training-Key: abcd1234, p=zzzz9999") == "Training-Key: ***, p=***")
    }

    @Test func redactorMasksATokenAsARequestQueryCarriesIt() {
        let token = "aHR0c+Dov/LzEy=="
        let redactor = Redactor(secrets: Redactor.forms(of: token))
        let logged = "POST /projects/import?token=aHR0c%2BDov%2FLzEy%3D%3D&name=x; token \(token)"
        #expect(redactor.redact(logged) == "POST /projects/import?token=***&name=x; token ***")
    }
}
