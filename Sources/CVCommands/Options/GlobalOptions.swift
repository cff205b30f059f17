import ArgumentParser

/// The options every command that talks to a server takes (SwiftPM's `GlobalOptions` shape).
public struct GlobalOptions: ParsableArguments, Sendable {
    @OptionGroup(title: "Connection")
    public var connection: ConnectionOptions

    @OptionGroup(title: "Output")
    public var output: OutputOptions

    public init() {}
}
