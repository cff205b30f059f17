enum PrepBench {
    static func run(_ args: [String]) async throws { print("prep bench: not yet implemented") }
}
