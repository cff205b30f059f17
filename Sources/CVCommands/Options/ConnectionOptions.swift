import ArgumentParser
import Foundation

/// Endpoints and keys: flags first, then the environment variables of Azure's quickstarts, then the config profile.
///
/// Keys have no default values on purpose: a default would show in `--help`.
public struct ConnectionOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Training endpoint, e.g. https://NAME.cognitiveservices.azure.com.",
        discussion: "Falls back to $VISION_TRAINING_ENDPOINT, then the config profile."))
    public var trainingEndpoint: String?

    @Option(name: .long, help: ArgumentHelp("Training key.",
        discussion: "Falls back to $VISION_TRAINING_KEY, then the config profile. Prefer the environment or config."))
    public var trainingKey: String?

    @Option(name: .long, help: "Prediction endpoint (else $VISION_PREDICTION_ENDPOINT, profile, training endpoint).")
    public var predictionEndpoint: String?

    @Option(name: .long, help: "Prediction key (falls back to $VISION_PREDICTION_KEY, then the profile).")
    public var predictionKey: String?

    @Option(name: .long, help: "Prediction resource id for publish (else $VISION_PREDICTION_RESOURCE_ID, profile).")
    public var predictionResourceId: String?

    @Option(name: .long, help: ArgumentHelp(
        "Config profile to read (default: the profile chosen by `cvctl config use`).",
        discussion: "Its values come ahead of the VISION_* environment variables; flags still come first."))
    public var profile: String?

    public init() {}
}
