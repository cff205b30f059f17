enum TrainBench {
    static func run(_ args: [String]) async throws { print("train bench: not yet implemented") }
}
